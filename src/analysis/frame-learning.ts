// Learning a stream's frame rule from its values (cutting with the rule is frames.ts's job).
import { maxLength } from './stats.js';
import { toHex } from '../hex.js';
import { assemble, NO_RULE, readField, startsWith, type FrameRule, type LengthRule, type StreamValue } from './frames.js';
import type { Frame } from './types.js';

function mostCommonPrefix(values: Uint8Array[], k: number): { prefix: Uint8Array; count: number } | null {
  // k ≤ 4: the prefix as a number is a cheap map key.
  const counts = new Map<number, number>();
  for (const v of values) {
    if (v.length < k) continue;
    let key = 0;
    for (let i = 0; i < k; i++) key = key * 256 + v[i]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best = -1;
  let bestN = 0;
  for (const [key, n] of counts) if (n > bestN || (n === bestN && key < best)) [best, bestN] = [key, n];
  if (best < 0) return null;
  const prefix = new Uint8Array(k);
  for (let i = k - 1, x = best; i >= 0; i--, x = Math.floor(x / 256)) prefix[i] = x % 256;
  return { prefix, count: bestN };
}

/** Occurrences of m inside the values (not at their start). */
function innerCount(values: Uint8Array[], m: Uint8Array): number {
  let n = 0;
  for (const v of values) {
    const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    let at = b.indexOf(m, 1);
    while (at >= 0) {
      n++;
      at = b.indexOf(m, at + 1);
    }
  }
  return n;
}

/** The most common leading sequences (1 byte, extended while it stays as common), best first. */
function markerCandidates(all: Uint8Array[]): { marker: Uint8Array; count: number }[] {
  const counts = new Map<number, number>();
  for (const v of all) counts.set(v[0]!, (counts.get(v[0]!) ?? 0) + 1);
  const firsts = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 4);
  return firsts.map(([byte, count]) => ({ marker: extendMarker(all, byte, count), count }));
}

/** The leading sequence of the values that start with `byte`: extended (up to 4 bytes) while 90% of them share it. */
export function extendMarker(all: Uint8Array[], byte: number, count: number): Uint8Array {
  let marker: Uint8Array = Uint8Array.of(byte);
  const starting = all.filter((v) => v[0] === byte);
  for (let k = 2; k <= 4; k++) {
    const c = mostCommonPrefix(starting, k);
    if (!c || c.count < count * 0.9) break;
    marker = c.prefix;
  }
  return marker;
}

/** Share of each byte value over all values (for what chance alone would give). */
function byteShares(all: Uint8Array[]): { share: Float64Array; positions: number } {
  const c = new Float64Array(256);
  let n = 0;
  for (const v of all) {
    for (let i = 0; i < v.length; i++) c[v[i]!]!++;
    n += v.length;
  }
  for (let b = 0; b < 256; b++) c[b] = n ? c[b]! / n : 0;
  return { share: c, positions: n };
}

/**
 * A sequence found more often inside the values than at their start is data (zeros, ASCII digits),
 * unless it is found inside far more often than its bytes' frequencies explain: then it marks
 * frames packed several to a value.
 */
function looksLikeData(all: Uint8Array[], m: Uint8Array, atStart: number, freq: { share: Float64Array; positions: number }): boolean {
  const inner = innerCount(all, m);
  if (inner <= atStart) return false;
  if (m.length < 2) return true;
  let p = 1;
  for (const b of m) p *= freq.share[b]!;
  return inner <= 4 * p * freq.positions + 2;
}

