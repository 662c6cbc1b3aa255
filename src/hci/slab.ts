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

/**
 * dst[at…] = src[from, to) (dstView and srcView: DataViews of the two). Short runs go four bytes at
 * a time: for the 20–30-byte fragments and values of most BMS links a byte loop costs twice as
 * much, TypedArray.set (with the view of src it needs) three times; long runs go by set().
 */
export function copyBytes(dst: Uint8Array, dstView: DataView, at: number, src: Uint8Array, srcView: DataView, from: number, to: number): void {
  if (to - from > 64) {
    dst.set(view(src, from, to), at);
    return;
  }
  const shift = at - from;
  let i = from;
  for (; i + 4 <= to; i += 4) dstView.setUint32(i + shift, srcView.getUint32(i));
  for (; i < to; i++) dst[i + shift] = src[i]!;
}

/** A DataView of the buffer last asked for: copies come from one chunk or stream buffer after another. */
export class DataViews {
  private b: Uint8Array | null = null;
  private v: DataView | null = null;
  of(b: Uint8Array): DataView {
    if (b !== this.b) {
      this.b = b;
      this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    return this.v!;
  }
}

export class ValueSlab {
  private slab = new ArrayBuffer(SLAB);
  private bytes = new Uint8Array(this.slab);
  private bytesView = new DataView(this.slab);
  private readonly sources = new DataViews();
  private used = 0;

  /** A copy of b[start, end) that stays valid after b is reused. */
  copy(b: Uint8Array, start: number, end: number): Uint8Array {
    const n = end - start;
    if (n > OWN) {
      const own = new Uint8Array(n);
      own.set(view(b, start, end));
      return own;
    }
    const at = this.reserve(n);
    copyBytes(this.bytes, this.bytesView, at, b, this.sources.of(b), start, end);
    return new Uint8Array(this.slab, at, n);
  }

  /** n fresh bytes (zeroed) for the caller to fill: cut from the current slab, or their own above 4 KiB. */
  alloc(n: number): Uint8Array {
    if (n > OWN) return new Uint8Array(n);
    const at = this.reserve(n);
    return new Uint8Array(this.slab, at, n);
  }

  /** Where n bytes start in the current slab (a new one when they do not fit). */
  private reserve(n: number): number {
    if (this.used + n > SLAB) {
      this.slab = new ArrayBuffer(SLAB);
      this.bytes = new Uint8Array(this.slab);
      this.bytesView = new DataView(this.slab);
      this.used = 0;
    }
    const at = this.used;
    this.used = at + n;
    return at;
  }
}
