// Labels for what is not the answer (checksums, counters, length fields, parts of numbers), the
// checksum algorithms themselves, and the value search.
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { CHECKSUMS, detectChecksum } from '../src/analysis/checksums.js';
import { findValues, parseQuery } from '../src/analysis/find.js';
import { candidateTable, hexView } from '../src/analysis/view.js';
import { crc16modbus, jbdModel, rounds, synthModel, u16be, type Exchange } from './analysis-synth.js';

const check = (name: string, text: string): number => CHECKSUMS.find((c) => c.name === name)!.compute(Buffer.from(text, 'ascii'), 0, text.length);

describe('checksum algorithms (catalogue check values of "123456789")', () => {
  it.each([
    ['crc16-modbus', 0x4b37],
    ['crc16-ccitt-false', 0x29b1],
    ['crc16-xmodem', 0x31c3],
    ['crc16-kermit', 0x2189],
    ['crc16-arc', 0xbb3d],
    ['crc16-x25', 0x906e],
    ['crc8-smbus', 0xf4],
    ['crc8-itu', 0xa1],
    ['crc8-maxim', 0xa1],
    ['crc8-sae-j1850', 0x4b],
    ['crc8-autosar', 0xdf],
    ['crc8-rohc', 0xd0],
    ['crc8-dvb-s2', 0xbc],
    ['crc8-wcdma', 0x25],
  ])('%s', (name, value) => expect(check(name, '123456789')).toBe(value));

  it('finds algorithm, range and position: JBD 0x10000 − sum before the 0x77 trailer', () => {
    const frames = ['dd03001d055a00006d5e6d6000002c7c00000000000080640304030b6e0b6e0b6afaef77', 'dd0400080d660d610d680d59fe3c77', 'dd0400080d660d620d680d59fe3b77'];
    expect(detectChecksum(frames.slice(1).map((h) => Buffer.from(h, 'hex')))).toMatchObject({ algorithm: '0x10000-sum16', from: 2, fromEnd: 1, size: 2, le: false });
  });
  it('prefers the wider of two checks that verify as often: 0x10000 − sum16 over a one\'s-complement sum8 that its low byte makes 0xff', () => {
    // Random protocol 31: the high byte of 0x10000 − sum16 is 0xff, so ~sum8 of everything before it verifies too.
    const samples = ['101808000000980f0029ff', '10180800000098000038ff'].map((h) => Buffer.from(h, 'hex'));
    expect(detectChecksum(samples)).toMatchObject({ algorithm: '0x10000-sum16', from: 0, fromEnd: 0, size: 2, le: true });
  });
  it('does not invent a checksum for random bytes', () => {
    let s = 3;
    const r = (): number => ((s = (s * 1103515245 + 12345) & 0x7fffffff) >> 8) & 0xff;
    const samples = Array.from({ length: 30 }, () => Uint8Array.from({ length: 20 }, r));
    expect(detectChecksum(samples)).toBeNull();
  });
});

/** A status frame with a counter, a slowly rising u16 and a switch byte; optionally everything else static. */
function labelledModel(opts: { counter?: boolean; number?: boolean; staticData?: boolean }) {
  return (state: string, i: number, r: () => number): Exchange[] => {
    const on = state === 'on';
    const counter = opts.counter ? (on ? i : 0x80 + i) & 0xff : 0;
    // A u16 whose high byte differs between the states only because it crossed 0x0500.
    const num = opts.number ? (on ? 0x04f0 : 0x0500) + Math.floor(r() * 15) : 0x1234;
    const noise = opts.staticData ? 0x11 : Math.floor(r() * 256);
    const body = [0xaa, 0x07, counter, ...u16be(num), noise, on ? 0x04 : 0x00, 0x33];
    const crc = crc16modbus(body);
    return [{ write: { handle: 0x30, value: Uint8Array.of(0xaa, 0x07) }, notify: { handle: 0x32, values: [Uint8Array.from([...body, crc & 0xff, crc >> 8])] } }];
  };
}

