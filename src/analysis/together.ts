// Bits that always change together are one finding, not a tie broken by byte order: bits with the
// same evidence (equal scores) whose values map one to one in every round (a MOSFET flag and its
// indicator, a flag and its inverse). The first leads; the others are listed with it. Only another
// state (or a round where only the switch changes) can tell them apart. Bits with other evidence
// (a number that ticked over with the switch) keep their own rank.
import type { CandidateResult, Message } from './types.js';

/** Scores closer than this are equal evidence (a tie). */
export const TIE = 0.005;

/** Messages read per group: enough for each round's majority, bounded on long recordings. */
const SAMPLE = 50_000;
/** Candidates compared at most (the best unlabelled ones). */
const MAX_COMPARED = 64;

type Signature = Map<number, number>;

/** Per round: the most common value of (byte & mask) among the group's messages. */
function signature(msgs: Message[], byte: number, mask: number): Signature {
  const counts = new Map<number, Map<number, number>>();
  const step = Math.max(1, Math.floor(msgs.length / SAMPLE));
  for (let i = 0; i < msgs.length; i += step) {
    const m = msgs[i]!;
    if (byte >= m.bytes.length) continue;
    const v = m.bytes[byte]! & mask;
    let c = counts.get(m.round);
    if (!c) counts.set(m.round, (c = new Map()));
    c.set(v, (c.get(v) ?? 0) + 1);
  }
  const out: Signature = new Map();
  for (const [round, c] of counts) {
    let best = -1;
    let n = 0;
    for (const [v, k] of c) if (k > n) [best, n] = [v, k];
    out.set(round, best);
  }
  return out;
}

/** True when the two signatures map one to one over the rounds both have and take two values or more. */
function oneToOne(a: Signature, b: Signature): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (const [round, va] of a) {
    const vb = b.get(round);
    if (vb === undefined) continue;
    if ((ab.get(va) ?? vb) !== vb || (ba.get(vb) ?? va) !== va) return false;
    ab.set(va, vb);
    ba.set(vb, va);
  }
  return ab.size >= 2;
}

/**
 * Folds unlabelled candidates that move together with a better one into it (`together`), keeping
 * the order of the rest. `cands` is best first.
 */
export function foldTogether(cands: CandidateResult[], messagesOf: (group: string) => Message[]): CandidateResult[] {
  const open = cands.filter((c) => c.label === null).slice(0, MAX_COMPARED);
  if (open.length < 2) return cands;
  const sigs = open.map((c) => signature(messagesOf(c.group), c.byte, parseInt(c.mask, 16)));
  const folded = new Set<CandidateResult>();
  const lead = new Map<CandidateResult, CandidateResult[]>();
  open.forEach((c, i) => {
    if (folded.has(c)) return;
    for (let j = i + 1; j < open.length; j++) {
      const d = open[j]!;
      if (folded.has(d) || Math.abs(c.score - d.score) >= TIE || !oneToOne(sigs[i]!, sigs[j]!)) continue;
      folded.add(d);
      let l = lead.get(c);
      if (!l) lead.set(c, (l = []));
      l.push(d);
    }
  });
  if (folded.size === 0) return cands;
  return cands
    .filter((c) => !folded.has(c))
    .map((c) => {
      const others = lead.get(c);
      if (!others) return c;
      const together = others.map((d) => ({ group: d.group, byte: d.byte, bit: d.bit, mask: d.mask, bits: d.bits, values: d.values }));
      return { ...c, together, why: [...c.why, `moves together with ${others.length} other bit${others.length === 1 ? '' : 's'} of equal evidence`] };
    });
}
