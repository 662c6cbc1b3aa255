// Cutting application frames from consecutive ATT values on one handle and direction, with a rule.
// A frame rule combines: a start marker, a length field (or a fixed length), request boundaries
// (the app's writes), a time gap. Learning the rule from the data is frame-learning.ts's job.
import { hexNum, toHex } from '../hex.js';
import { ValueSlab } from '../hci/slab.js';
import type { AttEvent, Micros } from '../model.js';
import type { Frame } from './types.js';

/** Total frame length = field value + add; the field sits at offset (size 1 or 2 bytes). */
export interface LengthRule {
  offset: number;
  size: 1 | 2;
  le: boolean;
  add: number;
  /** First byte of the frames the rule was learnt from (when they share one): only such values start a frame. */
  anchor: number | null;
}

export interface FrameRule {
  marker: Uint8Array | null;
  length: LengthRule | null;
  /** A fixed frame length (learnt from marker frames when no length field is found). */
  fixed: number | null;
  /** Fixed length per frame type (the byte after the marker), when types differ in length. */
  fixedByType?: Map<number, number>;
  /** Each app write ends the frame being built. */
  request: boolean;
  /** A pause longer than this (µs) ends the frame being built. */
  gapUs: number | null;
  /** Hex of short values the device also sends on their own ("AT\r\n"): never joined into a frame. */
  standalone?: Set<string>;
}

/** One ATT value of a stream, with what happened before it in its round. */
export interface StreamValue {
  bytes: Uint8Array;
  t: Micros;
  record: number;
  /** An app write came between the previous value of this stream and this one. */
  afterWrite: boolean;
  /** Hex of the last app write before this value in the round, or null. */
  request: string | null;
  /** The event the value is (its bytes, time and record): what a message of this value alone can keep instead of them. */
  event?: AttEvent;
}

export type { Frame } from './types.js';

export const NO_RULE: FrameRule = { marker: null, length: null, fixed: null, request: false, gapUs: null };

export function describeRule(r: FrameRule): string {
  const parts: string[] = [];
  if (r.request) parts.push('request');
  if (r.marker) parts.push(`marker:${toHex(r.marker)}`);
  if (r.length) {
    const l = r.length;
    const where = l.size === 1 ? `${l.offset}` : `${l.offset}..${l.offset + 1}${l.le ? 'le' : 'be'}`;
    parts.push(`length@${where}+${l.add}`);
  } else if (r.fixedByType && r.fixedByType.size > 1) {
    parts.push(`fixed:${[...r.fixedByType.entries()].sort((a, b) => a[0] - b[0]).map(([t, n]) => `${hexNum(t)}=${n}`).join('/')}`);
  } else if (r.fixed !== null) parts.push(`fixed:${r.fixed}`);
  if (r.gapUs !== null) parts.push(`gap:${r.gapUs / 1000}`);
  return parts.length ? parts.join('+') : 'none';
}

export function startsWith(b: Uint8Array, m: Uint8Array): boolean {
  if (b.length < m.length) return false;
  for (let i = 0; i < m.length; i++) if (b[i] !== m[i]) return false;
  return true;
}

export function readField(b: Uint8Array, l: LengthRule): number | null {
  if (b.length < l.offset + l.size) return null;
  if (l.size === 1) return b[l.offset]!;
  const x = b[l.offset]!;
  const y = b[l.offset + 1]!;
  return l.le ? x | (y << 8) : (x << 8) | y;
}

/**
 * Frame bytes joined from several values live in shared slabs (one typed array per frame, not one
 * buffer each: V8 gives every array above 64 bytes a backing store of its own).
 */
const frameBytes = new ValueSlab();

/**
 * The parts as one array: a view when they lie side by side in one buffer (consecutive values cut
 * from the extractor's slabs usually do), else a copy into the frame slabs.
 */