describe('a header counter of one frame type', () => {
  it('labels the same byte of another type only where that byte continues the count (not a flags byte at its place)', () => {
    // Type 1 counts at byte 2; type 2 holds its flags there (the switch at bit 7, a flag that flickers at bit 1).
    const frames = (s: string, i: number, r: () => number): Uint8Array[] => [
      Uint8Array.of(0xaa, 0x01, i & 0xff, ...Array.from({ length: 6 }, () => Math.floor(r() * 256)), 0x55),
      Uint8Array.of(0xaa, 0x02, (s === 'on' ? 0x80 : 0) | 0x01 | (r() < 0.3 ? 0x02 : 0), 0x33, 0x44, 0x66),
    ];
    const res = analyze(rounds(['on', 'off'], 3, 30, synthModel(frames, { request: Uint8Array.of(0xaa, 0x00), mtu: 64 })));
    const counted = res.groups.find((g) => g.length === 10)!;
    expect(counted.labels).toContainEqual({ byte: 2, label: 'counter' });
    expect(res.candidates.find((c) => c.label === null)).toMatchObject({ byte: 2, mask: '0x80', label: null });
  });
});

describe('labels', () => {
  it('checksum bytes that differ between static states are labelled checksum and ranked after the switch', () => {
    const res = analyze(rounds(['on', 'off'], 3, 20, labelledModel({ staticData: true })));
    const g = res.groups.find((x) => x.handle === 0x32)!;
    expect(g.checksum).toBe('crc16-modbus of bytes 0..7 at byte 8 (little-endian)');
    expect(res.candidates[0]).toMatchObject({ byte: 6, mask: '0x04', label: null });
    const crcBits = res.candidates.filter((c) => c.byte >= 8);
    expect(crcBits.length).toBeGreaterThan(0);
    expect(crcBits.every((c) => c.label === 'checksum')).toBe(true);
    expect(res.candidates.indexOf(crcBits[0]!)).toBeGreaterThan(0);
  });
  it('a counter whose top bit differs between the states is labelled counter', () => {
    const res = analyze(rounds(['on', 'off'], 3, 40, labelledModel({ counter: true })));
    const c = res.candidates.find((x) => x.byte === 2)!;
    expect(c).toMatchObject({ mask: '0x80', label: 'counter' });
    expect(res.candidates.find((x) => x.label === null)).toMatchObject({ byte: 6, mask: '0x04' });
  });
  it('the high byte of a number that crossed 0x0500 is labelled number', () => {
    const res = analyze(rounds(['on', 'off'], 3, 40, labelledModel({ number: true })));
    const c = res.candidates.find((x) => x.byte === 3)!;
    // 0x04 → 0x05: one bit of the high byte, explained by the low byte's carry.
    expect(c).toMatchObject({ kind: 'bit', mask: '0x01', values: { on: 0, off: 1 }, label: 'number' });
    expect(res.candidates.find((x) => x.label === null)).toMatchObject({ byte: 6, mask: '0x04' });
  });
  it('a 0/1 switch byte next to a noisy byte is not taken for the upper part of a number', () => {
    const model = (state: string, i: number, r: () => number): Exchange[] => [
      { write: null, notify: { handle: 0x40, values: [Uint8Array.of(0x5b, 0x02, Math.floor(r() * 256), state === 'on' ? 1 : 0, Math.floor(r() * 256), 0x10)] } },
    ];
    const res = analyze(rounds(['on', 'off'], 3, 30, model));
    expect(res.candidates[0]).toMatchObject({ byte: 3, bit: 0, mask: '0x01', label: null });
  });
  it('bits of random-looking bytes that are constant by chance in few messages are labelled chance', () => {
    const model = (state: string, i: number, r: () => number): Exchange[] => [
      { write: null, notify: { handle: 0x40, values: [Uint8Array.of(0xaa, 0x55, ...Array.from({ length: 40 }, () => Math.floor(r() * 256)), state === 'on' ? 1 : 0)] } },
    ];
    const res = analyze(rounds(['on', 'off'], 2, 2, model, 5));
    expect(res.candidates.filter((c) => c.label === null).map((c) => c.byte)).toEqual([42]);
    const random = res.candidates.filter((c) => c.byte >= 2 && c.byte < 42);
    expect(random.length).toBeGreaterThan(0);
    expect(random.every((c) => c.label === 'chance')).toBe(true);
  });
  it('a drifting byte (0xc9/0xca, later 0xcc/0xcd) is a number; a flag with a flickering lower bit is not', () => {
    const model = (state: string, i: number, r: () => number): Exchange[] => {
      const temp = (state === 'on' ? 0xc9 : 0xcc) + (r() < 0.5 ? 1 : 0);
      const fet = (state === 'on' ? 0x02 : 0x00) | (r() < 0.5 ? 1 : 0);
      return [{ write: null, notify: { handle: 0x40, values: [Uint8Array.of(0x5b, 0x03, 0x0b, temp, 0x64, fet, 0x04)] } }];
    };
    const res = analyze(rounds(['on', 'off'], 3, 30, model));
    expect(res.candidates.find((c) => c.byte === 3)).toMatchObject({ label: 'number' });
    expect(res.candidates[0]).toMatchObject({ byte: 5, bit: 1, mask: '0x02', label: null });
  });
  it('a flag byte whose other flag (above it) flickers more often in one state is not a number', () => {
    // Balancing (bit 2) happens mostly while discharging: the byte's distribution shifts with the
    // state, but no bit below the MOSFET flag moves, so nothing carries as in a number.
    const model = (state: string, i: number, r: () => number): Exchange[] => {
      const bal = r() < (state === 'on' ? 0.7 : 0.05) ? 0x04 : 0;
      return [{ write: null, notify: { handle: 0x40, values: [Uint8Array.of(0x01, 0x03, 0x14, 0x01 | (state === 'on' ? 0x02 : 0) | bal, 0x00, Math.floor(r() * 256), 0x10)] } }];
    };
    const res = analyze(rounds(['on', 'off'], 3, 30, model));
    expect(res.candidates[0]).toMatchObject({ byte: 3, bit: 1, mask: '0x02', label: null });
    expect(res.candidates[0]!.why).toContain('higher bits of the byte vary (other flags)');
  });
  it('the low byte of a number that ticked over between the recordings (0x51 → 0x52) ranks below a flag', () => {
    const model = (state: string, i: number, r: () => number): Exchange[] => {
      const soc = state === 'on' ? 0x51 : 0x52;
      const flags = 0x01 | (state === 'on' ? 0x02 : 0) | (r() < 0.5 ? 0x04 : 0);
      return [{ write: null, notify: { handle: 0x40, values: [Uint8Array.of(0x01, 0x03, flags, 0x00, 0x03, soc, Math.floor(r() * 256), 0x10)] } }];
    };
    const res = analyze(rounds(['on', 'off'], 2, 10, model));
    const top = res.candidates.filter((c) => c.label === null);
    expect(top.map((c) => c.byte)).toEqual([2, 5]);
    expect(top[1]!.why).toContain('values a step apart, with a carry (a number that ticked over?)');
  });
  it('an uptime counter that steps by 0 or 1 per frame (always upwards) is a counter, a voltage that wanders is not', () => {
    const model = (state: string, i: number, r: () => number): Exchange[] => {
      const up = (Math.floor(i * 0.6) + (state === 'on' ? 0x40 : 0xc0)) & 0xff;
      return [{ write: null, notify: { handle: 0x40, values: [Uint8Array.of(0x5b, 0x04, up, 0x80 + Math.floor(r() * 5), state === 'on' ? 1 : 0, 0x10)] } }];
    };
    const res = analyze(rounds(['on', 'off'], 3, 30, model));
    const g = res.groups[0]!;
    expect(g.labels).toContainEqual({ byte: 2, label: 'counter' });
    expect(g.labels.some((l) => l.byte === 3)).toBe(false);
    expect(res.candidates[0]).toMatchObject({ byte: 4, label: null });
  });
  it('the length byte found by framing is labelled length', () => {
    const res = analyze(rounds(['on', 'off'], 3, 20, jbdModel((s) => s === 'on')));
    const g = res.groups.find((x) => x.prefix.startsWith('dd03'))!;
    expect(g.labels).toContainEqual({ byte: 3, label: 'length' });
    expect(g.labels).toContainEqual({ byte: 33, label: 'checksum' });
  });
});

