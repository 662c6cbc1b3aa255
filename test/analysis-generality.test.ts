// Generality: protocol shapes that none of the simulator's families has (ASCII-hex framing, 16-bit
// length fields at other offsets, a CRC at the start, enums, bit 7, three states, several frames
// per notification, frame types in rotation, random MTU cuts, lost and repeated notifications).
// The engine knows none of them; the true switch must rank first among the unlabelled candidates.
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import type { AnalysisResult } from '../src/analysis/types.js';
import { asciiHexFrame, crc16modbus, lengthFrame, rounds, statusData, synthModel, u16be, type SynthTransport, type SynthTruth } from './analysis-synth.js';

type FrameFn = (state: string, i: number, r: () => number) => Uint8Array[];
const on = (s: string): boolean => s === 'on';
const rand = (r: () => number, n: number): number[] => Array.from({ length: n }, () => Math.floor(r() * 256));

function best(res: AnalysisResult) {
  const c = res.candidates.find((x) => x.label === null);
  return c ? { byte: c.byte, mask: parseInt(c.mask, 16), values: c.values, kind: c.kind } : null;
}

/** The true byte ranks first for three seeds, and with few short rounds (2 × 6 exchanges); returns the first result. */
function check(frames: FrameFn, t: SynthTransport, truth: SynthTruth, states = ['on', 'off']): AnalysisResult {
  const runs = [
    [3, 40, 1],
    [3, 40, 2],
    [3, 40, 3],
    [2, 6, 4],
  ].map(([perState, count, seed]) => {
    const res = analyze(rounds(states, perState!, count!, synthModel(frames, t), seed));
    const top = best(res);
    const groups = res.groups.map((g) => `${g.key} len ${g.length} ${g.frames}`).join('; ');
    const where = `seed ${seed}, ${perState} × ${count}: ${JSON.stringify(top)} in ${groups}`;
    expect(top, where).not.toBeNull();
    expect({ byte: top!.byte, hit: (top!.mask & truth.mask) !== 0 }, where).toEqual({ byte: truth.byte, hit: true });
    return res;
  });
  return runs[0]!;
}

// Seplos/Pace: '~' + ASCII hex + checksum + '\r'; the flag byte 0x01/0x00 is the hex digit '1'/'0'.
const seplos: FrameFn = (s, i, r) => [asciiHexFrame([0x20, 0x00, 0x46, 0x00, ...statusData(i, r, [on(s) ? 0x01 : 0x00])])];
const SEPLOS_REQUEST = Uint8Array.from(Buffer.from('~20004642E00200FD37\r', 'latin1'));

describe('ASCII-hex framed protocols', () => {
  it('Seplos-style "~…\\r" frames cut at 20 bytes: the low hex digit of the flag byte', () => {
    // body index 16 → characters 33 (high digit) and 34 (low digit) after the '~'.
    check(seplos, { request: SEPLOS_REQUEST, mtu: 20 }, { byte: 34, mask: 0x01 });
  });
  it('Seplos-style frames streamed without requests, cut at random sizes', () => {
    check(seplos, { request: null, mtu: [8, 20] }, { byte: 34, mask: 0x01 });
  });
  it('Meritsun-style ASCII hex notifications without start or end characters', () => {
    const f: FrameFn = (s, i, r) => [Uint8Array.from(Buffer.from([0x50, 0x00, ...statusData(i, r, [on(s) ? 0x01 : 0x00])].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(''), 'latin1'))];
    check(f, { request: null, mtu: [12, 18] }, { byte: 29, mask: 0x01 });
  });
});

// Two frame types of different lengths behind one marker, a 16-bit length field at `at` (the
// cell frame is longer than 255 bytes, so the field's upper byte matters).
function lengthTypes(at: number, le: boolean): FrameFn {
  return (s, i, r) => [
    lengthFrame([0xa5, 0x5a], 0, [0x01, ...statusData(i, r, [on(s) ? 0x04 : 0x00])], at, le),
    lengthFrame([0xa5, 0x5a], 0, [0x02, ...Array.from({ length: 150 }, () => u16be(3290 + Math.floor(r() * 20))).flat()], at, le),
  ];
}