function concat(parts: Uint8Array[], len: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0]!;
  let end = first.byteOffset + first.length;
  let adjacent = true;
  for (let i = 1; i < parts.length && adjacent; i++) {
    const p = parts[i]!;
    if (p.buffer !== first.buffer || p.byteOffset !== end) adjacent = false;
    else end += p.length;
  }
  if (adjacent) return new Uint8Array(first.buffer, first.byteOffset, len);
  const out = frameBytes.alloc(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The leading bytes of the frame being built, at least k of them when it holds k: its first part unless that is shorter. */
function head(parts: Uint8Array[], len: number, k: number): Uint8Array {
  if (parts.length === 1 || parts[0]!.length >= k) return parts[0]!;
  const whole = concat(parts, len);
  parts.length = 0;
  parts.push(whole);
  return whole;
}

/** The length the frame being built still waits for (its length field says it is longer), or null. */
function awaitedLength(parts: Uint8Array[], len: number, rule: FrameRule): number | null {
  if (len === 0 || !rule.length) return null;
  const f = readField(head(parts, len, rule.length.offset + rule.length.size), rule.length);
  return f !== null && len < f + rule.length.add ? f + rule.length.add : null;
}

/** Builds the frames of one round's stream under a rule. */
/** Builds the object for one frame (the analysis builds its messages directly: no frame object in between). */
/** `from`: the frame's first value (its bytes are `bytes` when the frame is that value alone). */
export type MakeFrame<T> = (bytes: Uint8Array, t: Micros, record: number, parts: number, request: string | null, orphan: boolean, from: StreamValue) => T;

const makeFrame: MakeFrame<Frame> = (bytes, t, record, parts, request, orphan) => ({ bytes, t, record, parts, request, orphan });

export function assemble(values: Iterable<StreamValue>, rule: FrameRule): Frame[];
export function assemble<T>(values: Iterable<StreamValue>, rule: FrameRule, make: MakeFrame<T>): T[];
export function assemble<T>(values: Iterable<StreamValue>, rule: FrameRule, make: MakeFrame<T> = makeFrame as MakeFrame<T>): T[] {
  const out: T[] = [];
  let parts: Uint8Array[] = [];
  let len = 0;
  let first: StreamValue | null = null;
  let nParts = 0;
  const plain = !rule.marker && !rule.request && rule.gapUs === null;
  const emit = (bytes: Uint8Array, from: StreamValue, n: number, orphan = false): void => {
    out.push(make(bytes, from.t, from.record, n, from.request, orphan, from));
  };
  const flush = (): void => {
    if (len > 0 && first) emit(concat(parts, len), first, nParts);
    parts = [];
    len = 0;
    first = null;
    nParts = 0;
  };
  const push = (v: StreamValue, bytes: Uint8Array): void => {
    if (!first) first = v;
    parts.push(bytes);
    len += bytes.length;
    nParts++;
  };
  let prev: StreamValue | null = null;
  // Lengths of the frames a length field completed so far (a frame start is recognised by them).
  const lengths = new Set<number>();
  for (const v of values) {
    if (v.bytes.length === 0) continue;
    if (rule.request && v.afterWrite) flush();
    if (rule.gapUs !== null && prev && v.t !== null && prev.t !== null && v.t - prev.t > rule.gapUs) flush();
    prev = v;
    if (rule.standalone && v.bytes.length <= 32 && rule.standalone.has(toHex(v.bytes))) {
      emit(v.bytes, v, 1, true); // a message of its own, even in the middle of a frame
      continue;
    }
    if (rule.marker) {
      const marked = startsWith(v.bytes, rule.marker);
      // A marker inside a frame its length field says is not complete is data, unless the value
      // starts the same frame again: a marker of two bytes or more (one byte is common in data)
      // and its own length field giving the length awaited, one that complete frames of this
      // stream had. Then the frame being built lost its tail (a notification the capture missed)
      // and is left out.
      const awaited = marked && rule.marker.length >= 2 ? awaitedLength(parts, len, rule) : null;
      const own = awaited !== null ? readField(v.bytes, rule.length!) : null;
      const lostTail = own !== null && own + rule.length!.add === awaited && lengths.has(awaited);
      if (marked && (lostTail || awaitedLength(parts, len, rule) === null)) {
        if (lostTail) {
          emit(concat(parts, len), first!, nParts, true);
          parts = [];
          len = 0;
          first = null;
          nParts = 0;
        } else flush();
        push(v, v.bytes);
      } else if (len === 0) {
        emit(v.bytes, v, 1, true); // a value outside any frame
        continue;
      } else push(v, v.bytes);
    } else if (len === 0 && rule.length && rule.length.anchor !== null && v.bytes[0] !== rule.length.anchor) {
      emit(v.bytes, v, 1); // not the start of a frame this rule describes
      continue;
    } else push(v, v.bytes);

    if (rule.length || rule.fixed !== null) {
      // Cut every complete frame; a value may hold several frames or end one and start the next.
      // The parts are joined only once a frame is complete (not once per value that comes in).
      for (;;) {
        let expected: number | null;
        if (rule.length) {
          const f = readField(head(parts, len, rule.length.offset + rule.length.size), rule.length);
          expected = f === null ? null : f + rule.length.add;
          if (expected !== null && (expected < rule.length.offset + rule.length.size || expected > 65_535)) {
            flush(); // not a frame this rule describes
            break;
          }
        } else {
          const at = rule.marker?.length ?? 0;
          const h = head(parts, len, at + 1);
          const type = rule.marker && h.length > at ? h[at]! : -1;
          expected = rule.fixedByType?.get(type) ?? rule.fixed;
        }
        if (expected === null || len < expected) break;
        if (len === expected) {
          if (rule.length) lengths.add(expected);
          flush();
          break;
        }
        const buf = concat(parts, len);
        parts = [buf];
        const rest = buf.subarray(expected);
        const restOk = rule.marker ? startsWith(rest, rule.marker) : rest[0] === (rule.length?.anchor ?? buf[0]);
        if (!restOk) {
          if (plain) flush();
          break; // the rule does not fit this frame: keep it whole until the next boundary
        }
        const from = first!;
        if (rule.length) lengths.add(expected);
        emit(buf.subarray(0, expected), from, nParts);
        parts = [rest];
        len = rest.length;
        nParts = 1;
        first = v;
      }
    } else if (plain) flush();
  }
  flush();
  return out;
}