describe('three states', () => {
  it('reports the bits that separate them, with the value in each state', () => {
    const model = (state: string, i: number, r: () => number): Exchange[] => {
      const mode = { off: 0, on: 1, auto: 3 }[state as 'off' | 'on' | 'auto'];
      return [{ write: null, notify: { handle: 0x40, values: [Uint8Array.of(0x5b, 0x01, Math.floor(r() * 256), mode, 0x10)] } }];
    };
    const res = analyze(rounds(['off', 'on', 'auto'], 2, 20, model));
    const c = res.candidates.filter((x) => x.label === null);
    expect(c[0]).toMatchObject({ byte: 3, kind: 'byte', values: { off: 0, on: 1, auto: 3 } });
  });
});

describe('three states, one where the bit is not constant', () => {
  it('keeps a bit that separates two of the states and says where it is not constant', () => {
    const model = (state: string, i: number, r: () => number): Exchange[] => {
      const bit = state === 'on' ? 1 : state === 'off' ? 0 : r() < 0.5 ? 1 : 0;
      return [{ write: null, notify: { handle: 0x40, values: [Uint8Array.of(0x5b, 0x01, Math.floor(r() * 256), bit << 2, 0x10)] } }];
    };
    const res = analyze(rounds(['on', 'off', 'auto'], 2, 30, model));
    const c = res.candidates.find((x) => x.label === null)!;
    expect(c).toMatchObject({ byte: 3, bit: 2, mask: '0x04', values: { on: 1, off: 0, auto: -1 } });
    expect(c.why).toContain('not constant in auto');
  });
});

