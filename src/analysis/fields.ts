// Readings: where do the numbers the app showed live in the frames? Every group, offset and encoding
// is tried; a field matches a round when the value it decodes rounds to the value shown in most of the
// round's frames. Chance hits are estimated per encoding and not listed.
import type { Direction } from '../model.js';
import { ASCII_HEX_DIGITS, ENCODINGS, asciiDecimalAt, asciiHexAt, type Encoding } from './encodings.js';
import type { ShownValue } from './shown.js';
import type { Message } from './types.js';

/** A group of frames as the analysis cut and grouped them (analysis/analyze.ts frameGroups). */
export interface FieldGroup {
  id: string;
  handle: number;
  dir: Direction;
  prefix: string;
  /** Message.round is the index of the round in the shown values. */
  messages: Message[];
}

/** One accepted or proposed field: where a reading lives and how it is decoded (decoded = raw × scale + add). */
export interface FieldSpec {
  group: string;
  /** Leading bytes every frame of the group shares (hex): names the frame type. */
  prefix: string;
  handle: number;
  offset: number;
  /** Bytes (for ASCII types: characters). */
  size: number;
  /** u8 i8 u16 i16 sm16 u24 i24 u32 i32 f32 bcd, ascii (decimal text), ascii-hex, ascii-hex-signed. */
  type: string;
  endian: 'be' | 'le' | null;
  scale: number;
  add: number;
}

export interface ReadingCandidate extends FieldSpec {
  /** Rounds (with a shown value) whose frames mostly decode to what was shown. */
  rounds: number;
  score: number;
  /** Per round (in order): the value decoded in most of its frames, or null when the group has none there. */
  decoded: (number | null)[];
  /** Share of the frames of explained rounds that match. */
  agreement: number;
  /** Hits of this encoding expected by chance at the offsets tried (evidence asks for fewer than CHANCE_LIMIT). */
  chance: number;
  why: string[];
}

export interface ReadingResult {
  name: string | null;
  shown: string[];
  unit: string;
  candidates: ReadingCandidate[];
  /** How many places matched but where chance would hit as often (not candidates). */
  chanceHits: number;
  /** The best of those, for a user who wants to look (not matches: chance explains them). */
  chanceLevel: ReadingCandidate[];
}

export interface CellArrayCandidate {
  group: string;
  prefix: string;
  handle: number;
  /** First byte of cell 1. */
  offset: number;
  count: number;
  size: number;
  type: string;
  endian: 'be' | 'le';
  scale: number;
  unit: string;
  rounds: number;
  score: number;
  /** Per round: the cell values of a typical frame, or null. */
  decoded: (number[] | null)[];
  /** Per round: their sum. */
  sums: (number | null)[];
}

/** Fewer than this many hits of an encoding expected by chance at the offsets tried: evidence. */
export const CHANCE_LIMIT = 0.5;
/** Frames per round looked at (spread evenly): enough to say "most frames", bounded for 10 M messages. */
const SAMPLE = 48;
/** Frames per round that propose fields (every field is then checked on the whole sample). */
const SCREEN = 4;
const SCALES = [1, 0.1, 0.01, 0.001, 10, 100, 1000];
/** Raw offsets of BMS currents (Daly 30000 + 10·A, 10000 + 100·A). */
const CURRENT_RAW_OFFSETS = [30000, 10000];
/** Temperature offsets in °C: +40 / +50 °C, 0.1 K (2731 or 2732) and 0.01 K. */
const TEMPERATURE_ADDS = [-40, -50, -273.1, -273.2, -273.15];

interface Variant {
  scale: number;
  add: number;
  plain: number;
  /** Widest encoding it is tried with (the +40 °C offsets are one- or two-byte numbers). */
  maxSize?: number;
}

