// The evidence any protocol gives that a stream's values were cut into the right frames: frames
// whose checksum verifies, a length field that matches, one length per frame type, frames that
// start where the device starts talking (first value, after a write, after a pause) and do not
// straddle such a place, and how much of the traffic the frames cover. Every figure is a share
// of the stream's bytes, so the verdict does not depend on how much data is given.
import { CHECKSUMS } from './checksums.js';
import { learnLength, varied } from './frame-learning.js';
import { assemble, readField, type FrameRule, type LengthRule, type StreamValue } from './frames.js';
import type { FramingEvidence } from './types.js';


/** Where the device starts talking: the first value of a round, a value after an app write, a value after a pause. */
export interface StartFlags {
  /** First of its round, after an app write, or after a pause: a frame may start here. */
  start: Map<StreamValue, boolean>;
  /** After a pause: a frame that holds this value past its first part straddles two bursts. */
  pause: Map<StreamValue, boolean>;
}

export function startFlags(rounds: StreamValue[][]): StartFlags {
  const pauseAt = pauseUs(rounds);
  const start = new Map<StreamValue, boolean>();
  const pause = new Map<StreamValue, boolean>();
  for (const r of rounds) {
    r.forEach((v, i) => {
      const p = i > 0 ? r[i - 1]! : null;
      const paused = pauseAt !== null && p !== null && p.t !== null && v.t !== null && v.t - p.t >= pauseAt;
      start.set(v, i === 0 || v.afterWrite || paused);
      pause.set(v, paused);
    });
  }
  return { start, pause };
}

/**
 * The pause that separates bursts: four times the time between values that three quarters of the
 * gaps stay under (inside a burst, when bursts hold four values or more; several connection
 * intervals apart on a slow link), and at least 20 ms.
 */
function pauseUs(rounds: StreamValue[][]): number | null {
  const gaps: number[] = [];
  for (const r of rounds) for (let i = 1; i < r.length; i++) if (r[i]!.t !== null && r[i - 1]!.t !== null) gaps.push(Math.max(0, r[i]!.t! - r[i - 1]!.t!));
  if (gaps.length < 8) return null;
  gaps.sort((a, b) => a - b);
  return Math.max(4 * gaps[Math.floor(gaps.length * 0.75)]!, 20_000);
}

/** The frame type: the first byte after the marker (or the first byte). */
function typeOf(b: Uint8Array, markerLength: number): number {
  return b.length > markerLength ? b[markerLength]! | ((b[0] ?? 0) << 8) : -1;
}

const CHECKSUM_SAMPLE = 48;

/** Frames of one type whose checksum verifies with the one algorithm and place that most of them agree on. */
function verified(frames: Uint8Array[]): number {
  if (frames.length < 5) return 0;
  const step = Math.max(1, Math.floor(frames.length / CHECKSUM_SAMPLE));
  const sample = frames.filter((_, i) => i % step === 0);
  let minLen = Infinity;
  for (const f of sample) if (f.length < minLen) minLen = f.length;
  if (minLen < 4) return 0;
  let best = 0;
  for (const fromEnd of [0, 1, 2]) {
    for (const alg of CHECKSUMS) {
      for (const le of alg.size === 2 ? [true, false] : [false]) {
        // The sum starts within the header (a frame glued behind another would need a later start).
        for (let from = 0; from <= Math.min(3, minLen - fromEnd - alg.size - 2); from++) {
          let ok = 0;
          const stored = new Set<number>();
          for (let i = 0; i < sample.length; i++) {
            const b = sample[i]!;
            const at = b.length - fromEnd - alg.size;
            const value = alg.size === 1 ? b[at]! : le ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
            if (alg.compute(b, from, at) === value) {
              ok++;
              stored.add(value);
            } else if (i + 1 - ok > sample.length * 0.2) break; // cannot reach 80% any more
          }
          // A checksum that never changes is a constant byte (zero padding verifies as well).
          if (ok > best && stored.size >= 2) best = ok;
        }
      }
    }
  }
  // Chance alone makes a few frames verify; a share of 80% is the protocol's checksum.
  return best >= sample.length * 0.8 ? best / sample.length : 0;
}

/** The share of frames (by bytes) that one length field explains, at the offsets a header has. */
function lengthShare(frames: Uint8Array[], markerLength: number, known: LengthRule | null): number {
  const total = frames.reduce((n, f) => n + f.length, 0);
  if (total === 0) return 0;
  // A field is evidence where it follows lengths that differ: frames of one length are explained
  // by any byte that happens to hold a constant as well (the high byte of a cell voltage).
  const explained = (rule: LengthRule): number => {
    let n = 0;
    const lengths = new Map<number, number>();
    for (const f of frames) {
      const v = readField(f, rule);
      if (v !== null && v + rule.add === f.length && varied(f)) {
        n += f.length;
        lengths.set(f.length, (lengths.get(f.length) ?? 0) + 1);
      }
    }
    const counts = [...lengths.values()].sort((a, b) => b - a);
    const hits = counts.reduce((a, b) => a + b, 0);
    return counts.length >= 2 && counts[1]! >= hits * 0.05 ? n / total : 0;
  };
  if (known) return explained(known);
  // The field that fits most of the frames, then judged on all of them.
  const found = learnLength(frames, markerLength ? frames[0]!.subarray(0, markerLength) : null, 0);
  return found ? explained(found) : 0;
}