/** A start marker: a leading byte sequence common to many values, rare inside them, with other values continuing them. */
export function learnMarker(rounds: StreamValue[][]): Uint8Array | null {
  const all = rounds.flat().map((v) => v.bytes).filter((b) => b.length > 0);
  if (all.length < 3) return null;
  // A sequence found more often inside the values than at their start is data (zeros), not a marker.
  // A frame's first value fills the MTU when the frame spans several values (its tail does not).
  const maxLen0 = maxLength(all);
  const freq = byteShares(all);
  const ranked = markerCandidates(all)
    .filter((c) => c.count >= 3 && c.count / all.length >= 0.05 && !looksLikeData(all, c.marker, c.count, freq))
    .map((c) => {
      const full = all.filter((b) => b.length === maxLen0 && startsWith(b, c.marker)).length;
      return { ...c, score: c.count * (1 + full / c.count) };
    })
    .sort((a, b) => b.score - a.score);
  // The best candidate that the evidence below supports (a frequent first byte may be data).
  for (const cand of ranked) if (markerEvidence(rounds, all, cand.marker)) return cand.marker;
  return null;
}

/** Evidence that the values not starting with the marker continue marker frames. */
function markerEvidence(rounds: StreamValue[][], all: Uint8Array[], marker: Uint8Array): boolean {
  // Evidence that the other values continue a marker frame: they follow one, and the value before
  // them filled the largest size seen (a notification cut at the MTU) or marker frames become consistent.
  const maxLen = maxLength(all);
  let cont = 0;
  let fullBefore = 0;
  for (const r of rounds) {
    let inFrame = false;
    let prevLen = 0;
    for (const v of r) {
      if (startsWith(v.bytes, marker)) inFrame = true;
      else if (inFrame) {
        cont++;
        if (prevLen === maxLen) fullBefore++;
      }
      prevLen = v.bytes.length;
    }
  }
  if (cont === 0) return false;
  if (fullBefore / cont >= 0.5) return true;
  const frames = rounds.flatMap((r) => assemble(r, { ...NO_RULE, marker }));
  // Marker frames whose lengths a length field explains are frames, however the values were cut.
  if (learnLength(frames.filter((f) => startsWith(f.bytes, marker)).map((f) => f.bytes), marker)) return true;
  const mode = modeShare(frames.map((f) => f.bytes.length));
  return mode.value > maxLen && mode.share >= 0.6;
}

function modeShare(xs: number[]): { value: number; share: number } {
  const c = new Map<number, number>();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  let value = 0;
  let n = 0;
  for (const [k, m] of c) if (m > n || (m === n && k > value)) [value, n] = [k, m];
  return { value, share: xs.length ? n / xs.length : 0 };
}

/** A length field predicting the total frame length across the candidate frames (at least minShare of them). */
export function learnLength(frames: Uint8Array[], marker: Uint8Array | null, minShare = 0.7): LengthRule | null {
  const all = frames.filter((f) => f.length >= 2);
  // An even sample is enough to find the field, and keeps learning cheap on long captures.
  const step = Math.max(1, Math.floor(all.length / 2000));
  const usable = step === 1 ? all : all.filter((_, i) => i % step === 0);
  if (usable.length < 3) return null;
  let best: { rule: LengthRule; hits: number; lengths: number } | null = null;
  const start = marker ? marker.length : 0;
  for (let offset = start; offset <= start + 6; offset++) {
    for (const size of [1, 2] as const) {
      for (const le of size === 1 ? [false] : [false, true]) {
        for (let add = 0; add <= offset + size + 8; add++) {
          const rule: LengthRule = { offset, size, le, add, anchor: null };
          let hits = 0;
          const lengths = new Set<number>();
          for (const f of usable) {
            const v = readField(f, rule);
            if (v === null) continue;
            const exp = v + add;
            if (exp === f.length) {
              hits++;
              lengths.add(exp);
            } else if (exp > offset + size && exp < f.length && (marker ? startsWith(f.subarray(exp), marker) : f[exp] === f[0])) {
              hits++; // several frames in one value
              lengths.add(exp);
            }
          }
          const better =
            !best ||
            hits > best.hits ||
            (hits === best.hits && lengths.size > best.lengths) ||
            (hits === best.hits && lengths.size === best.lengths && size < best.rule.size);
          if (better) best = { rule, hits, lengths: lengths.size };
        }
      }
    }
  }
  if (!best || best.hits < Math.max(3, usable.length * minShare)) return null;
  if (!marker) best.rule.anchor = sharedFirstByte(usable.filter((f) => (readField(f, best!.rule) ?? -1) + best!.rule.add <= f.length));
  return best.rule;
}