/** Scales and offsets tried for a quantity, with how plain each is. */
function variants(q: ShownValue): Variant[] {
  const out: Variant[] = [];
  for (const scale of SCALES) {
    const plain = scale >= 1 && scale !== 1 ? 0.9 : 1;
    out.push({ scale, add: 0, plain });
    if (q.quantity === 'current') for (const off of CURRENT_RAW_OFFSETS) out.push({ scale, add: round(-off * scale), plain: plain * 0.95 });
    if (q.quantity === 'temperature' && q.unit === '°C') {
      for (const add of TEMPERATURE_ADDS) {
        // Kelvin offsets come with 0.1 K or 0.01 K steps; +40/+50 °C with whole degrees.
        const kelvin = add < -100;
        if (kelvin ? (add === -273.15 ? scale === 0.01 : scale === 0.1) : scale === 1) out.push({ scale, add, plain: plain * 0.95, ...(kelvin ? {} : { maxSize: 2 }) });
      }
    }
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Signed when the quantity goes below zero in the shown unit itself (a current, a temperature without offset). */
function wantsSign(q: ShownValue, add: number): boolean {
  return q.quantity === 'current' || (q.quantity === 'temperature' && q.unit === '°C' && add === 0);
}

function typePlainness(type: string, q: ShownValue, add: number): number {
  const signed = wantsSign(q, add);
  switch (type) {
    case 'u8':
    case 'u16':
    case 'u32':
      return signed ? 0.98 : 1;
    case 'i8':
    case 'i16':
    case 'i32':
      return signed ? 1 : 0.98;
    case 'sm16':
      return signed ? 0.95 : 0.85;
    case 'f32':
      return 0.97;
    case 'u24':
    case 'i24':
      return 0.9;
    case 'ascii':
      return 0.97;
    case 'ascii-hex':
    case 'ascii-hex-signed':
      return 0.92;
    default:
      return 0.85; // bcd
  }
}

/** A way to read a number at an offset: a fixed-width encoding or an ASCII-hex width. */
interface Reader {
  type: string;
  size: number;
  endian: 'be' | 'le' | null;
  float: boolean;
  read(b: Uint8Array, o: number): number;
}

const READERS: Reader[] = [
  ...ENCODINGS.map((e: Encoding): Reader => ({ type: e.type, size: e.size, endian: e.endian, float: e.float, read: e.read })),
  // ASCII hex, both orders for numbers of two bytes or more (the pairs of digits are the bytes).
  ...ASCII_HEX_DIGITS.flatMap((n): Reader[] =>
    (n >= 4 ? (['be', 'le'] as const) : (['be'] as const)).flatMap((endian): Reader[] => [
      { type: 'ascii-hex', size: n, endian, float: false, read: (b, o) => asciiHexAt(b, o, n, endian) },
      ...(n >= 4
        ? [{ type: 'ascii-hex-signed', size: n, endian, float: false, read: (b: Uint8Array, o: number) => {
            const v = asciiHexAt(b, o, n, endian);
            return v >= 16 ** n / 2 ? v - 16 ** n : v;
          } }]
        : []),
    ]),
  ),
];
const ASCII_READER = -1;

/** A place and a decoding: reader index (or ASCII_READER), offset, variant index. */
type Key = string;
const keyOf = (reader: number, offset: number, variant: number): Key => `${reader}:${offset}:${variant}`;

/** Does x (a decoded value) round to the shown value? */
const matches = (x: number, v: ShownValue): boolean => Math.abs(x - v.value) <= v.tolerance + 1e-9 * Math.max(1, Math.abs(v.value));

function decodeAt(b: Uint8Array, reader: number, offset: number, vr: Variant): number {
  if (reader === ASCII_READER) {
    const a = asciiDecimalAt(b, offset);
    return a ? a.value * vr.scale + vr.add : NaN;
  }
  const r = READERS[reader]!;
  if (offset + r.size > b.length) return NaN;
  const raw = r.read(b, offset);
  return r.float ? raw : raw * vr.scale + vr.add;
}

/** A field's value in one frame (raw × scale + add; floats as read); null where the frame is too short or the type unknown. */
export function decodeField(f: Pick<FieldSpec, 'type' | 'size' | 'endian' | 'offset' | 'scale' | 'add'>, b: Uint8Array, offset = f.offset): number | null {
  if (f.type === 'ascii') {
    const a = asciiDecimalAt(b, offset);
    return a ? a.value * f.scale + f.add : null;
  }
  const r = READERS.find((x) => x.type === f.type && x.size === f.size && (x.endian === f.endian || x.size === 1));
  if (!r || offset + r.size > b.length) return null;
  const raw = r.read(b, offset);
  return r.float ? raw : raw * f.scale + f.add;
}

function sample<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.floor((i * xs.length) / n)]!);
  return out;
}

