// Labels for bytes that change for reasons other than the state: checksums, counters, length fields,
// and the upper parts of multi-byte numbers whose lower part varies.
import { toHex } from '../hex.js';
import { byteProfile, popcount, type GroupStats } from './bits.js';
import { detectChecksum, type ChecksumMatch } from './checksums.js';
import { inNumberRun } from './number-run.js';
import { readField, type LengthRule } from './frames.js';
import type { Label, Message } from './types.js';

export interface GroupLabels {
  checksum: ChecksumMatch | null;
  /** Byte offset → label (checksum, counter, length). */
  bytes: Map<number, Label>;
}

function distinctSamples(msgs: Message[], max: number): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  // Spread the sample over the whole group (all rounds and states).
  const step = Math.max(1, Math.floor(msgs.length / (max * 4)));
  for (let i = 0; i < msgs.length && out.length < max; i += step) {
    const b = msgs[i]!.bytes;
    const k = toHex(b);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(b);
  }
  return out;
}

/** Consecutive messages of the group within each round (record order), sampled to at most maxPairs pairs. */
export function orderedPairs(msgs: Message[], maxPairs = 4000): [Message, Message][] {
  // Frames come in record order; sorting a million that already are costs seconds. A round in
  // order gives its first messages only (no copy of the group to take a few pairs).
  const last = new Map<number, number>();
  const unsorted = new Set<number>();
  for (const m of msgs) {
    const r = last.get(m.round);
    if (r !== undefined && m.record < r) unsorted.add(m.round);
    last.set(m.round, m.record);
  }
  const per = Math.max(8, Math.ceil(maxPairs / Math.max(1, last.size)));
  const byRound = new Map<number, Message[]>();
  for (const m of msgs) {
    let l = byRound.get(m.round);
    if (!l) byRound.set(m.round, (l = []));
    if (l.length <= per || unsorted.has(m.round)) l.push(m);
  }
  const pairs: [Message, Message][] = [];
  for (const [round, l] of byRound) {
    if (unsorted.has(round)) l.sort((a, b) => a.record - b.record);
    for (let i = 1; i < l.length && i <= per; i++) pairs.push([l[i - 1]!, l[i]!]);
  }
  return pairs;
}

/** A byte that steps by the same small amount from one message to the next within a round. */
export function isCounter(pairs: [Message, Message][], byte: number): boolean {
  const deltas = new Map<number, number>();
  let n = 0;
  for (const [a, b] of pairs) {
    if (byte >= a.bytes.length || byte >= b.bytes.length) continue;
    const d = (b.bytes[byte]! - a.bytes[byte]! + 256) & 0xff;
    deltas.set(d, (deltas.get(d) ?? 0) + 1);
    n++;
  }
  if (n < 4) return false;
  let bestD = 0;
  let bestN = 0;
  let up = 0;
  let down = 0;
  for (const [d, k] of deltas) {
    if (d !== 0 && k > bestN) [bestD, bestN] = [d, k];
    if (d >= 1 && d <= 16) up += k;
    if (d >= 240) down += k;
  }
  const step = bestD > 128 ? 256 - bestD : bestD;
  if (step > 0 && step <= 16 && bestN / n >= 0.6) return true;
  // An uptime or sequence counter whose step jitters (0, 1, 2, 1, 0…): when it moves, it moves by
  // small steps, always one way (a drifting voltage goes both ways).
  const moved = n - (deltas.get(0) ?? 0);
  return moved >= 4 && moved >= n * 0.2 && Math.max(up, down) >= moved * 0.95;
}

/** Target messages read to tell whether a group's byte continues a counter of the stream. */
const CONTINUE_SAMPLE = 400;

/**
 * The target group's byte continues a header counter of the stream's other groups (a sequence
 * number every frame type carries): where a target message follows one of theirs in its round,
 * the byte has stepped forward by a little, in at least 90% of such places. True when no target
 * message follows one of theirs (nothing says otherwise); false where the byte holds something
 * else in this frame type (a flags byte at the place of another type's uptime).
 */
