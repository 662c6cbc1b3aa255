// Near misses: bits that would separate the states in every round but one. One wrong round (a
// window given to the wrong state, a round where the switch did not change) hides the answer;
// naming the disagreeing round lets the user redo exactly that one.
import { hex0x } from '../hex.js';
import { groupBy } from './stats.js';
import type { Label, Message, NearMiss } from './types.js';

/** Messages read per round: enough for its majority, bounded on long recordings. */
const PER_ROUND = 2_000;
/** Near misses kept per group (the rest would be the same story). */
const MAX_PER_GROUP = 32;

interface RoundBits {
  round: number;
  state: string;
  /** Per byte × 8 bits: 1, 0, or -1 (mixed within the round, or the round's messages are shorter). */
  value: Int8Array;
}

/** Each round's majority value of every bit of the group (share ≥ minAgreement, else mixed). */
function roundBits(msgs: Message[], length: number, minAgreement: number): RoundBits[] {
  const byRound = groupBy(msgs, (m) => m.round);
  const out: RoundBits[] = [];
  const ones = new Uint32Array(length * 8);
  const present = new Uint32Array(length);
  for (const [round, l] of [...byRound.entries()].sort((a, b) => a[0] - b[0])) {
    ones.fill(0);
    present.fill(0);
    const step = Math.max(1, Math.floor(l.length / PER_ROUND));
    for (let i = 0; i < l.length; i += step) {
      const b = l[i]!.bytes;
      const n = Math.min(b.length, length);
      for (let p = 0; p < n; p++) {
        present[p]!++;
        const v = b[p]!;
        if (v === 0) continue;
        for (let k = 0; k < 8; k++) if ((v >> k) & 1) ones[p * 8 + k]!++;
      }
    }
    const value = new Int8Array(length * 8).fill(-1);
    for (let p = 0; p < length; p++) {
      const n = present[p]!;
      if (!n) continue;
      for (let k = 0; k < 8; k++) {
        const o = ones[p * 8 + k]!;
        if (o >= n * minAgreement) value[p * 8 + k] = 1;
        else if (n - o >= n * minAgreement) value[p * 8 + k] = 0;
      }
    }
    out.push({ round, state: l[0]!.state, value });
  }
  return out;
}

/**
 * Bits of one group that separate the states in every round but one: with that round left out,
 * each state's rounds agree on one value and two states differ; the round itself shows the other
 * state's value or no constant value. `skip` names bytes already explained (labels) and bits that
 * are candidates already.
 */
export function findNearMisses(
  group: string,
  msgs: Message[],
  length: number,
  minAgreement: number,
  skip: (byte: number, bit: number) => boolean,
  indexOf: (round: number) => number,
): NearMiss[] {
  const rb = roundBits(msgs, length, minAgreement);
  if (rb.length < 3) return [];
  const index = new Map<string, number>();
  const stateOf = Int32Array.from(rb, (r) => index.get(r.state) ?? (index.set(r.state, index.size), index.size - 1));
  const out: NearMiss[] = [];
  for (let i = 0; i < length * 8 && out.length < MAX_PER_GROUP; i++) {
    const byte = i >> 3;
    const bit = i & 7;
    if (skip(byte, bit)) continue;
    const miss = oddRoundOut(rb, i, stateOf, index.size);
    if (miss === null) continue;
    const r = rb[miss.odd]!;
    out.push({ group, byte, bit, mask: hex0x(1 << bit), values: miss.values, round: r.round, state: r.state, index: indexOf(r.round), roundValue: r.value[i]! < 0 ? null : r.value[i]!, label: null });
  }
  return out;
}

/**
 * The one round whose value of bit i keeps the states from being separated, with each state's value
 * without it. Each round is tried as the odd one against counts of the others' values per state
 * (linear in rounds: a recording of hundreds of app sessions has hundreds of rounds).
 */
function oddRoundOut(rb: RoundBits[], i: number, stateOf: Int32Array, states: number): { odd: number; values: Record<string, number> } | null {
  const zeros = new Int32Array(states);
  const ones = new Int32Array(states);
  let mixed = 0;
  for (let k = 0; k < rb.length; k++) {
    const v = rb[k]!.value[i]!;
    if (v < 0) mixed++;
    else if (v) ones[stateOf[k]!]!++;
    else zeros[stateOf[k]!]!++;
  }
  // Every round but the odd one must show a constant value.
  if (mixed > 1) return null;
  let found = -1;
  for (let odd = 0; odd < rb.length; odd++) {
    const v = rb[odd]!.value[i]!;
    if (mixed === 1 && v >= 0) continue;
    const own = stateOf[odd]!;
    let ok = true;
    let seen0 = false;
    let seen1 = false;
    let ownValue = -1;
    for (let s = 0; s < states && ok; s++) {
      const a = zeros[s]! - (s === own && v === 0 ? 1 : 0);
      const b = ones[s]! - (s === own && v === 1 ? 1 : 0);
      if (a > 0 && b > 0) ok = false; // the state's other rounds disagree
      if (a > 0) seen0 = true;
      if (b > 0) seen1 = true;
      if (s === own && a + b > 0) ownValue = a > 0 ? 0 : 1;
    }
    // The odd round's state keeps rounds of its own, and the states differ without it.
    if (!ok || ownValue < 0 || !(seen0 && seen1)) continue;
    // With it, the bit would be a candidate already (the odd round agrees): not a near miss.
    if (v === ownValue) return null;
    if (found >= 0) return null; // two different rounds could be the odd one: no single round to name
    found = odd;
  }
  if (found < 0) return null;
  const values: Record<string, number> = {};
  for (let k = 0; k < rb.length; k++) if (k !== found) values[rb[k]!.state] ??= rb[k]!.value[i]!;
  return { odd: found, values };
}

/** Labels that explain a byte's changes: no near miss is reported there. */
export function explained(label: Label | undefined): boolean {
  return label === 'checksum' || label === 'counter' || label === 'length';
}