/** A frame of three different byte values or more (runs of zeros explain any length field). */
export function varied(f: Uint8Array): boolean {
  const a = f[0];
  let b: number | undefined;
  for (let i = 1; i < f.length; i++) {
    const x = f[i]!;
    if (x === a || x === b) continue;
    if (b === undefined) b = x;
    else return true;
  }
  return false;
}

/**
 * A length field at the start of frames that span several values (no marker): read in the order
 * the values came, a value whose field asks for more is joined with the next ones until the length
 * is reached. The field that explains the most values (joined ones included), net of the values it
 * contradicts, when it explains minShare of them.
 */
export function learnSpanningLength(rounds: StreamValue[][], minShare = 0.7): LengthRule | null {
  // A leading run of each round, about 4000 values in all (order matters: no thinning).
  const per = Math.max(16, Math.ceil(4000 / Math.max(1, rounds.length)));
  const runs = rounds.map((r) => r.slice(0, per).map((v) => v.bytes).filter((b) => b.length > 0));
  const total = runs.reduce((n, r) => n + r.length, 0);
  if (total < 3) return null;
  let best: { rule: LengthRule; net: number; explained: number; spans: number } | null = null;
  for (let offset = 0; offset <= 6; offset++) {
    for (const size of [1, 2] as const) {
      for (const le of size === 1 ? [false] : [false, true]) {
        for (let add = 0; add <= offset + size + 8; add++) {
          const rule: LengthRule = { offset, size, le, add, anchor: null };
          let explained = 0;
          let bad = 0;
          let spans = 0;
          for (const r of runs) {
            for (let i = 0; i < r.length; ) {
              const f = r[i]!;
              const v = readField(f, rule);
              const exp = v === null ? -1 : v + add;
              if (exp === f.length && varied(f)) {
                explained++;
                i++;
                continue;
              }
              if (exp > f.length && exp <= 65_535) {
                let got = f.length;
                let j = i + 1;
                while (j < r.length && got < exp) got += r[j++]!.length;
                if (got === exp) {
                  explained += j - i;
                  spans++;
                  i = j;
                  continue;
                }
              }
              bad++;
              i++;
            }
          }
          const net = explained - bad;
          if (!best || net > best.net || (net === best.net && size < best.rule.size)) best = { rule, net, explained, spans };
        }
      }
    }
  }
  // Only a field that joins values is this rule's to find (whole values are learnLength's).
  if (!best || best.spans < 3 || best.explained < Math.max(3, total * minShare)) return null;
  return best.rule;
}

/** The first byte that at least 90% of the frames start with, or null. */
function sharedFirstByte(frames: Uint8Array[]): number | null {
  const c = new Map<number, number>();
  for (const f of frames) c.set(f[0]!, (c.get(f[0]!) ?? 0) + 1);
  for (const [b, n] of c) if (n >= frames.length * 0.9) return b;
  return null;
}

/** Values the rule is learnt from: enough to see the structure, bounded so that learning stays cheap. */
export const LEARN_VALUES = 12_000;

/** What sampleRounds reads: a round's values as an array, or kept compact (analysis/stream-values.ts). */
export interface StreamValues {
  readonly length: number;
  slice(from: number, to?: number): StreamValue[];
}

/** The leading part of each round (framing needs consecutive values), about `max` values in all. */
export function sampleRounds(rounds: readonly StreamValues[], max: number): StreamValue[][] {
  const total = rounds.reduce((n, r) => n + r.length, 0);
  if (total <= max) return rounds.map((r) => (Array.isArray(r) ? (r as StreamValue[]) : r.slice(0)));
  const per = Math.max(16, Math.ceil(max / rounds.length));
  // Hundreds of rounds (a log of many app sessions): every step-th round, so that the sample stays
  // about `max` values (16 of each round would make it grow with the rounds).
  const step = Math.max(1, Math.floor((rounds.length * per) / max));
  const out: StreamValue[][] = [];
  for (let i = 0; i < rounds.length; i += step) out.push(rounds[i]!.slice(0, per));
  return out;
}