interface RoundFrames {
  round: number;
  value: ShownValue;
  frames: Uint8Array[];
}

interface Tally {
  reader: number;
  offset: number;
  variant: number;
  /** Per round (index into the reading's rounds): share of frames matching, mode decoded, spread. */
  share: number[];
  decoded: (number | null)[];
  spread: number[];
}

/**
 * The fields whose decoded values match what was shown. `shown[r]` holds the values shown in round r
 * (empty when not given); reading k is the k-th value of every round.
 */
export function findReadings(groups: FieldGroup[], shown: ShownValue[][]): ReadingResult[] {
  const count = Math.max(0, ...shown.map((s) => s.length));
  const out: ReadingResult[] = [];
  const perGroupRounds = groups.map((g) => {
    const byRound = new Map<number, Uint8Array[]>();
    for (const m of g.messages) {
      let l = byRound.get(m.round);
      if (!l) byRound.set(m.round, (l = []));
      l.push(m.bytes);
    }
    return byRound;
  });
  // Byte frequencies of all the device's frames per round: the prior of each group's own.
  const prior = shown.map((_, r) => countBytes(groups.flatMap((g, gi) => sample(perGroupRounds[gi]!.get(r) ?? [], SCREEN))));
  for (let k = 0; k < count; k++) {
    const ref = shown.find((s) => s[k])![k]!;
    const rounds = shown.map((s, r) => ({ r, v: s[k] })).filter((x): x is { r: number; v: ShownValue } => x.v !== undefined);
    const vars = variants(ref);
    const candidates: ReadingCandidate[] = [];
    groups.forEach((g, gi) => {
      const rf: RoundFrames[] = rounds.map(({ r, v }) => ({ round: r, value: v, frames: sample(perGroupRounds[gi]!.get(r) ?? [], SAMPLE) }));
      if (rf.every((x) => x.frames.length === 0)) return;
      const found = searchGroup(rf, vars);
      const cache = new Map<string, ByteCounts>();
      for (const c of found) {
        const cand = judge(c, g, rf, vars, ref, cache, prior);
        if (cand === null) continue;
        candidates.push(cand);
      }
    });
    const places = dedupe(candidates);
    const chanceLevel = places.filter((c) => c.chance >= CHANCE_LIMIT);
    out.push({
      name: rounds.find((x) => x.v.name !== null)?.v.name ?? null,
      shown: shown.map((s) => s[k]?.text ?? ''),
      unit: ref.unit,
      candidates: rank(places.filter((c) => c.chance < CHANCE_LIMIT)),
      chanceHits: chanceLevel.length,
      chanceLevel: rank(chanceLevel).slice(0, 5),
    });
  }
  alignWithinGroups(out);
  return out;
}