describe('value search', () => {
  it('finds 13.3 V as u16 big-endian ÷100 at byte 4 of the JBD frame', () => {
    // The JBD model's voltage is 13.28–13.32 V in 10 mV units.
    const res = analyze(rounds(['on', 'off'], 2, 10, jbdModel((s) => s === 'on')), { find: ['13.3V'] });
    const f = res.findings.find((x) => x.encoding === 'u16be' && x.offset === 4);
    expect(f).toBeDefined();
    expect(f!.scale).toBe(100);
    expect(f!.matches).toBe(f!.of);
  });
  it('parses units and rejects words', () => {
    expect(parseQuery('13.28V')).toMatchObject({ value: 13.28, tolerance: 0.005 });
    expect(parseQuery('80%')).toMatchObject({ value: 80, tolerance: 0 });
    expect(parseQuery('-2,5A')).toMatchObject({ value: -2.5 });
    expect(() => parseQuery('twelve')).toThrow(/not a number/);
  });
  it('knows Daly current (30000 + 10·A), 0.1 K temperatures, BCD, float and ASCII', () => {
    const msg = Uint8Array.from([0x75, 0x44, 0x0b, 0x9f, 0x12, 0x34, ...Buffer.from(Float32Array.of(3.5).buffer), ...Buffer.from('V=13.28')]);
    const groups = [{ id: 'g1', messages: [{ state: 'on', round: 0, handle: 1, dir: 'device-to-app' as const, bytes: msg, t: null, record: 1, parts: 1, request: null, orphan: false }] }];
    const at = (q: string) => findValues([parseQuery(q)], groups, 50);
    expect(at('2.0A')).toContainEqual(expect.objectContaining({ offset: 0, encoding: 'u16be', scale: 10, add: 30000 }));
    expect(at('24.4C')).toContainEqual(expect.objectContaining({ offset: 2, encoding: 'u16be', scale: 10, add: 2731 }));
    expect(at('1234')).toContainEqual(expect.objectContaining({ offset: 4, encoding: 'bcd16' }));
    expect(at('3.5')).toContainEqual(expect.objectContaining({ offset: 6, encoding: 'f32le' }));
    expect(at('13.28V')).toContainEqual(expect.objectContaining({ offset: 12, encoding: 'ascii' }));
  });
});

describe('views', () => {
  it('marks the candidate bits in the hex view and lays out the table', () => {
    const res = analyze(rounds(['on', 'off'], 3, 20, jbdModel((s) => s === 'on')));
    const g = res.groups.find((x) => x.id === res.candidates[0]!.group)!;
    const lines = hexView(g, res.candidates);
    const seg = lines.flatMap((l) => l.segments).find((s) => s.byte === 24)!;
    expect(seg).toMatchObject({ mask: 0x02, rank: 1 });
    const table = candidateTable(res, 200, 20, 0).flat();
    expect(table[0]).toMatch(/^#\s+group\s+byte\s+bit\s+mask\s+on\s+off\s+support\s+agreement\s+label\s+score$/);
    expect(table[1]).toMatch(/^1\s+g\d+\s+24\s+1\s+0x02\s+1\s+0\s/);
  });
});