describe('16-bit length fields at various offsets, both byte orders', () => {
  for (const at of [2, 3, 4, 5]) {
    for (const le of [true, false]) {
      it(`length at ${at} (${le ? 'little' : 'big'}-endian), frames cut at 20 bytes`, () => {
        const res = check(lengthTypes(at, le), { request: Uint8Array.of(0xa5, 0x5a, 0x00), mtu: 20 }, { byte: at + 2 + 1 + 12, mask: 0x04 });
        const g = res.groups.find((x) => x.id === res.candidates[0]!.group)!;
        expect([g.length, g.frames]).toEqual([at + 2 + 17 + 2, expect.stringContaining(`length@${at}..${at + 1}${le ? 'le' : 'be'}+0`)]);
        expect(res.groups.some((x) => x.length === at + 2 + 301 + 2 && x.lengths.min === x.length)).toBe(true);
      });
    }
  }
  it('length field with notifications of random sizes (5–23 bytes)', () => {
    check(lengthTypes(3, true), { request: null, mtu: [5, 23] }, { byte: 3 + 2 + 1 + 12, mask: 0x04 });
  });
});

describe('where and how the state is stored', () => {
  it('CRC at the start of the frame (marker, CRC-16, type, length, data)', () => {
    const f: FrameFn = (s, i, r) => {
      const rest = [0x01, 18, ...statusData(i, r, [on(s) ? 0x01 : 0x00])];
      const c = crc16modbus(rest);
      return [Uint8Array.from([0x3c, c >> 8, c & 0xff, ...rest])];
    };
    check(f, { request: null, mtu: 20 }, { byte: 5 + 12, mask: 0x01 });
  });
  it('a whole-byte enum 0x01 ↔ 0x0f is one finding', () => {
    const f: FrameFn = (s, i, r) => [Uint8Array.from([0xdb, 0x01, ...statusData(i, r, [on(s) ? 0x01 : 0x0f])])];
    const res = check(f, { request: Uint8Array.of(0xdb, 0x01), mtu: 64 }, { byte: 14, mask: 0x0e });
    expect(res.candidates[0]).toMatchObject({ kind: 'byte', values: { on: 0x01, off: 0x0f } });
  });
  it('the state in bit 7 of a flag byte whose bit 2 flickers', () => {
    const f: FrameFn = (s, i, r) => [Uint8Array.from([0xdb, 0x02, ...statusData(i, r, [(on(s) ? 0x80 : 0) | (r() < 0.5 ? 0x04 : 0) | 0x01])])];
    check(f, { request: Uint8Array.of(0xdb, 0x02), mtu: 64 }, { byte: 14, mask: 0x80 });
  });
  it('three states (off/on/auto) in one byte', () => {
    const f: FrameFn = (s, i, r) => [Uint8Array.from([0xdb, 0x03, ...statusData(i, r, [{ off: 0, on: 1, auto: 2 }[s]!, 0x00])])];
    const res = check(f, { request: Uint8Array.of(0xdb, 0x03), mtu: 64 }, { byte: 14, mask: 0x03 }, ['off', 'on', 'auto']);
    expect(res.candidates[0]!.values).toEqual({ off: 0, on: 1, auto: 2 });
  });
});

// NEEY/JK-like frames: 'NW' + type + length + data + sum8.
function nw(type: number, data: number[]): Uint8Array {
  const f = [0x4e, 0x57, type, data.length + 5, ...data];
  return Uint8Array.from([...f, f.reduce((a, b) => a + b, 0) & 0xff]);
}

