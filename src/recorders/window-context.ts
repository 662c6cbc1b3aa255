// The whole capture files behind a session's windowed rounds: unlabelled traffic from which the
// analysis learns how frames are cut (a window alone may start mid-frame).
import { basename } from 'node:path';
import { roundsFromCapture } from './files.js';
import type { ExtractFile } from '../hci/extract-file.js';
import type { Round } from '../model.js';
import type { Session } from '../session/schema.js';

/** Files missing or changed since the session (by SHA-256) are named in `missing` and left out. */
export async function windowContext(session: Session, extract: ExtractFile): Promise<{ rounds: Round[]; missing: string[] }> {
  const seen = new Set<string>();
  const rounds: Round[] = [];
  const missing: string[] = [];
  for (const r of session.rounds) {
    if (!r.source.window) continue;
    for (const f of r.source.files) {
      if (seen.has(f.sha256)) continue;
      seen.add(f.sha256);
      try {
        const x = await extract(f.path);
        if (x.capture.sha256 !== f.sha256) throw new Error('changed');
        rounds.push(...roundsFromCapture('', x.events, { kind: 'file', files: [] }));
      } catch {
        missing.push(basename(f.path));
      }
    }
  }
  return { rounds, missing };
}
