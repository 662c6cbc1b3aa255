import { resolveSessionsDir } from '../session/store.js';
import { realEngine } from '../wizard/engine.js';
import { terminalIO } from '../wizard/io.js';
import { runWizard } from '../wizard/run.js';
import type { Command } from './command.js';

export const command: Command = {
  name: 'resume',
  summary: 'continue a saved session at the step it reached',
  usage: 'bms-wizard resume [SESSION] [--sessions-dir DIR] [--yes]',
  help: `SESSION is a session id (or a unique start of one), a session file, or 'latest' (the default).

Options:
  --sessions-dir DIR   where sessions are kept (default: $BMS_WIZARD_SESSIONS or ./sessions)`,
  options: { 'sessions-dir': { type: 'string' } },
  async run(values, positionals, ctx) {
    const sessionsDir = resolveSessionsDir(values['sessions-dir'] as string | undefined, ctx.env);
    const io = terminalIO(ctx, 'resume');
    const ref = positionals[0] ?? 'latest';
    await runWizard({ io, engine: realEngine, sessionsDir, env: ctx.env, mode: 'resume', session: ref, handleSignals: true });
    return 0;
  },
};
