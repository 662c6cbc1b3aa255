// Fragment reassembly of L2CAP frames: HCI ACL (PB flags) and LL data PDUs (LLID) share it.
// A frame that arrives whole (the common case) is returned as a view, without copying. Fragments
// are given as offsets into the caller's buffer and copied into a buffer per open frame that grows
// as data arrives (never to the 64 KiB a length field may announce before the bytes come), and is
// kept for the stream's next frame. At most MAX_OPEN_FRAMES frames wait at once: a capture with more
// open streams is damaged or hostile, and the frames beyond the cap are skipped and counted.
// A caller that needs only the first bytes of some frames (a summary counts opcodes and handles)
// says so with a skim test: such a frame keeps its first fragment and the rest is only counted.

import { copyBytes, DataViews } from './slab.js';

/** HCI ACL packet boundary flags (Core Vol 4 Part E 5.4.2). */
export const PB_FIRST_NON_FLUSHABLE = 0b00;
export const PB_CONTINUING = 0b01;
export const PB_FIRST_FLUSHABLE = 0b10;
export const PB_COMPLETE = 0b11;

/** Frames waiting for fragments at once, over all links and directions. */
export const MAX_OPEN_FRAMES = 1024;
const FIRST_CAPACITY = 512;
/** A finished stream keeps its buffer for the next frame up to this size (larger ones are dropped). */
const KEEP_CAPACITY = 4096;

/** One link direction: its buffer (kept between frames) and the frame it is filling, if any. */
interface Stream {
  buf: Uint8Array;
  /** A DataView of buf, for copying four bytes at a time. */
  bufView: DataView;
  /** The last frame returned, kept while frames keep that length (no new view per frame), and the buffer it views. */
  frame: Uint8Array | null;
  frameOf: Uint8Array | null;
  active: boolean;
  filled: number;
  /** Total frame length (4-byte basic header + payload); -1 until the header is complete. */
  total: number;
  /** A skimmed frame: the bytes of its first fragment (the frame returned is cut to them); -1: whole frame. */
  kept: number;
}

/** True when only the first fragment b[from, to) of the frame it starts is wanted (it is ≥ SKIM_MIN bytes). */
export type SkimTest = (b: Uint8Array, from: number, to: number) => boolean;
/** A first fragment shorter than this is never skimmed: the L2CAP header, an ATT opcode and a handle. */
export const SKIM_MIN = 7;

const EMPTY = new Uint8Array(0);
const EMPTY_VIEW: DataView = new DataView(EMPTY.buffer);

/** Reassembles L2CAP basic frames per stream key (link and direction: both sides can interleave). */
export class L2capReassembler {
  private readonly streams = new Map<number, Stream>();
  /** The stream of the previous fragment: fragments of one frame usually follow each other. */
  private lastKey = -1;
  private last: Stream | null = null;
  private open = 0;
  /** Continuations without a start, and starts that cut short an unfinished frame. */
  orphanFragments = 0;
  /** Fragmented frames skipped because MAX_OPEN_FRAMES frames were already waiting. */
  refusedFrames = 0;

  /** DataViews of the buffers fragments come from (the reader's chunk, mostly). */
  private readonly sources = new DataViews();

  constructor(private readonly skim: SkimTest | null = null) {}

  private stream(key: number): Stream | undefined {
    if (key === this.lastKey) return this.last!;
    const s = this.streams.get(key);
    if (s) {
      this.lastKey = key;
      this.last = s;
    }
    return s;
  }

