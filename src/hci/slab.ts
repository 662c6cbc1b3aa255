// Owned copies of event values, cut from shared 64 KiB slabs: one typed-array allocation per value
// costs several times a copy into a slab (V8 gives each >64-byte array its own backing store).
// A slab is freed when no value cut from it is referenced any more.

const SLAB = 64 * 1024;
const OWN = 4 * 1024;

export class ValueSlab {
  private slab = new Uint8Array(SLAB);
  private used = 0;

  /** A copy of b[start, end) that stays valid after b is reused. */
  copy(b: Uint8Array, start: number, end: number): Uint8Array {
    const n = end - start;
    if (n > OWN) {
      const own = new Uint8Array(n);
      own.set(b.subarray(start, end));
      return own;
    }
    if (this.used + n > SLAB) {
      this.slab = new Uint8Array(SLAB);
      this.used = 0;
    }
    const at = this.used;
    this.slab.set(b.subarray(start, end), at);
    this.used = at + n;
    return this.slab.subarray(at, at + n);
  }
}