export function continuesCounter(sources: Message[][], target: Message[], byte: number): boolean {
  const byRound = new Map<number, Message[]>();
  for (const l of sources) {
    for (const m of l) {
      if (byte >= m.bytes.length) continue;
      let r = byRound.get(m.round);
      if (!r) byRound.set(m.round, (r = []));
      r.push(m);
    }
  }
  for (const r of byRound.values()) r.sort((a, b) => a.record - b.record);
  let n = 0;
  let ok = 0;
  for (const m of target.slice(0, CONTINUE_SAMPLE)) {
    const r = byRound.get(m.round);
    if (!r || byte >= m.bytes.length) continue;
    // The last message of the sources before m (binary search by record).
    let lo = 0;
    let hi = r.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid]!.record < m.record) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) continue;
    n++;
    if (((m.bytes[byte]! - r[lo - 1]!.bytes[byte]! + 256) & 0xff) <= 16) ok++;
  }
  return n === 0 || ok >= n * 0.9;
}

/** The field gives the length of at least 90% of the messages. */
function givesLengths(msgs: Message[], rule: LengthRule): boolean {
  let n = 0;
  for (const m of msgs) if ((readField(m.bytes, rule) ?? -1) + rule.add === m.bytes.length) n++;
  return n >= msgs.length * 0.9;
}

export function labelGroup(msgs: Message[], gs: GroupStats, lengthRule: LengthRule | null, modalLength: number): GroupLabels {
  const bytes = new Map<number, Label>();
  const checksum = detectChecksum(distinctSamples(msgs, 48));
  if (checksum) {
    const at = modalLength - checksum.fromEnd - checksum.size;
    for (let i = 0; i < checksum.size; i++) if (at + i >= 0) bytes.set(at + i, 'checksum');
  }
  // The rule's length field, where it gives this group's lengths (a 0/1 flag that passed for a
  // field in frames of 8 and 9 bytes does not, in the group of one of them).
  if (lengthRule && givesLengths(msgs, lengthRule)) for (let i = 0; i < lengthRule.size; i++) bytes.set(lengthRule.offset + i, 'length');
  // Length fields in groups whose messages differ in length.
  const lengths = new Set(msgs.map((m) => m.bytes.length));
  if (lengths.size >= 2) {
    const minLen = Math.min(...lengths);
    for (let p = 0; p < Math.min(minLen, 8); p++) {
      const diffs = new Set(msgs.map((m) => m.bytes.length - m.bytes[p]!));
      if (diffs.size === 1 && !bytes.has(p)) bytes.set(p, 'length');
    }
  }
  const pairs = orderedPairs(msgs);
  for (let p = 0; p < gs.length; p++) {
    if (bytes.has(p)) continue;
    // Only bytes that change within a state can count.
    if (byteProfile(gs, p).distinct.every((d) => d <= 1)) continue;
    if (isCounter(pairs, p)) bytes.set(p, 'counter');
  }
  return { checksum, bytes };
}

/**
 * Per state (messages of other states are not read): [min, max] of a value 0..size-1 read from each
 * message; null when a state has no message with it. Counted in a histogram per state, not a list
 * of every value (a group may hold millions of messages).
 */
function ranges(msgs: Message[], states: string[], size: number, read: (b: Uint8Array) => number | null): ([number, number] | null)[] {
  const idx = new Map(states.map((s, i) => [s, i]));
  const counts = states.map(() => new Uint32Array(size));
  const n = states.map(() => 0);
  for (const m of msgs) {
    const s = idx.get(m.state);
    if (s === undefined) continue;
    const v = read(m.bytes);
    if (v === null) continue;
    counts[s]![v]!++;
    n[s]!++;
  }
  // The central 90% of each state: a few odd frames (cut wrongly, caught mid-change) are no range.
  return counts.map((c, s) => {
    const len = n[s]!;
    if (len === 0) return null;
    const cut = len >= 20 ? Math.floor(len * 0.05) : 0;
    return [nth(c, cut), nth(c, len - 1 - cut)] as [number, number];
  });
}

/** The k-th smallest value (0-based) of a histogram. */
function nth(counts: Uint32Array, k: number): number {
  let seen = 0;
  for (let v = 0; v < counts.length; v++) {
    seen += counts[v]!;
    if (seen > k) return v;
  }
  return counts.length - 1;
}

/** The states' ranges touch or overlap, as when a number's upper part changes by a carry. */
function adjacent(rs: ([number, number] | null)[], span = 1): boolean {
  const present = rs.filter((r): r is [number, number] => r !== null).sort((a, b) => a[0] - b[0]);
  if (present.length < 2) return false;
  const width = Math.max(...present.map((r) => r[1] - r[0]));
  if (width === 0) return false; // nothing varies within a state: no evidence of a number
  // A lower part spread over most of its range is noise, independent of the upper part: no carry.
  if (width >= 128 * span) return false;
  for (let i = 1; i < present.length; i++) if (present[i]![0] - present[i - 1]![1] > width) return false;
  return true;
}