export function hasWrites(rounds: StreamValue[][]): boolean {
  let n = 0;
  for (const r of rounds) for (const v of r) if (v.afterWrite) n++;
  return n >= 2;
}

/** The rule for frames that start with this marker: a length field, else a fixed length (per frame type), and the short values that stand alone. */
export function ruleForMarker(rounds: StreamValue[][], marker: Uint8Array): FrameRule {
  const first = rounds.flatMap((r) => assemble(r, { ...NO_RULE, marker }));
  // Short values seen again and again that arrive after a value that did not fill the MTU are
  // messages of their own (a continuation always follows a full value): when one arrives between
  // the parts of a frame it must not be joined to it.
  let maxLen = 0;
  for (const r of rounds) for (const v of r) if (v.bytes.length > maxLen) maxLen = v.bytes.length;
  const total = new Map<string, number>();
  const afterShort = new Map<string, number>();
  for (const r of rounds) {
    let prev: Uint8Array | null = null;
    for (const v of r) {
      if (v.bytes.length <= 32 && v.bytes.length < maxLen && !startsWith(v.bytes, marker)) {
        const h = toHex(v.bytes);
        total.set(h, (total.get(h) ?? 0) + 1);
        if (!prev || prev.length < maxLen) afterShort.set(h, (afterShort.get(h) ?? 0) + 1);
      }
      prev = v.bytes;
    }
  }
  // Only where the device fills the MTU (not where fragments have any size, as over a UART bridge).
  let full = 0;
  let all = 0;
  for (const r of rounds) for (const v of r) {
    all++;
    if (v.bytes.length === maxLen) full++;
  }
  const mtuFilled = full >= all * 0.25;
  const standalone = new Set(mtuFilled ? [...total].filter(([h, n]) => n >= 3 && (afterShort.get(h) ?? 0) >= n * 0.5).map(([h]) => h) : []);
  const base: FrameRule = standalone.size ? { ...NO_RULE, marker, standalone } : { ...NO_RULE, marker };
  const frames = (standalone.size ? rounds.flatMap((r) => assemble(r, base)) : first).filter((f) => !f.orphan).map((f) => f.bytes);
  const length = learnLength(frames.filter((f) => startsWith(f, marker)), marker);
  if (length) return { ...base, length };
  const marked = frames.filter((f) => startsWith(f, marker) && f.length > marker.length);
  const mode = modeShare(marked.map((f) => f.length));
  // Frame types (the byte after the marker) may each have their own length (JK: 300 and 308).
  const byType = new Map<number, number[]>();
  for (const f of marked) {
    const t = f[marker.length]!;
    let l = byType.get(t);
    if (!l) byType.set(t, (l = []));
    l.push(f.length);
  }
  const fixedByType = new Map<number, number>();
  if (byType.size <= 16) {
    for (const [t, l] of byType) {
      const m = modeShare(l);
      if (l.length >= 2 && m.share >= 0.5) fixedByType.set(t, m.value);
    }
  }
  const fixed = mode.share >= 0.6 && frames.length >= 3 ? mode.value : null;
  const distinct = new Set(fixedByType.values());
  return distinct.size > 1 ? { ...base, fixed, fixedByType } : { ...base, fixed: fixed ?? (distinct.size === 1 ? [...distinct][0]! : null) };
}

