// Small helpers for building frames.

export function u16be(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}
export function u16le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}
export function u32le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}
export function ascii(b: Uint8Array, o: number, s: string, max: number): void {
  for (let i = 0; i < s.length && i < max; i++) b[o + i] = s.charCodeAt(i) & 0x7f;
}
/** Splits a value into pieces of at most `size` bytes (how a device cuts a frame to fit the MTU). */
export function chunk(b: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < b.length; o += size) out.push(b.slice(o, Math.min(b.length, o + size)));
  return out;
}
export function concat(parts: ArrayLike<number>[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
export function fromHex(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
}
