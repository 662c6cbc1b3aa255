// Rounds of two states that read the same part of one capture (the same file with overlapping
// windows): the switch cannot differ between them, so one of the two states is mislabelled.
import type { Round } from '../model.js';

export interface SharedInput {
  a: { state: string; index: number };
  b: { state: string; index: number };
  /** The records both rounds hold (file record numbers), or null when the rounds hold no events. */
  records: { from: number; to: number } | null;
}

/** A round as far as this check needs it: stored rounds (hex events) qualify too. */
export type RoundInput = Pick<Round, 'state' | 'index' | 'source'> & { events: readonly { record: number }[] };

function recordRange(r: RoundInput): { from: number; to: number } | null {
  let from = Infinity;
  let to = -Infinity;
  for (const e of r.events) {
    if (e.record < from) from = e.record;
    if (e.record > to) to = e.record;
  }
  return from <= to ? { from, to } : null;
}

/** One capture: the same content (hash), else the same path when no hash is known. */
function sameFile(a: RoundInput, b: RoundInput): boolean {
  return a.source.files.some((f) => b.source.files.some((g) => (f.sha256 && g.sha256 ? f.sha256 === g.sha256 : f.path === g.path)));
}

function windowsOverlap(a: RoundInput, b: RoundInput): boolean {
  const wa = a.source.window;
  const wb = b.source.window;
  if (!wa || !wb) return true;
  return wa.unit !== wb.unit || (wa.from <= wb.to && wb.from <= wa.to);
}

/** Pairs of rounds of different states that hold the same records of one capture. */
export function sharedInputs(rounds: readonly RoundInput[]): SharedInput[] {
  const out: SharedInput[] = [];
  const ranges = rounds.map(recordRange);
  for (let i = 0; i < rounds.length; i++) {
    for (let j = i + 1; j < rounds.length; j++) {
      const a = rounds[i]!;
      const b = rounds[j]!;
      if (a.state === b.state || !sameFile(a, b)) continue;
      if (a.source.conn !== undefined && b.source.conn !== undefined && a.source.conn !== b.source.conn) continue;
      const ra = ranges[i]!;
      const rb = ranges[j]!;
      let records: SharedInput['records'] = null;
      if (ra && rb) {
        // Events carry the file's record numbers: overlapping ranges are the same traffic, whatever the windows' units.
        const from = Math.max(ra.from, rb.from);
        const to = Math.min(ra.to, rb.to);
        if (from > to) continue;
        records = { from, to };
      } else if (!windowsOverlap(a, b)) continue;
      out.push({ a: { state: a.state, index: a.index }, b: { state: b.state, index: b.index }, records });
    }
  }
  return out;
}
