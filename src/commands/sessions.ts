import { progressOf } from '../session/schema.js';
import { listSessions, resolveSessionsDir } from '../session/store.js';
import type { Command } from './command.js';
import { layoutTable, outputWidth, terminalColumns, wrapForTerminal } from '../table-layout.js';
import { visible } from '../text-safe.js';

export const command: Command = {
  name: 'sessions',
  summary: 'list saved sessions, newest first',
  usage: 'bms-wizard sessions [--json] [--sessions-dir DIR]',
  help: `Shows id, device, target, progress (rounds recorded / needed), step reached and last update.
Files that cannot be read are listed with the reason.

Options:
  --json               one JSON array on stdout
  --sessions-dir DIR   where sessions are kept (default: $BMS_WIZARD_SESSIONS or ./sessions)`,
  options: { json: { type: 'boolean' }, 'sessions-dir': { type: 'string' } },
  async run(values, _positionals, ctx) {
    const dir = resolveSessionsDir(values['sessions-dir'] as string | undefined, ctx.env);
    const all = await listSessions(dir);
    const rows = all.map((l) => {
      const s = l.session;
      const p = s ? progressOf(s) : null;
      return {
        id: l.id,
        file: l.file,
        device: s ? { name: s.device.name, address: s.device.address } : null,
        target: s ? s.target.name : null,
        states: s ? s.target.states : null,
        rounds: p ? p.rounds : null,
        roundsNeeded: p ? p.needed : null,
        step: s ? s.step : null,
        accepted: s?.accepted?.rule ?? null,
        updated: l.updated,
        error: l.error,
      };
    });
    if (values.json) {
      ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      ctx.stderr.write(`no sessions in ${visible(dir)}. Run 'bms-wizard' to start one, or 'bms-wizard demo' to try it\n`);
      return 0;
    }
    // One table of the readable sessions; an unreadable one is a line of its own where it comes.
    const width = outputWidth(ctx.stdout, ctx.env);
    const readable = rows.filter((r) => !r.error);
    const cells = readable.map((r) => [
      visible(r.id),
      visible(r.device?.name ?? r.device?.address ?? 'device not known yet'),
      visible(r.target ?? ''),
      `${r.rounds}/${r.roundsNeeded} rounds`,
      `step ${visible(r.step ?? '')}`,
      `updated ${visible(r.updated.slice(0, 16).replace('T', ' '))}`,
    ]);
    const table = layoutTable(cells, { width, columns: [{}, { wrap: true }, { wrap: true }] });
    const lines: string[] = [];
    for (const r of rows) {
      // Why a file is unreadable is a sentence: a paragraph, broken between words on a terminal only.
      if (r.error) lines.push(wrapForTerminal(`${visible(r.id)}  (unreadable: ${visible(r.error)})`, terminalColumns(ctx.stdout)));
      else lines.push(...table[readable.indexOf(r)]!);
    }
    ctx.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
