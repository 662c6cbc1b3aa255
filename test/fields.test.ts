// `fields`: the shown-value grammar, the search on generated frames (where the truth is known), and the command.
import { describe, expect, it } from 'vitest';
import { findReadings } from '../src/analysis/fields.js';
import { findFields } from '../src/analysis/readings.js';
import { checkShownRounds, parseRoundArg, parseShownValue, parseShownValues } from '../src/analysis/shown.js';
import type { Round } from '../src/model.js';
import { buildRound, rng, split, u16be, type Exchange } from './analysis-synth.js';
import { runCli } from './helpers/cli.js';

describe('shown values', () => {
  it('reads numbers with units, names and the precision shown', () => {
    expect(parseShownValues('13.28V 80% -2.5A 21.3C')).toMatchObject([
      { value: 13.28, unit: 'V', quantity: 'voltage', decimals: 2, tolerance: 0.005 },
      { value: 80, unit: '%', quantity: 'percent', decimals: 0, tolerance: 0.5 },
      { value: -2.5, unit: 'A', quantity: 'current' },
      { value: 21.3, unit: '°C', quantity: 'temperature' },
    ]);
    expect(parseShownValue('soc=80%')).toMatchObject({ name: 'soc', value: 80 });
    expect(parseShownValues('3.312 V 21,5°C 120mAh 5')).toMatchObject([
      { value: 3.312, unit: 'V' },
      { value: 21.5, unit: '°C' },
      { value: 120, unit: 'mAh', quantity: 'capacity' },
      { value: 5, unit: '', quantity: 'number' },
    ]);
  });
  it('refuses words and unknown units in one sentence naming the value', () => {
    expect(() => parseShownValues('13.28V twelve', 'round 2')).toThrow(/value 2 of round 2 'twelve' is not a number/);
    expect(() => parseShownValue('13.28Q')).toThrow(/unit 'Q', which is not known; use V, mV/);
  });
  it('checks that the i-th value of every round is the same reading', () => {
    expect(() => checkShownRounds([parseShownValues('13.28V 80%'), parseShownValues('13.3V')])).toThrow(/round 2 gives 1 value but round 1 gives 2/);
    expect(() => checkShownRounds([parseShownValues('13.28V 80%'), parseShownValues('80% 13.3V')])).toThrow(/value 1 of round 2 \('80%'\) is in '%'/);
    expect(() => checkShownRounds([parseShownValues('13.28V'), [], parseShownValues('13.3V')])).not.toThrow();
  });
  it('splits a --round argument at the first =', () => {
    expect(parseRoundArg('a.btsnoop@#1..#5=soc=80% 13.2V', 0)).toMatchObject({ file: 'a.btsnoop@#1..#5', shown: [{ name: 'soc' }, { unit: 'V' }] });
    expect(parseRoundArg('a.btsnoop', 0).shown).toEqual([]);
  });
});

/**
 * A BMS nobody documented: status frame aa 55 | counter | pack mV (u16 le) | current 0.01 A (i16 be) |
 * 0x00 | SoC (u8) | temperature (u8, +40 °C) | 8 cells (u16 le, mV) | xor8 | 0d. The values drift a little
 * inside a round, as a live battery's do.
 */
function model(base: { mv: number; ca: number; soc: number; t: number; cells: number[] }) {
  return (_s: string, i: number, r: () => number): Exchange[] => {
    const jitter = Math.floor(r() * 3) - 1;
    const cells = base.cells.map((c) => c + (i % 2) * jitter);
    const mv = cells.reduce((a, b) => a + b, 0);
    const le = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
    const body = [0xaa, 0x55, i & 0xff, ...le(mv), ...u16be((base.ca + jitter) & 0xffff), 0x00, base.soc, base.t + 40, ...cells.flatMap(le)];
    const x = body.reduce((a, b) => a ^ b, 0);
    return [{ write: null, notify: { handle: 0x21, values: split(Uint8Array.from([...body, x, 0x0d]), [20]) } }];
  };
}

const ROUNDS = [
  { mv: 0, ca: -250, soc: 80, t: 21, cells: [3301, 3305, 3299, 3310, 3302, 3300, 3306, 3304] },
  { mv: 0, ca: 310, soc: 81, t: 22, cells: [3320, 3322, 3318, 3325, 3321, 3319, 3324, 3323] },
  { mv: 0, ca: -120, soc: 79, t: 21, cells: [3290, 3291, 3288, 3295, 3292, 3289, 3294, 3293] },
];

function shownFor(b: (typeof ROUNDS)[number]): string {
  const v = b.cells.reduce((a, c) => a + c, 0) / 1000;
  return `${v.toFixed(1)}V soc=${b.soc}% ${(b.ca / 100).toFixed(1)}A ${b.t}C`;
}

function generated(): { rounds: Round[]; shown: ReturnType<typeof parseShownValues>[] } {
  const rounds = ROUNDS.map((b, i) => buildRound(`round${i + 1}`, 1, 40, model(b), 7 + i));
  return { rounds, shown: ROUNDS.map((b) => parseShownValues(shownFor(b))) };
}