  /**
   * Feeds one fragment, b[from, to). Returns the complete L2CAP frame (header + payload), or null
   * while more fragments are needed. The returned view is valid until the next push() of the
   * same stream and until the caller's buffer is reused.
   */
  push(key: number, start: boolean, b: Uint8Array, from: number, to: number): Uint8Array | null {
    const n = to - from;
    let s = this.open !== 0 || !start ? this.stream(key) : undefined;
    if (start) {
      if (s && s.active) {
        this.finish(s);
        this.orphanFragments++;
      }
      let total = -1;
      if (n >= 4) {
        total = 4 + (b[from]! | (b[from + 1]! << 8));
        if (n >= total) return from === 0 && total === b.length ? b : new Uint8Array(b.buffer, b.byteOffset + from, total);
      }
      if (this.open >= MAX_OPEN_FRAMES) {
        this.refusedFrames++;
        return null;
      }
      s ??= this.stream(key) ?? this.create(key);
      // A start shorter than the basic header is kept until the length is known.
      if (s.buf.length < n) setBuffer(s, grown(s.buf, 0, n, total));
      copyBytes(s.buf, s.bufView, 0, b, this.sources.of(b), from, to);
      s.active = true;
      s.filled = n;
      s.total = total;
      s.kept = this.skim !== null && n >= SKIM_MIN && this.skim(b, from, to) ? n : -1;
      this.open++;
      return null;
    }
    if (!s || !s.active) {
      if (n) this.orphanFragments++;
      return null;
    }
    const filled = s.filled;
    let total = s.total;
    if (total < 0 && filled + n >= 4) {
      // The header completes with this fragment: its first bytes may sit in either part.
      const buf = s.buf;
      const at = (i: number): number => (i < filled ? buf[i]! : b[from + i - filled]!);
      total = 4 + (at(0) | (at(1) << 8));
      s.total = total;
    }
    const take = total < 0 ? n : Math.min(n, total - filled);
    const kept = s.kept;
    if (kept < 0) {
      if (filled + take > s.buf.length) setBuffer(s, grown(s.buf, filled, filled + take, total));
      copyBytes(s.buf, s.bufView, filled, b, this.sources.of(b), from, from + take);
    }
    s.filled = filled + take;
    if (total < 0 || s.filled < total) return null;
    const length = kept < 0 ? total : kept;
    let frame = s.frame;
    // (Compared by the buffer it views: reading `.buffer` allocates.)
    if (frame === null || frame.length !== length || s.frameOf !== s.buf) {
      frame = s.frame = new Uint8Array(s.buf.buffer, s.buf.byteOffset, length);
      s.frameOf = s.buf;
    }
    this.finish(s);
    return frame;
  }

  private create(key: number): Stream {
    // Streams kept for their buffers are let go before the map outgrows the cap.
    if (this.streams.size >= MAX_OPEN_FRAMES) {
      for (const [k, old] of this.streams) if (!old.active) this.streams.delete(k);
      this.lastKey = -1;
      this.last = null;
    }
    const s: Stream = { buf: EMPTY, bufView: EMPTY_VIEW, frame: null, frameOf: null, active: false, filled: 0, total: -1, kept: -1 };
    this.streams.set(key, s);
    this.lastKey = key;
    this.last = s;
    return s;
  }

  /** The stream waits for no frame any more; a large buffer is let go (the next frame grows its own). */
  private finish(s: Stream): void {
    s.active = false;
    this.open--;
    if (s.buf.length > KEEP_CAPACITY) {
      setBuffer(s, EMPTY);
      s.frame = null;
      s.frameOf = null;
    }
  }

  /** True while a frame of this stream waits for continuation fragments. */
  busy(key: number): boolean {
    return this.open !== 0 && this.stream(key)?.active === true;
  }

  /** Frames still waiting for fragments (reported as a warning at the end of a capture). */
  get pending(): number {
    return this.open;
  }

  /** Bytes held by stream buffers: what reassembly costs in memory. */
  get heldBytes(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.buf.length;
    return n;
  }
}

function setBuffer(s: Stream, buf: Uint8Array): void {
  s.buf = buf;
  s.bufView = buf === EMPTY ? EMPTY_VIEW : new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** A buffer for at least `need` bytes of a frame of `total` bytes (-1: unknown), with old's first `keep` bytes. */
function grown(old: Uint8Array, keep: number, need: number, total: number): Uint8Array {
  let size = Math.max(need, FIRST_CAPACITY, old.length * 2);
  if (total >= need && size > total) size = total;
  const buf = new Uint8Array(size);
  if (keep) buf.set(old.subarray(0, keep));
  return buf;
}
