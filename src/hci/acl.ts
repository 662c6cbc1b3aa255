// Fragment reassembly of L2CAP frames: HCI ACL (PB flags) and LL data PDUs (LLID) share it.
// A frame that arrives whole (the common case) is returned as a view, without copying. Fragments
// are given as offsets into the caller's buffer and copied into a buffer per open frame that grows
// as data arrives (never to the 64 KiB a length field may announce before the bytes come), and is
// reused for the next frame. At most MAX_OPEN_FRAMES frames wait at once: a capture with more
// open streams is damaged or hostile, and the frames beyond the cap are skipped and counted.

/** HCI ACL packet boundary flags (Core Vol 4 Part E 5.4.2). */
export const PB_FIRST_NON_FLUSHABLE = 0b00;
export const PB_CONTINUING = 0b01;
export const PB_FIRST_FLUSHABLE = 0b10;
export const PB_COMPLETE = 0b11;

/** Frames waiting for fragments at once, over all links and directions. */
export const MAX_OPEN_FRAMES = 1024;
const FIRST_CAPACITY = 512;
/** Buffers of finished frames kept for the next ones. */
const SPARE_BUFFERS = 8;

interface Partial {
  buf: Uint8Array;
  filled: number;
  /** Total frame length (4-byte basic header + payload); -1 until the header is complete. */
  total: number;
}

/** dst[at…] = src[from, to). A loop beats TypedArray.set for the 20–30-byte fragments of most links. */
function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, from: number, to: number): void {
  if (to - from > 64) {
    dst.set(src.subarray(from, to), at);
    return;
  }
  for (let i = from; i < to; i++) dst[at++] = src[i]!;
}

/** Reassembles L2CAP basic frames per stream key (link and direction: both sides can interleave). */
export class L2capReassembler {
  private readonly partial = new Map<number, Partial>();
  private readonly spare: Uint8Array[] = [];
  /** Continuations without a start, and starts that cut short an unfinished frame. */
  orphanFragments = 0;
  /** Fragmented frames skipped because MAX_OPEN_FRAMES frames were already waiting. */
  refusedFrames = 0;

  /**
   * Feeds one fragment, b[from, to). Returns the complete L2CAP frame (header + payload), or null
   * while more fragments are needed. The returned view is valid until the next push() and until
   * the caller's buffer is reused.
   */
  push(key: number, start: boolean, b: Uint8Array, from: number, to: number): Uint8Array | null {
    const n = to - from;
    if (start) {
      if (this.partial.size !== 0) {
        const old = this.partial.get(key);
        if (old) {
          this.partial.delete(key);
          this.release(old.buf);
          this.orphanFragments++;
        }
      }
      let total = -1;
      if (n >= 4) {
        total = 4 + (b[from]! | (b[from + 1]! << 8));
        if (n >= total) return from === 0 && total === b.length ? b : new Uint8Array(b.buffer, b.byteOffset + from, total);
      }
      if (this.partial.size >= MAX_OPEN_FRAMES) {
        this.refusedFrames++;
        return null;
      }
      // A start shorter than the basic header is kept until the length is known.
      const buf = this.room(null, n, total);
      copyBytes(buf, 0, b, from, to);
      this.partial.set(key, { buf, filled: n, total });
      return null;
    }
    const p = this.partial.size !== 0 ? this.partial.get(key) : undefined;
    if (!p) {
      if (n) this.orphanFragments++;
      return null;
    }
    const filled = p.filled;
    let total = p.total;
    if (total < 0 && filled + n >= 4) {
      // The header completes with this fragment: its first bytes may sit in either part.
      const at = (i: number): number => (i < filled ? p.buf[i]! : b[from + i - filled]!);
      total = 4 + (at(0) | (at(1) << 8));
      p.total = total;
    }
    const take = total < 0 ? n : Math.min(n, total - filled);
    if (filled + take > p.buf.length) p.buf = this.room(p.buf, filled + take, total);
    copyBytes(p.buf, filled, b, from, from + take);
    p.filled = filled + take;
    if (total < 0 || p.filled < total) return null;
    this.partial.delete(key);
    this.release(p.buf);
    return new Uint8Array(p.buf.buffer, p.buf.byteOffset, total);
  }

  /** A buffer for at least `need` bytes of a frame of `total` bytes (-1: unknown), keeping old's bytes. */
  private room(old: Uint8Array | null, need: number, total: number): Uint8Array {
    let size = Math.max(need, FIRST_CAPACITY, old ? old.length * 2 : 0);
    if (total >= need && size > total) size = total;
    if (!old) {
      const spare = this.spare.pop();
      if (spare && spare.length >= need) return spare;
    }
    const buf = new Uint8Array(size);
    if (old) buf.set(old);
    return buf;
  }

  private release(buf: Uint8Array): void {
    if (this.spare.length < SPARE_BUFFERS) this.spare.push(buf);
  }

  /** True while a frame of this stream waits for continuation fragments. */
  busy(key: number): boolean {
    return this.partial.size !== 0 && this.partial.has(key);
  }

  /** Frames still waiting for fragments (reported as a warning at the end of a capture). */
  get pending(): number {
    return this.partial.size;
  }

  /** Bytes held by waiting frames and spare buffers: what reassembly costs in memory. */
  get heldBytes(): number {
    let n = 0;
    for (const p of this.partial.values()) n += p.buf.length;
    for (const b of this.spare) n += b.length;
    return n;
  }
}
