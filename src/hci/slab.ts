// Owned copies of event values, cut from shared 64 KiB slabs: one typed-array allocation per value
// costs several times a copy into a slab (V8 gives each >64-byte array its own backing store).
// A slab is freed when no value cut from it is referenced any more.

const SLAB = 64 * 1024;
const OWN = 4 * 1024;

/**
 * A plain Uint8Array view of b[start, end). Cheaper than b.subarray() when b is a Buffer (whose
 * subarray goes through Buffer's own constructor).
 */
export function view(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + start, end - start);
}

export class ValueSlab {
  private slab = new ArrayBuffer(SLAB);
  private bytes = new Uint8Array(this.slab);
  private used = 0;

  /** A copy of b[start, end) that stays valid after b is reused. */
  copy(b: Uint8Array, start: number, end: number): Uint8Array {
    const n = end - start;
    if (n > OWN) {
      const own = new Uint8Array(n);
      own.set(view(b, start, end));
      return own;
    }
    if (this.used + n > SLAB) {
      this.slab = new ArrayBuffer(SLAB);
      this.bytes = new Uint8Array(this.slab);
      this.used = 0;
    }
    const at = this.used;
    const bytes = this.bytes;
    // A loop for the short values of most BMS traffic: set() would need a view of b first (an allocation).
    if (n <= 64) for (let i = 0; i < n; i++) bytes[at + i] = b[start + i]!;
    else bytes.set(view(b, start, end), at);
    this.used = at + n;
    return new Uint8Array(this.slab, at, n);
  }
}
