// Bit statistics of one group: a byte-value histogram per (state, byte offset), filled in one pass
// over the messages (one increment per byte), from which every bit count is derived.
import type { Message } from './types.js';

export interface GroupStats {
  states: string[];
  /** Longest message of the group. */
  length: number;
  /** Per state: length × 256 counts; hist[s][byte * 256 + value]. */
  hist: Uint32Array[];
  /** Per state: messages that reach each byte. */
  present: Uint32Array[];
  /** Per state: messages. */
  messages: number[];
}

export function countGroup(msgs: Message[], states: string[]): GroupStats {
  let length = 0;
  for (const m of msgs) if (m.bytes.length > length) length = m.bytes.length;
  const index = new Map(states.map((s, i) => [s, i]));
  const hist = states.map(() => new Uint32Array(length * 256));
  const present = states.map(() => new Uint32Array(length));
  const messages = states.map(() => 0);
  for (const m of msgs) {
    const s = index.get(m.state);
    if (s === undefined) continue;
    const h = hist[s]!;
    const b = m.bytes;
    const n = b.length;
    for (let i = 0, o = 0; i < n; i++, o += 256) h[o + b[i]!]!++;
    // present[s][i] = messages with length > i: count lengths, accumulate below.
    present[s]![n - 1]! += n > 0 ? 1 : 0;
    messages[s]!++;
  }
  for (const p of present) for (let i = p.length - 2; i >= 0; i--) p[i]! += p[i + 1]!;
  return { states, length, hist, present, messages };
}

/** Set bits of a byte mask. */
export function popcount(v: number): number {
  let n = 0;
  for (let x = v; x; x &= x - 1) n++;
  return n;
}

/** Per state: count of ones for each of the 8 bits of one byte. */
export function bitOnes(gs: GroupStats, s: number, byte: number): number[] {
  const ones = [0, 0, 0, 0, 0, 0, 0, 0];
  const h = gs.hist[s]!;
  const o = byte * 256;
  for (let v = 1; v < 256; v++) {
    const c = h[o + v]!;
    if (c === 0) continue;
    for (let k = 0; k < 8; k++) if ((v >> k) & 1) ones[k]! += c;
  }
  return ones;
}

export interface ByteProfile {
  /** Per state: most common value (-1 without support), its share, distinct values, min, max. */
  mode: number[];
  share: number[];
  distinct: number[];
  min: number[];
  max: number[];
  support: number[];
}

export function byteProfile(gs: GroupStats, byte: number): ByteProfile {
  const p: ByteProfile = { mode: [], share: [], distinct: [], min: [], max: [], support: [] };
  for (let s = 0; s < gs.states.length; s++) {
    const h = gs.hist[s]!;
    const o = byte * 256;
    const n = gs.present[s]![byte] ?? 0;
    let best = -1;
    let bestC = 0;
    let distinct = 0;
    let min = -1;
    let max = -1;
    for (let v = 0; v < 256; v++) {
      const c = h[o + v]!;
      if (c === 0) continue;
      distinct++;
      if (min < 0) min = v;
      max = v;
      if (c > bestC) [best, bestC] = [v, c];
    }
    p.mode.push(best);
    p.share.push(n ? bestC / n : 0);
    p.distinct.push(distinct);
    p.min.push(min);
    p.max.push(max);
    p.support.push(n);
  }
  return p;
}

export interface BitCandidate {
  byte: number;
  bit: number;
  /** Per state (index as in GroupStats.states): majority value, or -1 when the state has no message here. */
  values: number[];
  /** Per state: share of the majority. */
  shares: number[];
  support: number[];
  /** Minimum majority share over the states where the bit is constant (all states with support when there are two). */
  agreement: number;
  /** Per state: the bit is constant there (share ≥ minAgreement). */
  decided: boolean[];
}

/**
 * Bits constant within each state (agreement ≥ minAgreement) whose values differ between states.
 * With two states both must be constant; with three or more, bits that separate at least two
 * states count too (the others are reported as not constant).
 */
export function findBitCandidates(gs: GroupStats, minAgreement: number): BitCandidate[] {
  const out: BitCandidate[] = [];
  const S = gs.states.length;
  for (let byte = 0; byte < gs.length; byte++) {
    const support = gs.present.map((p) => p[byte] ?? 0);
    const supported = support.filter((n) => n > 0).length;
    if (supported < 2) continue;
    const ones = Array.from({ length: S }, (_, s) => bitOnes(gs, s, byte));
    for (let bit = 0; bit < 8; bit++) {
      const values: number[] = [];
      const shares: number[] = [];
      const decided: boolean[] = [];
      let agreement = 1;
      let seen0 = false;
      let seen1 = false;
      let nDecided = 0;
      for (let s = 0; s < S; s++) {
        const n = support[s]!;
        if (n === 0) {
          values.push(-1);
          shares.push(0);
          decided.push(false);
          continue;
        }
        const o = ones[s]![bit]!;
        const v = o * 2 > n ? 1 : 0;
        const share = (v ? o : n - o) / n;
        values.push(v);
        shares.push(share);
        const ok = share >= minAgreement;
        decided.push(ok);
        if (!ok) continue;
        nDecided++;
        if (share < agreement) agreement = share;
        if (v) seen1 = true;
        else seen0 = true;
      }
      const enough = supported === 2 ? nDecided === 2 : nDecided >= 2;
      if (seen0 && seen1 && enough) out.push({ byte, bit, values, shares, support, agreement, decided });
    }
  }
  return out;
}