describe('fields on generated frames', () => {
  const { rounds, shown } = generated();
  const res = findFields(rounds, shown);
  const top = (k: number) => res.readings[k]!.candidates[0]!;
  it('puts the true field first for voltage, SoC, both signs of current and an offset temperature', () => {
    expect(top(0)).toMatchObject({ offset: 3, size: 2, type: 'u16', endian: 'le', scale: 0.001, add: 0, rounds: 3 });
    expect(top(1)).toMatchObject({ offset: 8, size: 1, type: 'u8', scale: 1, add: 0, rounds: 3 });
    expect(top(2)).toMatchObject({ offset: 5, size: 2, type: 'i16', endian: 'be', scale: 0.01, add: 0, rounds: 3 });
    expect(top(3)).toMatchObject({ offset: 9, size: 1, type: 'u8', scale: 1, add: -40, rounds: 3 });
    expect(res.readings[1]!.name).toBe('soc');
    expect(top(2).decoded).toEqual([expect.closeTo(-2.5, 1), expect.closeTo(3.1, 1), expect.closeTo(-1.2, 1)]);
  });
  it('gives the JSON shape of the issue', () => {
    const r = res.readings[1]!;
    expect(r).toMatchObject({ name: 'soc', shown: ['80%', '81%', '79%'], unit: '%' });
    expect(Object.keys(top(1))).toEqual(expect.arrayContaining(['group', 'prefix', 'handle', 'offset', 'size', 'type', 'endian', 'scale', 'add', 'rounds', 'score', 'decoded']));
    expect(top(1)).toMatchObject({ handle: 0x21, decoded: [80, 81, 79] });
    expect(top(1).prefix.startsWith('aa55')).toBe(true);
    expect(res.groups.length).toBeGreaterThan(0);
  });
  it('finds the cell array whose sum is the pack voltage', () => {
    expect(res.cells[0]).toMatchObject({ offset: 10, count: 8, type: 'u16', endian: 'le', scale: 0.001, unit: 'V', rounds: 3 });
    expect(res.cells[0]!.decoded[0]![0]).toBeCloseTo(3.301, 2);
  });
  it('lists no field for a value that is not in the frames', () => {
    const wrong = findFields(rounds, [parseShownValues('47.11V'), parseShownValues('12.34V'), parseShownValues('98.76V')]);
    expect(wrong.readings[0]!.candidates).toEqual([]);
    expect(wrong.notes[0]).toMatchObject({ code: 'reading-not-found', reading: 0 });
  });
  it('does not list chance hits of a one-byte value in a single frame of random bytes', () => {
    // 600 random bytes hold "37" a couple of times by chance: with nothing else to go on, no field is claimed.
    const r = rng(3);
    const noise = (): Exchange[] => [{ write: null, notify: { handle: 0x21, values: [Uint8Array.from({ length: 600 }, () => Math.floor(r() * 256))] } }];
    const one = [buildRound('round1', 1, 1, noise, 5)];
    expect(findFields(one, [parseShownValues('37')]).readings[0]!.candidates).toEqual([]);
  });
});

describe('fields in ASCII hex text', () => {
  // Meritsun-like frames: the frame is text, each byte two hex digits, numbers least significant byte
  // first ("8136 0000" = 0x3681 = 13.953 V in mV), SoC as two digits; a text counter in front.
  const frame = (i: number, mv: number, soc: number): Uint8Array => {
    const le32 = (v: number) => Buffer.from(Uint32Array.of(v).buffer).toString('hex').toUpperCase();
    return Buffer.from(`${(i % 256).toString(16).padStart(2, '0').toUpperCase()}${le32(mv)}00${soc.toString(16).padStart(2, '0').toUpperCase()}0C0C`, 'latin1');
  };
  it('reads the little-endian digit pairs as the number', () => {
    const messages = [13953, 13210].flatMap((mv, round) =>
      Array.from({ length: 6 }, (_, i) => ({ state: 'all', round, handle: 1, dir: 'device-to-app' as const, bytes: frame(i, mv + (i % 2), round ? 64 : 71), t: null, record: i + 1, parts: 1, request: null, orphan: false })),
    );
    const res = findReadings([{ id: 'g1', handle: 1, dir: 'device-to-app', prefix: '', messages }], [parseShownValues('13.95V soc=71%'), parseShownValues('13.21V soc=100%').slice(0, 1).concat(parseShownValues('soc=64%'))]);
    // "8136" and "81360000" read the same: the zero digits add no evidence, so the narrower stands.
    expect(res[0]!.candidates[0]).toMatchObject({ offset: 2, size: 4, type: 'ascii-hex', endian: 'le', scale: 0.001 });
    expect(res[1]!.candidates[0]).toMatchObject({ offset: 12, size: 2, type: 'ascii-hex', scale: 1 });
  });
});

describe('bms-wizard fields', () => {
  it('explains itself and refuses bad input with exit code 2', async () => {
    const help = await runCli(['fields', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--round FILE=VALUES/);
    const none = await runCli(['fields']);
    expect([none.code, none.err]).toEqual([2, expect.stringMatching(/no rounds given/)]);
    const bad = await runCli(['fields', '--round', 'x.btsnoop=13.2Q']);
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/unit 'Q'/)]);
    // A control character typed or pasted into a value is shown, never sent to the terminal.
    const esc = await runCli(['fields', '--round', 'x.btsnoop=13.2V \x1b]52;c;aGk=\x07']);
    expect(esc.code).toBe(2);
    expect(esc.err).toContain('\\x1b]52');
    expect(esc.err).not.toMatch(/[\x00-\x08\x1b\x7f]/);
  });
});