/** Proposes places from a few frames of each round, then tallies each on the whole sample. */
function searchGroup(rf: RoundFrames[], vars: Variant[]): Tally[] {
  const keys = new Set<Key>();
  for (const { frames, value } of rf) {
    for (const b of sample(frames, SCREEN)) {
      for (let o = 0; o < b.length; o++) {
        for (let ri = 0; ri < READERS.length; ri++) {
          const r = READERS[ri]!;
          if (o + r.size > b.length) continue;
          const raw = r.read(b, o);
          if (!Number.isFinite(raw)) continue;
          if (r.float) {
            if (matches(raw, value)) keys.add(keyOf(ri, o, 0));
            continue;
          }
          for (let vi = 0; vi < vars.length; vi++) if ((vars[vi]!.maxSize ?? 8) >= r.size && matches(raw * vars[vi]!.scale + vars[vi]!.add, value)) keys.add(keyOf(ri, o, vi));
        }
        const a = asciiDecimalAt(b, o);
        if (a) for (let vi = 0; vi < vars.length; vi++) if (vars[vi]!.add === 0 && vars[vi]!.scale <= 1 && matches(a.value * vars[vi]!.scale, value)) keys.add(keyOf(ASCII_READER, o, vi));
      }
    }
  }
  const tallies: Tally[] = [];
  for (const key of keys) {
    const [reader, offset, variant] = key.split(':').map(Number) as [number, number, number];
    const vr = vars[variant]!;
    const t: Tally = { reader, offset, variant, share: [], decoded: [], spread: [] };
    for (const { frames, value } of rf) {
      if (frames.length === 0) {
        t.share.push(0);
        t.decoded.push(null);
        t.spread.push(0);
        continue;
      }
      let hit = 0;
      const xs: number[] = [];
      for (const b of frames) {
        const x = decodeAt(b, reader, offset, vr);
        if (!Number.isFinite(x)) continue;
        xs.push(x);
        if (matches(x, value)) hit++;
      }
      t.share.push(hit / frames.length);
      t.decoded.push(xs.length ? round(mode(xs)) : null);
      t.spread.push(xs.length ? spreadOf(xs) / Math.max(2 * value.tolerance, 1e-9) : 0);
    }
    tallies.push(t);
  }
  return tallies;
}

function mode(xs: number[]): number {
  const c = new Map<number, number>();
  let best = xs[0]!;
  let n = 0;
  for (const x of xs) {
    const k = (c.get(x) ?? 0) + 1;
    c.set(x, k);
    if (k > n) [best, n] = [x, k];
  }
  return best;
}

/** Spread of decoded values inside a round: the range of the central 80%. */
function spreadOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.9 - 1e-9)]! - s[Math.floor(s.length * 0.1)]!;
}

/**
 * A tally as a candidate, with its chance: per distinct shown value the probability that this encoding
 * hits by accident (the larger of the uniform estimate and how often it hits at the group's other
 * offsets), multiplied together, times the offsets tried.
 */
function judge(t: Tally, g: FieldGroup, rf: RoundFrames[], vars: Variant[], ref: ShownValue, cache: Map<string, ByteCounts>, prior: ByteCounts[]): ReadingCandidate | null {
  const explained = t.share.map((s) => s >= 0.5);
  const n = explained.filter(Boolean).length;
  if (n === 0) return null;
  const vr = vars[t.variant]!;
  const reader = t.reader === ASCII_READER ? null : READERS[t.reader]!;
  const size = reader ? reader.size : asciiWidth(rf, t.offset);
  let p = 1;
  const seen = new Set<number>();
  const offsetsTried = Math.max(1, ...rf.map((x) => (x.frames[0]?.length ?? size) - size + 1));
  rf.forEach((x, i) => {
    if (!explained[i] || seen.has(x.value.value)) return;
    seen.add(x.value.value);
    p *= Math.max(uniformChance(t.reader, vr, x.value, size), byteChance(cache, prior[x.round]!, i, x, t.offset, size, vr, t.reader));
  });
  const chance = offsetsTried * p;
  const agreement = mean(t.share.filter((_, i) => explained[i]));
  const spread = mean(t.spread.filter((_, i) => explained[i]));
  // An app that shows tenths reads a field with tenths: a coarser step is less plain.
  const coarse = !reader?.float && vr.scale > 10 ** -ref.decimals + 1e-12;
  const type = reader ? reader.type : 'ascii';
  const holds = covers(type, size, reader?.float ?? false, vr, ref, rf);
  const plain = vr.plain * typePlainness(type, ref, vr.add) * quantityPlainness(size, vr, ref) * (coarse ? 0.85 : 1) * (holds ? 1 : 0.8);
  // The evidence factor is applied once the place's encodings are pooled (dedupe).
  const score = (n / rf.length) * agreement * plain * (1 / (1 + 0.1 * spread));
  const why = [`${n}/${rf.length} round${rf.length === 1 ? '' : 's'} explained`, `${Math.round(agreement * 100)}% of their frames match`];
  if (spread > 1) why.push(`moves by ${spread.toFixed(1)} steps inside a round`);
  if (coarse) why.push('coarser than the digits shown');
  if (!holds) why.push(`cannot hold the usual range of a ${ref.quantity}`);
  return {
    group: g.id,
    prefix: g.prefix,
    handle: g.handle,
    offset: t.offset,
    size,
    type,
    endian: reader ? reader.endian : null,
    scale: reader?.float ? 1 : vr.scale,
    add: reader?.float ? 0 : vr.add,
    rounds: n,
    score: Math.round(score * 1000) / 1000,
    decoded: rf.map((_, i) => t.decoded[i] ?? null),
    agreement: Math.round(agreement * 1000) / 1000,
    chance,
    why,
  };
}