function modalLength(frames: Uint8Array[]): number {
  const c = new Map<number, number>();
  let best = 0;
  let n = 0;
  for (const f of frames) {
    const k = (c.get(f.length) ?? 0) + 1;
    c.set(f.length, k);
    if (k > n || (k === n && f.length > best)) [best, n] = [f.length, k];
  }
  return best;
}

export const EVIDENCE_WEIGHTS = { checksum: 0.4, lengthField: 0.2, oneLength: 0.15, starts: 0.1, whole: 0.15 } as const;

/** Cuts the rounds with the rule and weighs the evidence that the cut is right; `cut` fingerprints the frames (rules that cut alike share it). */
export function judgeRule(rounds: StreamValue[][], rule: FrameRule): { evidence: FramingEvidence; cut: number } {
  let cut = 0x811c9dc5;
  const flags = startFlags(rounds);
  let valueBytes = 0;
  let framedBytes = 0;
  let startValues = 0;
  let startsMet = 0;
  let wholeBytes = 0;
  const framesByType = new Map<number, Uint8Array[]>();
  const framesByKind = new Map<string, Uint8Array[]>();
  const orphansByKind = new Map<string, Uint8Array[]>();
  const markerLength = rule.marker?.length ?? 0;
  const framed: Uint8Array[] = [];
  /** Per round, the bytes of the leading values no frame of the rule holds. */
  const tails: number[] = [];
  for (const r of rounds) {
    for (const v of r) valueBytes += v.bytes.length;
    // Which values each frame is made of: its first value (by record) and the parts after it.
    const at = new Map<number, number>();
    r.forEach((v, i) => at.set(v.record, i));
    const frames = assemble(r, rule);
    // A round's first value may sit inside a frame (the capture began mid-stream): not a place to judge.
    for (let i = 1; i < r.length; i++) if (flags.start.get(r[i]!)) startValues++;
    const begins = new Set<number>();
    for (const f of frames) begins.add(at.get(f.record) ?? -1);
    for (const i of begins) if (i > 0 && flags.start.get(r[i]!)) startsMet++;
    // Values of the round's first burst before its first frame may be the tail of a frame the
    // capture began inside: no rule can frame them, so they count neither for nor against it.
    let burst = 1;
    while (burst < r.length && !flags.start.get(r[burst]!)) burst++;
    let leading = true;
    let tail = 0;
    for (const f of frames) {
      cut = Math.imul(cut ^ (f.orphan ? 0x10000 + f.bytes.length : f.bytes.length), 0x01000193) >>> 0;
      if (f.orphan && leading && (at.get(f.record) ?? burst) < burst) {
        tail += f.bytes.length;
        continue;
      }
      leading = false;
      if (f.orphan) {
        const k = `${f.bytes[0]}/${f.bytes.length}`;
        let ol = orphansByKind.get(k);
        if (!ol) orphansByKind.set(k, (ol = []));
        ol.push(f.bytes);
        continue;
      }
      const vi = at.get(f.record) ?? r.length;
      const n = f.bytes.length;
      framed.push(f.bytes);
      framedBytes += n;
      let straddles = false;
      for (let k = 1; k < f.parts && vi + k < r.length; k++) if (flags.pause.get(r[vi + k]!) || r[vi + k]!.afterWrite) straddles = true;
      if (!straddles) wholeBytes += n;
      const t = typeOf(f.bytes, markerLength);
      let l = framesByType.get(t);
      if (!l) framesByType.set(t, (l = []));
      l.push(f.bytes);
      // A checksum sits at the end: frames of one type and one length share its place.
      const k = `${t}/${n}`;
      let kl = framesByKind.get(k);
      if (!kl) framesByKind.set(k, (kl = []));
      kl.push(f.bytes);
    }
    if (tail > 0) tails.push(tail);
  }
  // A leading run shorter than the rule's usual frame may be the tail of a frame the capture began
  // inside: it counts neither for nor against the rule. A longer one is traffic the rule cannot cut.
  const usual = modalLength(framed);
  for (const t of tails) if (t < usual) valueBytes -= t;
  if (framedBytes === 0 || valueBytes === 0) return { evidence: { coverage: 0, checksum: 0, lengthField: 0, oneLength: 0, starts: 0, whole: 0, score: 0 }, cut };
  let checksumBytes = 0;
  let oneLengthBytes = 0;
  let wholeOrphanBytes = 0;
  for (const values of orphansByKind.values()) wholeOrphanBytes += verified(values) * values.length * values[0]!.length;
  for (const frames of framesByKind.values()) checksumBytes += verified(frames) * frames.length * frames[0]!.length;
  for (const frames of framesByType.values()) {
    if (frames.length >= 3) {
      const c = new Map<number, number>();
      for (const f of frames) c.set(f.length, (c.get(f.length) ?? 0) + 1);
      const modal = [...c.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
      oneLengthBytes += frames.filter((f) => f.length === modal).length * modal;
    }
  }
  const e = {
    coverage: Math.min(1, (framedBytes + wholeOrphanBytes) / valueBytes),
    checksum: checksumBytes / framedBytes,
    lengthField: lengthShare(framed, markerLength, rule.length),
    oneLength: oneLengthBytes / framedBytes,
    starts: startValues ? startsMet / startValues : 1,
    whole: wholeBytes / framedBytes,
  };
  const w = EVIDENCE_WEIGHTS;
  const score = e.coverage * (w.checksum * e.checksum + w.lengthField * e.lengthField + w.oneLength * e.oneLength + w.starts * e.starts + w.whole * e.whole);
  return { evidence: { ...e, score }, cut };
}
