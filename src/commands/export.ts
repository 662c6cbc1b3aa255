import { resolve } from 'node:path';
import { writeFileDurably } from '../durable-write.js';
import { InputError } from '../errors.js';
import { reportMarkdown } from '../export/markdown.js';
import { buildReport, reportJson } from '../export/report.js';
import { findSessionFile, loadSession, resolveSessionsDir } from '../session/store.js';
import type { Command } from './command.js';

export const command: Command = {
  name: 'export',
  summary: 'write a session as a markdown report (for a maintainer) or JSON',
  usage: 'bms-wizard export SESSION --format md|json [--out FILE] [--redact] [--sessions-dir DIR]',
  help: `SESSION is a session id (or a unique start of one), a session file, or 'latest'.
The markdown report holds the device and its GATT table, the query commands the app sent,
the rounds per state with message counts, the candidate table, hex views with the bits
marked, the accepted finding as a decoder rule, and your notes. JSON holds the same.

Options:
  --format md|json     report format (default md)
  --out FILE           write to FILE instead of stdout
  --redact             replace device addresses and drop other devices' traffic and local paths
  --sessions-dir DIR   where sessions are kept (default: $BMS_WIZARD_SESSIONS or ./sessions)`,
  options: { format: { type: 'string' }, out: { type: 'string' }, redact: { type: 'boolean' }, 'sessions-dir': { type: 'string' } },
  async run(values, positionals, ctx) {
    const format = (values.format as string | undefined) ?? 'md';
    if (format !== 'md' && format !== 'json') throw new InputError(`--format must be md or json, not '${format}'`);
    if (positionals.length === 0) throw new InputError("name the session to export (an id, a file, or 'latest'). Run 'bms-wizard sessions' to list them");
    if (positionals.length > 1) throw new InputError(`export takes one session, got ${positionals.length}`);
    const dir = resolveSessionsDir(values['sessions-dir'] as string | undefined, ctx.env);
    const file = await findSessionFile(dir, positionals[0]);
    const { session } = await loadSession(file);
    const report = buildReport(session, { redact: Boolean(values.redact) });
    const text = format === 'md' ? reportMarkdown(report) : reportJson(report);
    const out = values.out as string | undefined;
    if (out) {
      await writeFileDurably(resolve(out), text);
      ctx.stderr.write(`wrote ${out}\n`);
    } else ctx.stdout.write(text);
    return 0;
  },
};
