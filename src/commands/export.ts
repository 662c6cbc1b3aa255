import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeFileDurably } from '../durable-write.js';
import { InputError } from '../errors.js';
import { reportMarkdown } from '../export/markdown.js';
import { DECODER_FORMATS } from '../export/decoders.js';
import { buildReport, reportJson } from '../export/report.js';
import { findSessionFile, loadSession, resolveSessionsDir } from '../session/store.js';
import { visible } from '../text-safe.js';
import type { Command } from './command.js';

export const command: Command = {
  name: 'export',
  summary: 'write a session as a markdown report (for a maintainer) or JSON',
  usage: 'bms-wizard export SESSION --format md|json|html|lua|aiobmsble|bundle [--out FILE] [--redact] [--sessions-dir DIR]',
  help: `SESSION is a session id (or a unique start of one), a session file, or 'latest'.
The markdown report holds the device and its GATT table, the commands the app wrote (queries
sent in every state, set commands seen in some states only), the rounds per state with the part
of each file they are and their message counts, the candidate table, hex views with the bits
marked, the accepted finding as a decoder rule, and your notes; with --out FILE.md an SVG
heatmap per group is written next to it and linked. JSON holds the same. HTML is one
self-contained page (no network): per group a heatmap of how often each byte and bit changes,
the per-state bit view, the states' frames side by side with checksums checked, and the
candidates plotted over time; without --out it is written to the sessions folder.

lua writes a Wireshark Lua dissector for the device's frames (the accepted finding as a field,
the checksum checked); aiobmsble a draft aiobmsble plugin with its pytest file and docs page;
bundle one zip for an issue (report, JSON, the frames used as hex, the dissector).

Options:
  --format FORMAT      md (default), json, html, lua, aiobmsble, bundle
  --out FILE           write to FILE instead of stdout (aiobmsble: a folder for its three files)
  --redact             replace device addresses and drop other devices' traffic and local paths
  --sessions-dir DIR   where sessions are kept (default: $BMS_WIZARD_SESSIONS or ./sessions)`,
  options: { format: { type: 'string' }, out: { type: 'string' }, redact: { type: 'boolean' }, 'sessions-dir': { type: 'string' } },
  async run(values, positionals, ctx) {
    const format = (values.format as string | undefined) ?? 'md';
    if (!['md', 'json', 'html', ...Object.keys(DECODER_FORMATS)].includes(format)) throw new InputError(`--format must be md, json, html, ${Object.keys(DECODER_FORMATS).join(', ')}; not '${format}'`);
    if (positionals.length === 0) throw new InputError("name the session to export (an id, a file, or 'latest'). Run 'bms-wizard sessions' to list them");
    if (positionals.length > 1) throw new InputError(`export takes one session, got ${positionals.length}`);
    const dir = resolveSessionsDir(values['sessions-dir'] as string | undefined, ctx.env);
    const file = await findSessionFile(dir, positionals[0]);
    const { session } = await loadSession(file);
    const redact = Boolean(values.redact);
    const out = values.out as string | undefined;
    const decoder = DECODER_FORMATS[format];
    if (decoder) {
      const data = await decoder(session, redact);
      if (Array.isArray(data)) {
        // Several files: under --out DIR, or one after the other on stdout with their paths.
        for (const f of data) {
          if (out) {
            const path = resolve(out, f.path);
            await mkdir(dirname(path), { recursive: true });
            await writeFileDurably(path, f.data);
            ctx.stderr.write(`wrote ${visible(join(out, f.path))}\n`);
          } else ctx.stdout.write(`# ---- ${visible(f.path)} ----\n${f.data}\n`);
        }
      } else if (out) {
        await writeFileDurably(resolve(out), data);
        ctx.stderr.write(`wrote ${visible(out)}\n`);
      } else ctx.stdout.write(data);
      return 0;
    }
    const report = buildReport(session, { redact });
    if (format === 'html') {
      const path = out ?? join(dir, `${session.id}.html`);
      const { writeHtmlReport } = await import('../export/visual.js');
      const { missing } = await writeHtmlReport(session, report, resolve(path));
      if (missing.length) ctx.stderr.write(`${missing.join(', ')}: not found or changed, so frames were learnt from the rounds' windows alone\n`);
      ctx.stderr.write(`wrote ${visible(path)}\n`);
      return 0;
    }
    let text = format === 'json' ? reportJson(report) : reportMarkdown(report);
    if (format === 'md' && out) {
      // An SVG heatmap per group beside the report, linked from it (GitHub shows SVG attachments).
      const { writeHeatmapsBeside } = await import('../export/svg-files.js');
      const { markdown, files } = await writeHeatmapsBeside(session, resolve(out));
      text += markdown;
      if (files.length) ctx.stderr.write(`wrote ${files.length} heatmap${files.length === 1 ? '' : 's'} next to ${visible(out)}\n`);
    }
    if (out) {
      await writeFileDurably(resolve(out), text);
      ctx.stderr.write(`wrote ${visible(out)}\n`);
    } else ctx.stdout.write(text);
    return 0;
  },
};
