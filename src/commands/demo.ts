import { resolveSessionsDir } from '../session/store.js';
import { realEngine } from '../wizard/engine.js';
import { terminalIO } from '../wizard/io.js';
import { runWizard } from '../wizard/run.js';
import { demoVerdict } from '../wizard/demo.js';
import type { Command } from './command.js';

export const command: Command = {
  name: 'demo',
  summary: 'the whole wizard against a built-in simulated BMS (no hardware needed)',
  usage: 'bms-wizard demo [--sessions-dir DIR] [--yes]',
  help: `A simulated phone app talks to a simulated BMS while a simulated sniffer writes real capture
files next to the session; the wizard reads them with the real readers and finds the switch
with the real analysis. You only answer the questions (or pass --yes to take every default).
It ends with the session saved and the markdown and JSON reports written next to it.

Options:
  --sessions-dir DIR   where the session is kept (default: $BMS_WIZARD_SESSIONS or ./sessions)`,
  options: { 'sessions-dir': { type: 'string' } },
  async run(values, _positionals, ctx) {
    const io = terminalIO(ctx, 'demo');
    const sessionsDir = resolveSessionsDir(values['sessions-dir'] as string | undefined, ctx.env);
    const engine = realEngine;
    const { session } = await runWizard({ io, engine, sessionsDir, env: ctx.env, mode: 'new', demo: true, handleSignals: true, program: ctx.program });
    const verdict = await demoVerdict(session, engine);
    io.out(verdict.found ? io.style.ok(`✔ ${verdict.text}`) : io.style.bad(`✖ ${verdict.text}`));
    return verdict.found ? 0 : 1;
  },
};