/**
 * True when a candidate byte behaves like a part of a number: a lower part of a run of like numbers
 * that steps a little between the states, or an upper part: a neighbouring byte (or the byte's own
 * low bits) varies within the states, and the combined value of the states is contiguous.
 */
export function isNumberPart(msgs: Message[], gs: GroupStats, byte: number, bitMask: number, decided?: boolean[]): boolean {
  if (inNumberRun(gs, byte, decided)) return true;
  // Only the states where the bit is constant are compared (a third state may be mixed).
  const states = decided ? gs.states.filter((_, i) => decided[i]) : gs.states;
  if (signExtension(msgs, states, byte)) return true;
  const noisy = (p: number): boolean => {
    if (p < 0 || p >= gs.length) return false;
    const prof = byteProfile(gs, p);
    return prof.distinct.some((d) => d >= 3);
  };
  // Low bits of the same byte vary: 8-bit number.
  const lowMask = (bitMask & -bitMask) - 1;
  if (lowMask && noisy(byte) && movingBits(gs, byte, decided) & lowMask) {
    const prof = byteProfile(gs, byte);
    // Only when the bits below the candidate vary (a flag byte may have an unrelated flickering bit above).
    const rs = ranges(msgs, states, 256, (b) => (byte < b.length ? b[byte]! : null));
    if (prof.distinct.some((d) => d >= 3) && adjacent(rs)) return true;
  }
  // The rest of the byte moves within the states and its distribution shifts between them: the
  // whole byte drifts (a number), where a flag flip would leave the other bits as they were.
  if (otherBitsShift(gs, byte, bitMask, decided)) return true;
  for (const low of [byte + 1, byte - 1]) {
    if (!noisy(low)) continue;
    const rs = ranges(msgs, states, 65_536, (b) => (byte < b.length && low < b.length ? b[byte]! * 256 + b[low]! : null));
    if (adjacent(rs) && !clockRunsBackwards(msgs, states, byte, low)) return true;
  }
  return false;
}

/** The rounds lie apart in time (none overlaps another): only then does their order in time mean anything. */
function roundsApartInTime(t: number[], round: number[]): boolean {
  const span = new Map<number, [number, number]>();
  for (let i = 0; i < t.length; i++) {
    const r = span.get(round[i]!);
    if (!r) span.set(round[i]!, [t[i]!, t[i]!]);
    else {
      if (t[i]! < r[0]) r[0] = t[i]!;
      if (t[i]! > r[1]) r[1] = t[i]!;
    }
  }
  const spans = [...span.values()].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) if (spans[i]![0] <= spans[i - 1]![1]) return false;
  return true;
}

/**
 * True when `low` counts up like a clock's low byte (it never falls in time within any compared
 * state, and moves) and the pair read as one 16-bit clock would run backwards in time between
 * the states: a count that only goes up cannot have ticked its upper byte down, so the pair is no
 * number and the byte's step between the states is not its carry. Messages without a time, or
 * rounds that overlap in time (clocks of different files), say nothing.
 */
function clockRunsBackwards(msgs: Message[], states: string[], byte: number, low: number): boolean {
  const compared = new Map(states.map((s, i) => [s, i]));
  // Each message's bytes read once (a kept message makes a view per read), into columns.
  const t: number[] = [];
  const round: number[] = [];
  const state: number[] = [];
  const pair: number[] = [];
  for (const m of msgs) {
    const s = compared.get(m.state);
    if (s === undefined || m.t === null) continue;
    const b = m.bytes;
    if (byte >= b.length || low >= b.length) continue;
    t.push(m.t);
    round.push(m.round);
    state.push(s);
    pair.push(b[byte]! * 256 + b[low]!);
  }
  if (t.length < 2 || !roundsApartInTime(t, round)) return false;
  const order = Array.from(t.keys()).sort((a, b) => t[a]! - t[b]!);
  const last = new Int32Array(states.length).fill(-1);
  let moved = false;
  for (const i of order) {
    const v = pair[i]! & 0xff;
    const before = last[state[i]!]!;
    if (before >= 0 && v < before) return false; // falls within a state: no clock
    if (before >= 0 && v > before) moved = true;
    last[state[i]!] = v;
  }
  if (!moved) return false;
  for (let k = 1; k < order.length; k++) if (pair[order[k]!]! < pair[order[k - 1]!]!) return true;
  return false;
}

