// The copy that reassembly and owned event values go through (four bytes at a time, set() for long runs).
import { describe, expect, it } from 'vitest';
import { copyBytes, DataViews, ValueSlab } from '../src/hci/slab.js';

describe('byte copies', () => {
  it('copies every length from 0 to 200 bytes at every alignment, and nothing beside', () => {
    const src = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) & 0xff));
    const views = new DataViews();
    for (let n = 0; n <= 200; n++) {
      for (const [from, at] of [[0, 0], [1, 3], [3, 0], [7, 5], [100, 2]] as const) {
        const dst = new Uint8Array(260).fill(0xee);
        copyBytes(dst, new DataView(dst.buffer), at, src, views.of(src), from, from + n);
        expect(Buffer.from(dst.subarray(at, at + n)).equals(src.subarray(from, from + n))).toBe(true);
        expect(dst.subarray(0, at).every((b) => b === 0xee)).toBe(true);
        expect(dst.subarray(at + n).every((b) => b === 0xee)).toBe(true);
      }
    }
  });

  it('a slab copy stays the same after its source is overwritten', () => {
    const slab = new ValueSlab();
    const chunk = Buffer.from('0102030405060708090a0b0c0d0e0f10111213', 'hex');
    const copies = [slab.copy(chunk, 0, 5), slab.copy(chunk, 3, 19), slab.copy(chunk, 1, 2)];
    chunk.fill(0);
    expect(copies.map((c) => Buffer.from(c).toString('hex'))).toEqual(['0102030405', '0405060708090a0b0c0d0e0f10111213', '02']);
  });
});