describe('transport', () => {
  const three: FrameFn = (s, i, r) => [nw(0x01, statusData(i, r, [on(s) ? 0x02 : 0x00])), nw(0x02, rand(r, 12)), nw(0x03, [0x00, 0x01, 0x02, 0x03])];
  it('several frames per notification', () => {
    check(three, { request: Uint8Array.of(0x4e, 0x57, 0x00), mtu: 244, pack: true }, { byte: 4 + 12, mask: 0x02 });
  });
  it('frame types streamed in rotation without requests, no length field', () => {
    const f: FrameFn = (s, i, r) => {
      const k = i % 3;
      const data = k === 0 ? statusData(i, r, [on(s) ? 0x01 : 0x00]) : k === 1 ? rand(r, 30) : [0x11, 0x22, ...rand(r, 6)];
      return [Uint8Array.from([0xeb, 0x90, 0x10 + k, ...data, 0x0d, 0x0a])];
    };
    check(f, { request: null, mtu: 20 }, { byte: 3 + 12, mask: 0x01 });
  });
  it('lost notifications (a frame missing a piece)', () => {
    check(lengthTypes(2, false), { request: Uint8Array.of(0xa5, 0x5a, 0x00), mtu: 20, loss: 0.04 }, { byte: 2 + 2 + 1 + 12, mask: 0x04 });
  });
  it('noisy duplicate notifications', () => {
    check(lengthTypes(4, true), { request: null, mtu: 20, dup: 0.1 }, { byte: 4 + 2 + 1 + 12, mask: 0x04 });
  });
  it('several frames per notification cut at random sizes', () => {
    check(three, { request: null, mtu: [10, 30], pack: true }, { byte: 4 + 12, mask: 0x02 });
  });
});

describe('frames without marker or length field', () => {
  it('bursts of notifications separated by silence are joined by the pause (gap)', () => {
    // First byte a counter, no length field, no request: only the time between values tells frames apart.
    const f: FrameFn = (s, i, r) => [Uint8Array.from([i & 0xff, ...rand(r, 3), ...statusData(i, r, [on(s) ? 0x08 : 0x00]), ...rand(r, 23), 0x55])];
    const res = check(f, { request: null, mtu: 20 }, { byte: 4 + 12, mask: 0x08 });
    const g = res.groups.find((x) => x.id === res.candidates[0]!.group)!;
    expect([g.length, g.frames]).toEqual([44, expect.stringMatching(/^gap:\d+/)]);
  });
});

describe('answers to the switch command itself', () => {
  it('a "set" command with the new value (one request per state) is answered by an ack carrying it; the acks are compared', () => {
    // The app polls a status frame (flag absent) and, once per round, writes 5a 10 00 07 00 0V; the
    // device acknowledges with 5a 90 00 07 00 0V and a sum8. The request differs between the states.
    const model = (state: string, i: number, r: () => number) => {
      const poll = { write: { handle: 0x30, value: Uint8Array.of(0x5a, 0x01, 0x00) }, notify: { handle: 0x31, values: [Uint8Array.from([0x5a, 0x81, ...statusData(i, r, [0x00])])] } };
      if (i % 10 !== 0) return [poll];
      const v = on(state) ? 1 : 0;
      const ack = [0x5a, 0x90, 0x00, 0x07, 0x00, v];
      return [poll, { write: { handle: 0x30, value: Uint8Array.of(0x5a, 0x10, 0x00, 0x07, 0x00, v) }, notify: { handle: 0x31, values: [Uint8Array.from([...ack, ack.reduce((a, b) => a + b, 0) & 0xff])] } }];
    };
    const res = analyze(rounds(['on', 'off'], 3, 30, model));
    const best = res.candidates.find((c) => c.label === null)!;
    expect(best).toMatchObject({ byte: 5, mask: '0x01', values: { on: 1, off: 0 } });
    const g = res.groups.find((x) => x.id === best.group)!;
    expect([g.handle, g.dir, g.key]).toEqual([0x31, 'device-to-app', expect.stringMatching(/per state/)]);
  });
});
