// `export --format bundle`: one zip for an issue — the markdown report, the JSON, the frames used
// (hex, one file per state and round) and the Wireshark dissector — with --redact applied to all.
import { deviceFrames } from '../analysis/known/device-frames.js';
import { assemble } from '../analysis/frames.js';
import { hex0x, toHex } from '../hex.js';
import { sessionRounds } from '../session/rounds.js';
import type { Session } from '../session/schema.js';
import { VERSION } from '../version.js';
import { decoderModel } from './decoder-model.js';
import { luaDissector } from './lua.js';
import { reportMarkdown } from './markdown.js';
import { buildReport, redactText, reportJson } from './report.js';
import { zipFiles, type ZipEntry } from './zip-write.js';

/** Per state and round: the device's frames on each handle, cut as the analysis cuts them. */
function frameFiles(session: Session): ZipEntry[] {
  const rounds = sessionRounds(session);
  const d = deviceFrames(rounds);
  const out: ZipEntry[] = [];
  rounds.forEach((r, ri) => {
    const lines = [`# state ${r.state}, round ${r.index}: the device's frames, one a line as hex (bytes from 0 at the frame start)`];
    for (const s of d.streams) {
      const k = s.rounds.indexOf(ri);
      if (k < 0) continue;
      const frames = assemble(s.values[k]!, s.rule);
      lines.push('', `# handle ${hex0x(s.handle, 4)} ${s.dir}${s.uuid ? ` (${s.uuid})` : ''}, frames cut by ${s.ruleText}: ${frames.length}`);
      for (const f of frames) lines.push(`${f.orphan ? '# outside a frame: ' : ''}${toHex(f.bytes)}`);
    }
    out.push({ name: `frames/${r.state}-round${r.index}.txt`, data: `${lines.join('\n')}\n` });
  });
  return out;
}

export function bundleZip(session: Session, redact: boolean): Buffer {
  const report = buildReport(session, { redact });
  const text = (s: string): string => (redact ? redactText(session, s) : s);
  const entries: ZipEntry[] = [
    { name: 'report.md', data: reportMarkdown(report) },
    { name: 'report.json', data: reportJson(report) },
    ...frameFiles(session).map((e) => ({ ...e, data: text(e.data as string) })),
  ];
  if (session.accepted) entries.push({ name: `${session.id}.lua`, data: text(luaDissector(decoderModel(session), `bms-wizard ${VERSION}`)) });
  const base = `bms-wizard-${session.id}`;
  return zipFiles(entries.map((e) => ({ ...e, name: `${base}/${e.name}` })));
}