/** Lowest top of the range a quantity's field must reach: a u8 in 0.1 °C stops at 25.5 °C, an i8 in 0.1 A at 12.7 A. */
const USUAL_TOP: Partial<Record<string, number>> = { '°C': 60, K: 333, '%': 100, A: 50, mA: 50_000 };

/** Can the encoding hold twice the shown values and the quantity's usual top? */
function covers(type: string, size: number, float: boolean, vr: Variant, ref: ShownValue, rf: RoundFrames[]): boolean {
  if (float) return true;
  const raw =
    type === 'bcd' ? 100 ** size - 1
    : type === 'ascii' ? 10 ** size - 1
    : type.startsWith('ascii-hex') ? 16 ** size / (type.endsWith('signed') ? 2 : 1) - 1
    : type === 'sm16' ? 0x7fff
    : 2 ** (8 * size - (type.startsWith('i') ? 1 : 0)) - 1;
  const need = Math.max(USUAL_TOP[ref.unit] ?? 0, ...rf.map((x) => 2 * Math.abs(x.value.value)));
  return raw * vr.scale + vr.add >= need;
}

/** Percentages are bytes or words in whole or tenth percent. */
function quantityPlainness(size: number, vr: Variant, ref: ShownValue): number {
  if (ref.quantity !== 'percent') return 1;
  return (size > 2 ? 0.9 : 1) * (vr.scale < 0.1 ? 0.95 : 1);
}

interface ByteCounts {
  counts: Float64Array;
  total: number;
  frames: Uint8Array[];
}

/** How often each byte value occurs in a set of frames. */
function countBytes(frames: Uint8Array[]): ByteCounts {
  const counts = new Float64Array(256);
  let total = 0;
  for (const f of frames) {
    for (let k = 0; k < f.length; k++) counts[f[k]!]!++;
    total += f.length;
  }
  return { counts, total, frames };
}

/** Weight of the device's whole traffic in a group's byte frequencies (a few frames say little alone). */
const PRIOR_WEIGHT = 64;

/**
 * Chance from the bytes themselves: how likely the field's bytes are when each is drawn from the bytes
 * seen elsewhere in the group's frames of the round (smoothed toward all of the device's frames), times
 * the raw values that round to the shown value. Zeros and 0xff fill are common, so a run of zeros
 * decoding to "0 A" is little evidence; a byte seen nowhere else is rare.
 */
function byteChance(cache: Map<string, ByteCounts>, prior: ByteCounts, i: number, x: RoundFrames, offset: number, size: number, vr: Variant, reader: number): number {
  let c = cache.get(String(i));
  if (!c) cache.set(String(i), (c = countBytes(sample(x.frames, SCREEN))));
  const f = c.frames.find((b) => offset + size <= b.length);
  if (!f) return 1;
  const own = new Map<number, number>();
  for (let k = 0; k < size; k++) own.set(f[offset + k]!, (own.get(f[offset + k]!) ?? 0) + c.frames.length);
  const rest = Math.max(0, c.total - size * c.frames.length);
  let p = 1;
  for (let k = 0; k < size; k++) {
    const b = f[offset + k]!;
    const global = (prior.counts[b]! + 0.5) / (prior.total + 128);
    p *= (Math.max(0, c.counts[b]! - own.get(b)!) + PRIOR_WEIGHT * global) / (rest + PRIOR_WEIGHT);
  }
  return Math.min(1, p * rawWidth(reader, vr, x.value));
}