export function learnRule(rounds: StreamValue[][], fromApp: boolean): FrameRule {
  const marker = learnMarker(rounds);
  if (marker) return ruleForMarker(rounds, marker);
  // Values that already are whole frames (one or several each, as a length field says) need no joining.
  const raw = rounds.flat().map((v) => v.bytes);
  const rawLength = learnLength(raw, null);
  if (rawLength) {
    const packed = raw.some((b) => b[0] === (rawLength.anchor ?? b[0]) && (readField(b, rawLength) ?? 0) + rawLength.add < b.length);
    return packed ? { ...NO_RULE, length: rawLength } : NO_RULE;
  }
  if (!fromApp && hasWrites(rounds)) {
    const byRequest = rounds.flatMap((r) => assemble(r, { ...NO_RULE, request: true }));
    const length = learnLength(byRequest.map((f) => f.bytes), null);
    if (length && byRequest.some((f) => f.parts > 1)) return { ...NO_RULE, request: true, length };
    if (requestAnswersConsistent(byRequest)) return { ...NO_RULE, request: true };
  }
  const gapUs = learnGap(rounds);
  return gapUs === null ? NO_RULE : { ...NO_RULE, gapUs };
}

/**
 * A pause that separates frames: the times between values fall into short ones (inside a burst)
 * and long ones (between bursts), with a wide jump between the two; and inside the bursts every
 * value but the last fills the largest size seen (a frame cut at the MTU), so the bursts are frames.
 */
export function learnGap(rounds: StreamValue[][]): number | null {
  const gaps: number[] = [];
  let maxLen = 0;
  for (const r of rounds) {
    for (let i = 0; i < r.length; i++) {
      const v = r[i]!;
      if (v.bytes.length > maxLen) maxLen = v.bytes.length;
      const p = i > 0 ? r[i - 1]! : null;
      if (p && p.t !== null && v.t !== null) gaps.push(Math.max(0, v.t - p.t));
    }
  }
  if (gaps.length < 8) return null;
  gaps.sort((a, b) => a - b);
  // The widest jump (as a ratio) between neighbouring sorted gaps, with enough on each side.
  const minSide = Math.max(3, Math.floor(gaps.length * 0.05));
  let bestRatio = 1;
  let cut = -1;
  for (let i = minSide; i <= gaps.length - minSide; i++) {
    const a = Math.max(gaps[i - 1]!, 500); // below 0.5 ms the clock says nothing
    const ratio = gaps[i]! / a;
    if (ratio > bestRatio) [bestRatio, cut] = [ratio, i];
  }
  if (cut < 0 || bestRatio < 3) return null;
  const gapUs = Math.round(Math.sqrt(Math.max(gaps[cut - 1]!, 500) * gaps[cut]!) / 1000) * 1000;
  const frames = rounds.flatMap((r) => assemble(r, { ...NO_RULE, gapUs }));
  const multi = frames.filter((f) => f.parts > 1);
  if (multi.length < 3 || multi.length < frames.length * 0.3) return null;
  // Inside a burst the values before the last are full: the device cut a longer frame.
  let inner = 0;
  let full = 0;
  for (const r of rounds) {
    for (let i = 1; i < r.length; i++) {
      const p = r[i - 1]!;
      const v = r[i]!;
      if (p.t === null || v.t === null || v.t - p.t > gapUs) continue;
      inner++;
      if (p.bytes.length === maxLen) full++;
    }
  }
  return inner > 0 && full / inner >= 0.8 ? gapUs : null;
}

/** Request framing helps when answers are split (several values per request) and the same request gets the same answer length. */
function requestAnswersConsistent(frames: Frame[]): boolean {
  if (frames.length < 3) return false;
  const multi = frames.filter((f) => f.parts > 1).length;
  if (multi / frames.length < 0.3) return false;
  if (frames.some((f) => f.parts > 64)) return false; // a stream, not answers
  const byReq = new Map<string, number[]>();
  for (const f of frames) {
    const k = f.request ?? '';
    let l = byReq.get(k);
    if (!l) byReq.set(k, (l = []));
    l.push(f.bytes.length);
  }
  let consistent = 0;
  for (const l of byReq.values()) consistent += modeShare(l).share * l.length;
  return consistent / frames.length >= 0.7;
}
