// Fragment reassembly of L2CAP frames: HCI ACL (PB flags) and LL data PDUs (LLID) share it.
// A frame that arrives whole (the common case) is returned as a view, without copying.

/** HCI ACL packet boundary flags (Core Vol 4 Part E 5.4.2). */
export const PB_FIRST_NON_FLUSHABLE = 0b00;
export const PB_CONTINUING = 0b01;
export const PB_FIRST_FLUSHABLE = 0b10;
export const PB_COMPLETE = 0b11;

interface Partial {
  buf: Uint8Array;
  filled: number;
  /** Total frame length (4-byte basic header + payload); -1 until the header is complete. */
  total: number;
}

/** Reassembles L2CAP basic frames per stream key (link and direction: both sides can interleave). */
export class L2capReassembler {
  private readonly partial = new Map<number, Partial>();
  /** Continuations without a start, and starts that cut short an unfinished frame. */
  orphanFragments = 0;

  /**
   * Feeds one fragment. Returns the complete L2CAP frame (header + payload), or null while more
   * fragments are needed. A returned view is only valid until the caller's buffer is reused.
   */
  push(key: number, start: boolean, fragment: Uint8Array): Uint8Array | null {
    if (start) {
      if (this.partial.size !== 0 && this.partial.delete(key)) this.orphanFragments++;
      if (fragment.length >= 4) {
        const total = 4 + (fragment[0]! | (fragment[1]! << 8));
        if (fragment.length >= total) return fragment.length === total ? fragment : fragment.subarray(0, total);
        const buf = new Uint8Array(total);
        buf.set(fragment);
        this.partial.set(key, { buf, filled: fragment.length, total });
        return null;
      }
      // A start shorter than the basic header: keep it until the length is known.
      const buf = new Uint8Array(Math.max(4, fragment.length));
      buf.set(fragment);
      this.partial.set(key, { buf, filled: fragment.length, total: -1 });
      return null;
    }
    const p = this.partial.size !== 0 ? this.partial.get(key) : undefined;
    if (!p) {
      if (fragment.length) this.orphanFragments++;
      return null;
    }
    if (p.total < 0) {
      const head = new Uint8Array(p.filled + fragment.length);
      head.set(p.buf.subarray(0, p.filled));
      head.set(fragment, p.filled);
      this.partial.delete(key);
      return this.push(key, true, head);
    }
    const room = p.total - p.filled;
    if (fragment.length >= room) {
      p.buf.set(room === fragment.length ? fragment : fragment.subarray(0, room), p.filled);
      this.partial.delete(key);
      return p.buf;
    }
    p.buf.set(fragment, p.filled);
    p.filled += fragment.length;
    return null;
  }

  /** True while a frame of this stream waits for continuation fragments. */
  busy(key: number): boolean {
    return this.partial.size !== 0 && this.partial.has(key);
  }

  /** Frames still waiting for fragments (reported as a warning at the end of a capture). */
  get pending(): number {
    return this.partial.size;
  }
}