/** Chance of a hit when raw values are uniform: the raw values that round to the shown value among all. */
function uniformChance(reader: number, vr: Variant, v: ShownValue, size: number): number {
  if (reader === ASCII_READER) return Math.min(1, 10 ** -size);
  const r = READERS[reader]!;
  const range = r.type === 'bcd' ? 100 ** r.size : r.type.startsWith('ascii-hex') ? 16 ** r.size : 2 ** (8 * r.size);
  return Math.min(1, rawWidth(reader, vr, v) / range);
}

/** Raw values that round to the shown value (1 for an exact scale). */
function rawWidth(reader: number, vr: Variant, v: ShownValue): number {
  // A float32 has 2^23 patterns per power of two: those within the shown precision.
  if (reader !== ASCII_READER && READERS[reader]!.float) return Math.max(1, (2 * v.tolerance) / (Math.max(Math.abs(v.value), 1e-3) * 2 ** -23));
  return Math.max(1, Math.round((2 * v.tolerance) / vr.scale));
}

/** Whole-round order of decoded values is the shown rounds' order; rounds without a value get null. */
function asciiWidth(rf: RoundFrames[], offset: number): number {
  for (const x of rf) for (const b of x.frames) {
    const a = asciiDecimalAt(b, offset);
    if (a) return a.size;
  }
  return 1;
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

const overlaps = (a: FieldSpec, b: FieldSpec): boolean => a.group === b.group && a.offset < b.offset + b.size && b.offset < a.offset + a.size;
const sameValues = (a: ReadingCandidate, b: ReadingCandidate): boolean => a.decoded.every((x, i) => x === b.decoded[i]);

/** Same-valued encodings of one place that dedupe dropped (a u32 whose high bytes are 0 beside its u16). */
const ALTERNATIVES = new WeakMap<ReadingCandidate, ReadingCandidate[]>();

/**
 * One place, one candidate: the encodings that read the same values from overlapping bytes (u8 in the
 * low byte of a u16 whose high byte is 0, u16 and i16 of a positive number) are one place, with the
 * largest chance among them (zero bytes beside a value add no evidence). The best scored stands for it
 * (on a tie the narrower); the others are kept for the width decision (alignWithinGroups).
 */
function dedupe(cands: ReadingCandidate[]): ReadingCandidate[] {
  const sorted = [...cands].sort((a, b) => b.score - a.score || a.size - b.size || a.offset - b.offset);
  const kept: ReadingCandidate[] = [];
  for (const c of sorted) {
    const k = kept.find((x) => overlaps(x, c) && sameValues(x, c));
    if (!k) kept.push(c);
    else ALTERNATIVES.set(k, [...(ALTERNATIVES.get(k) ?? []), c]);
  }
  for (const k of kept) {
    const members = [k, ...(ALTERNATIVES.get(k) ?? [])];
    const chance = Math.max(...members.map((m) => m.chance));
    for (const m of members) {
      m.chance = chance;
      m.score = Math.round(m.score * (1 - 0.5 * Math.min(1, chance / CHANCE_LIMIT)) * 1000) / 1000;
      m.why.push(`chance ${chance < 0.001 ? '<0.001' : chance.toFixed(3)}`);
    }
  }
  return kept;
}

function rank(cands: ReadingCandidate[]): ReadingCandidate[] {
  return cands.sort((a, b) => b.rounds - a.rounds || b.score - a.score || a.chance - b.chance || a.offset - b.offset);
}

/**
 * Alignment and width, from the other readings of the same frame type. Multi-byte fields usually start on
 * one parity (registers, words): the parity shared by most best multi-byte candidates gives the others a
 * small edge. And when a frame type holds a 32-bit reading that no narrower encoding explains (a negative
 * current in i32), a 16-bit best candidate whose 32-bit reading (zero high bytes) starts on the same
 * 4-byte boundary is read as 32-bit too.
 */
function alignWithinGroups(readings: ReadingResult[]): void {
  const parity = new Map<string, number[]>();
  const wide = new Map<string, Set<number>>();
  // A signed 16-bit best candidate whose 32-bit reading also matches, with the high bytes the sign
  // extension of a negative value (ff ff): those bytes belong to the number.
  for (const r of readings) {
    const top = r.candidates[0];
    if (!top || top.size !== 2 || top.type[0] !== 'i' || !top.decoded.some((d) => d !== null && d < 0)) continue;
    const wider = (ALTERNATIVES.get(top) ?? []).find((a) => a.size === 4 && a.type === 'i32' && a.endian === top.endian && a.offset === (top.endian === 'le' ? top.offset : top.offset - 2));
    if (wider) {
      wider.why.push('its high bytes carry the sign');
      ALTERNATIVES.set(wider, (ALTERNATIVES.get(top) ?? []).filter((a) => a !== wider).concat(top).filter((a) => a.size === 4));
      r.candidates[0] = wider;
    }
  }
  for (const r of readings) {
    const top = r.candidates[0];
    if (!top || top.size < 2 || top.type.startsWith('ascii')) continue;
    const p = parity.get(top.group) ?? [0, 0];
    p[top.offset % 2]!++;
    parity.set(top.group, p);
    if (top.size === 4 && !(ALTERNATIVES.get(top) ?? []).some((a) => a.size < 4)) wide.set(top.group, (wide.get(top.group) ?? new Set()).add(top.offset % 4));
  }
  // Byte order: a place read the same in both orders (00 eb as i16 be at 131, eb 00 as i16 le at 132)
  // takes the order and parity of the frame type's other multi-byte readings.
  const endian = new Map<string, number[]>();
  for (const r of readings) {
    const top = r.candidates[0];
    if (!top || top.size < 2 || !top.endian || (ALTERNATIVES.get(top) ?? []).some((a) => a.size >= 2 && a.endian !== top.endian)) continue;
    const e = endian.get(top.group) ?? [0, 0];
    e[top.endian === 'le' ? 0 : 1]!++;
    endian.set(top.group, e);
  }
  for (const r of readings) {
    const top = r.candidates[0];
    const e = top && endian.get(top.group);
    const p = top && parity.get(top.group);
    if (!top || !e || e[0] === e[1] || top.size < 2) continue;
    const order = e[0]! > e[1]! ? 'le' : 'be';
    if (top.endian === order) continue;
    const fit = (c: ReadingCandidate): number => (c.endian === order ? 2 : 0) + (p && p[c.offset % 2]! >= p[1 - (c.offset % 2)]! ? 1 : 0);
    const other = (ALTERNATIVES.get(top) ?? []).filter((a) => a.size === top.size && a.endian === order).sort((a, b) => fit(b) - fit(a))[0];
    if (other) {
      other.why.push(`${order === 'le' ? 'little' : 'big'}-endian like the other readings of this frame`);
      ALTERNATIVES.set(other, [top, ...(ALTERNATIVES.get(top) ?? []).filter((a) => a !== other)]);
      r.candidates[0] = other;
    }
  }
  for (const r of readings) {
    const top = r.candidates[0];
    const w = top && wide.get(top.group);
    if (top && w && top.size === 2) {
      const wider = (ALTERNATIVES.get(top) ?? []).find((a) => a.size === 4 && a.type[0] === top.type[0] && w.has(a.offset % 4));
      if (wider) {
        wider.why.push('32-bit like the other readings of this frame');
        r.candidates[0] = wider;
      }
    }
    for (const c of r.candidates) {
      const p = parity.get(c.group);
      if (!p || c.size < 2 || p[0] === p[1]) continue;
      const preferred = p[0]! > p[1]! ? 0 : 1;
      if (c.offset % 2 !== preferred) {
        c.score = Math.round(c.score * 0.97 * 1000) / 1000;
        c.why.push('not on the word boundary of the other fields');
      }
    }
    // The width decision above is final for the first place; the rest re-rank by score.
    const first = r.candidates.shift();
    rank(r.candidates);
    if (first) r.candidates.unshift(first);
  }
}
