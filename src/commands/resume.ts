import { findSessionFile, resolveSessionsDir } from '../session/store.js';
import { realEngine } from '../wizard/engine.js';
import { terminalIO } from '../wizard/io.js';
import { runWizard } from '../wizard/run.js';
import { settingFlags, settingsFromFlags, settingsHelp, WIZARD_SETTINGS } from './analysis-flags.js';
import type { Command } from './command.js';

export const command: Command = {
  name: 'resume',
  summary: 'continue a saved session at the step it reached',
  usage: 'bms-wizard resume [SESSION] [--sessions-dir DIR] [--yes]',
  help: `SESSION is a session id (or a unique start of one), a session file, or 'latest' (the default).

Options:
  --sessions-dir DIR   where sessions are kept (default: $BMS_WIZARD_SESSIONS or ./sessions)

Analysis settings (as for analyze; given here, they are used instead of the stored or default ones):
${settingsHelp(WIZARD_SETTINGS)}`,
  options: { 'sessions-dir': { type: 'string' }, ...settingFlags(WIZARD_SETTINGS) },
  async run(values, positionals, ctx) {
    const sessionsDir = resolveSessionsDir(values['sessions-dir'] as string | undefined, ctx.env);
    const settings = settingsFromFlags(values, WIZARD_SETTINGS).stored;
    // A session that does not exist is the first thing to say, terminal or not.
    const file = await findSessionFile(sessionsDir, positionals[0] ?? 'latest');
    const io = terminalIO(ctx, 'resume');
    await runWizard({ io, engine: realEngine, sessionsDir, env: ctx.env, mode: 'resume', session: file, handleSignals: true, settings, program: ctx.program });
    return 0;
  },
};
