import { InputError } from '../errors.js';
import { resolveSessionsDir } from '../session/store.js';
import { realEngine } from '../wizard/engine.js';
import { terminalIO } from '../wizard/io.js';
import { runWizard } from '../wizard/run.js';
import { settingFlags, settingsFromFlags, settingsHelp, WIZARD_SETTINGS } from './analysis-flags.js';
import type { Command } from './command.js';

export const command: Command = {
  name: 'wizard',
  summary: 'the guided wizard: record ON/OFF rounds, isolate the bits, write a report (the default)',
  usage: 'bms-wizard [wizard] [--sessions-dir DIR] [--yes]',
  help: `Walks you through the method step by step: what to find, where the traffic comes from,
the rounds per state (with instructions and feedback after each), the analysis, the result,
and a report. Everything is kept in a session file; Ctrl+C saves it and prints how to resume.

Options:
  --sessions-dir DIR   where sessions are kept (default: $BMS_WIZARD_SESSIONS or ./sessions)
  --simulate PROTO     live sources talk to a simulated BMS instead of hardware (jbd, daly, jk, modbus)

Analysis settings (as for analyze; given here, they are used instead of the stored or default ones):
${settingsHelp(WIZARD_SETTINGS)}

Without a terminal, pass --yes to accept every default (questions without a default then fail).`,
  options: { 'sessions-dir': { type: 'string' }, simulate: { type: 'string' }, ...settingFlags(WIZARD_SETTINGS) },
  async run(values, _positionals, ctx) {
    const settings = settingsFromFlags(values, WIZARD_SETTINGS).stored;
    const io = terminalIO(ctx, 'wizard');
    const sessionsDir = resolveSessionsDir(values['sessions-dir'] as string | undefined, ctx.env);
    const simulate = values.simulate as string | undefined;
    if (simulate !== undefined && !realEngine.protocols().includes(simulate)) {
      throw new InputError(`--simulate ${simulate}: unknown protocol (known: ${realEngine.protocols().join(', ')})`);
    }
    await runWizard({ io, engine: realEngine, sessionsDir, env: ctx.env, mode: 'choose', handleSignals: true, settings, sourceOptions: simulate ? { simulate } : undefined, program: ctx.program });
    return 0;
  },
};
