// Evidence rules found on drawn protocols (src/sim/random, `npm run eval -- --random N`): each
// rule alone on hand-made values, and the drawn protocols whose miss it fixed at rank 1 again.
import { describe, expect, it } from 'vitest';
import { judgeRule } from '../src/analysis/frame-evidence.js';
import { learnSpanningLength } from '../src/analysis/frame-learning.js';
import { assemble, NO_RULE, type StreamValue } from '../src/analysis/frames.js';
import { randomCase } from '../src/bench/eval-random.js';
import { runCase } from '../src/bench/eval-run.js';
import { chunk } from '../src/sim/bytes.js';

const values = (parts: Uint8Array[]): StreamValue[] => parts.map((bytes, i) => ({ bytes, t: i * 5000, record: i + 1, afterWrite: false, request: null }));

/** A frame without a marker: type, 16-bit big-endian payload length, payload, sum. */
function frame(type: number, payload: number, seed: number): Uint8Array {
  const f = new Uint8Array(payload + 4);
  f[0] = type;
  f[1] = payload >> 8;
  f[2] = payload & 0xff;
  for (let i = 3; i < f.length - 1; i++) f[i] = (seed * 31 + i * 7) & 0xff;
  return f;
}

describe('a length field read across the values it joins (no marker)', () => {
  it('finds the 16-bit field of frames that span several notifications, among short whole ones', () => {
    const round: Uint8Array[] = [];
    for (let k = 0; k < 12; k++) round.push(...chunk(frame(0x84, 390, k), 182), frame(0x8c, 6, k), frame(0xac, 1, k));
    expect(learnSpanningLength([values(round)])).toEqual({ offset: 1, size: 2, le: false, add: 4, anchor: null });
  });
  it('gives nothing when every value is a whole frame (that is learnLength’s case) or nothing joins up', () => {
    const whole = Array.from({ length: 30 }, (_, k) => frame(0x8c, 6 + (k % 3), k));
    expect(learnSpanningLength([values(whole)])).toBeNull();
    const noise = Array.from({ length: 60 }, (_, k) => Uint8Array.from({ length: 20 }, (_, i) => (k * 131 + i * 17) & 0xff));
    expect(learnSpanningLength([values(noise)])).toBeNull();
  });
});

describe('drawn protocols that missed before these rules', () => {
  // 44: no marker, 394-byte frames in 3 notifications with a 16-bit length (the spanning length field).
  // 277: an enum between a counter and a 16-bit number (a counter is no like number of an array).
  // 190, 253: a flags byte with a charging flag that follows the current (one flickering flag is no drifting number).
  // 131: a 0/1 switch byte in 9-byte frames beside 8-byte acks passes for the stream's length field;
  // in the 9-byte group it gives no lengths, so it is no length there.
  // 80: a constant 3-byte ack and the next 9-byte answer glued across the app's write still verify
  // (the ack sums to zero): a frame that straddles a write is not whole.
  // 14: an enum 12 ↔ 11 beside a clock's low byte reads as that clock's 16-bit value, but the
  // state recorded first holds the higher value: a count that only goes up cannot have done that.
  for (const seed of [44, 277, 190, 253, 131, 80, 14]) {
    it(`random ${seed} ranks its switch first`, async () => {
      const row = await runCase(randomCase(seed));
      expect(row.counted).toBe(true);
      expect([row.rank, row.note]).toEqual([1, '']);
    });
  }
});

describe('a frame that lost its tail does not swallow the next one', () => {
  // 7e a1 | type | length (byte 3) | payload | sum8: 24 bytes in two notifications of 20 + 4.
  const full = (k: number): Uint8Array => {
    const f = new Uint8Array(24);
    f.set([0x7e, 0xa1, 0x11, 24 - 6]);
    for (let i = 4; i < 23; i++) f[i] = (k * 13 + i) & 0xff;
    return f;
  };
  const rule = { marker: Uint8Array.of(0x7e, 0xa1), length: { offset: 3, size: 1 as const, le: false, add: 6, anchor: null }, fixed: null, request: false, gapUs: null };
  it('the same frame starting again (its own length field gives the length awaited) ends the one being built, which is left out', () => {
    const parts = [...chunk(full(1), 20), chunk(full(2), 20)[0]!, ...chunk(full(3), 20), ...chunk(full(4), 20)];
    const frames = assemble(values(parts), rule);
    expect(frames.map((f) => [f.bytes.length, f.orphan])).toEqual([[24, false], [20, true], [24, false], [24, false]]);
  });
  it('a one-byte marker inside the data stays data (a byte vouches for nothing)', () => {
    const one = { ...rule, marker: Uint8Array.of(0x7e), length: { ...rule.length, offset: 3 } };
    const parts = [...chunk(full(1), 20), chunk(full(2), 20)[0]!, ...chunk(full(3), 20)];
    expect(assemble(values(parts), one).map((f) => f.bytes.length)).toEqual([24, 44]);
  });
});

describe('a round that begins inside a frame', () => {
  it('its leading tail (shorter than a frame) counts neither for nor against a marker rule', () => {
    const frame = (k: number): Uint8Array => Uint8Array.from({ length: 40 }, (_, i) => (i === 0 ? 0xa5 : i === 1 ? 0x01 : (k * 7 + i * 3) & 0x7f));
    const round = (cut: number): StreamValue[] => {
      const parts = Array.from({ length: 8 }, (_, k) => chunk(frame(k), 20)).flat().slice(cut);
      return parts.map((bytes, i) => ({ bytes, t: i * 10_000 + Math.floor((i + cut) / 2) * 500_000, record: i + 1, afterWrite: false, request: null }));
    };
    const marker = { ...NO_RULE, marker: Uint8Array.of(0xa5, 0x01), fixed: 40 };
    expect(judgeRule([round(1), round(0)], marker).evidence.coverage).toBe(1);
  });
});

describe('a frame across an app write', () => {
  it('is not whole: a rule gluing an answer to the one after the next write loses the whole share', () => {
    const ack = Uint8Array.of(0x8f, 0x00, 0x71);
    const data = (k: number): Uint8Array => Uint8Array.of(0x19, 0x0d, k, 0x9e, 0x04, 0xfd, 0x2a, 0x55, k ^ 0x5a);
    const round: StreamValue[] = [];
    for (let k = 0; k < 12; k++) {
      round.push({ bytes: data(k), t: k * 1_000_000, record: 4 * k + 2, afterWrite: true, request: '52196b' });
      round.push({ bytes: ack, t: k * 1_000_000 + 200_000, record: 4 * k + 4, afterWrite: true, request: '4b004b' });
    }
    const glued = judgeRule([round], { ...NO_RULE, marker: ack, fixed: 12 }).evidence;
    const whole = judgeRule([round], NO_RULE).evidence;
    expect(glued.whole).toBeLessThan(0.05); // only the last ack, with no answer after it
    expect(whole.whole).toBe(1);
  });
});