/**
 * True when the byte is the sign extension of a number below it: 0x00 or 0xff in every message of
 * the compared states, and a copy of bit 7 of a neighbouring byte (the number's next lower byte
 * in either byte order) in every one of them, both values seen: a current that changes sign with
 * the state (0xffffec78 ↔ 0x0000012c), where a switch byte would not follow another byte's top bit.
 */
function signExtension(msgs: Message[], states: string[], byte: number): boolean {
  const compared = new Set(states);
  for (const low of [byte - 1, byte + 1]) {
    if (low < 0) continue;
    let neg = 0;
    let pos = 0;
    for (const m of msgs) {
      if (!compared.has(m.state) || low >= m.bytes.length || byte >= m.bytes.length) continue;
      const v = m.bytes[byte]!;
      const top = m.bytes[low]! >> 7;
      if (v === 0xff && top === 1) neg++;
      else if (v === 0 && top === 0) pos++;
      else {
        neg = pos = 0;
        break;
      }
    }
    if (neg > 0 && pos > 0) return true;
  }
  return false;
}

/**
 * True when a byte looks random within the states (nearly every message has its own value) and
 * the messages are too few to tell a constant bit from chance, given how many bits were tested.
 */
export function isChance(gs: GroupStats, byte: number, decided?: boolean[]): boolean {
  const prof = byteProfile(gs, byte);
  let pChance = 2;
  let used = 0;
  let seen = 0;
  for (let s = 0; s < gs.states.length; s++) {
    const n = prof.support[s]!;
    if (n === 0 || (decided && !decided[s])) continue;
    used++;
    if (n >= 2 && prof.distinct[s]! < Math.max(2, 0.8 * n)) return false; // values repeat: not random
    if (n >= 2) seen++;
    pChance *= 0.5 ** n;
  }
  if (used < 2 || seen === 0) return false; // single messages show nothing about randomness
  return pChance * gs.length * 8 >= 0.05;
}

/** Total variation distance > 0.5 between two states' distributions of the byte without the mask, and those bits vary. */
function otherBitsShift(gs: GroupStats, byte: number, mask: number, decided?: boolean[]): boolean {
  const dists: Map<number, number>[] = [];
  let varies = false;
  for (let s = 0; s < gs.states.length; s++) {
    const n = gs.present[s]![byte] ?? 0;
    if (!n || (decided && !decided[s])) continue;
    const d = new Map<number, number>();
    const h = gs.hist[s]!;
    for (let v = 0; v < 256; v++) {
      const c = h[byte * 256 + v]!;
      if (c) d.set(v & ~mask, (d.get(v & ~mask) ?? 0) + c / n);
    }
    if (d.size > 1) varies = true;
    dists.push(d);
  }
  if (!varies || dists.length < 2) return false;
  // A number drifts from its low end: bits below the candidate move within a state. Bits that
  // move only above it are other flags (a balancing flag next to a MOSFET flag), not a carry; and
  // one moving bit is a flag of its own (a charging flag that follows the current), where a
  // drifting number moves two low bits or more.
  const below = (mask & -mask) - 1;
  if (popcount(movingBits(gs, byte, decided) & below) < 2) return false;
  for (let i = 0; i < dists.length; i++) {
    for (let j = i + 1; j < dists.length; j++) {
      const keys = new Set([...dists[i]!.keys(), ...dists[j]!.keys()]);
      let tv = 0;
      for (const k of keys) tv += Math.abs((dists[i]!.get(k) ?? 0) - (dists[j]!.get(k) ?? 0));
      if (tv / 2 > 0.5) return true;
    }
  }
  return false;
}

/** Bits of a byte that take both values within at least one (decided) state. */
function movingBits(gs: GroupStats, byte: number, decided?: boolean[]): number {
  let m = 0;
  for (let s = 0; s < gs.states.length; s++) {
    if (decided && !decided[s]) continue;
    const h = gs.hist[s]!;
    let and = 0xff;
    let or = 0;
    for (let v = 0; v < 256; v++) {
      if (!h[byte * 256 + v]) continue;
      and &= v;
      or |= v;
    }
    m |= or & ~and;
  }
  return m;
}
