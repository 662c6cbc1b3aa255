// Ranking by evidence: numbers that step a little between the states rank below enums and flags,
// and bits that always change together are one finding.
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import type { AnalysisResult } from '../src/analysis/types.js';
import { PLAIN_WORDS, wordNote } from '../src/analysis/wording.js';
import { buildRound, rounds, synthModel } from './analysis-synth.js';
import type { Round } from '../src/model.js';

type FrameFn = (state: string, i: number, r: () => number) => Uint8Array[];
const on = (s: string): boolean => s === 'on';
const u16 = (v: number, le: boolean): number[] => (le ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
function f32(v: number, le: boolean): number[] {
  const b = Buffer.alloc(4);
  if (le) b.writeFloatLE(v);
  else b.writeFloatBE(v);
  return [...b];
}

/** Cells that held their voltage during every round: constant within each state, two of them 1–2 mV apart between the states. */
function cellFrame(le: boolean): FrameFn {
  return (s, i) => {
    const cells = [3301, 3305, 3299, 3302, 3300, 3304, 3298, 3303].map((v, k) => (k === 2 && on(s) ? v + 1 : k === 5 && on(s) ? v - 2 : v));
    return [Uint8Array.from([0xdd, 0x04, ...cells.flatMap((v) => u16(v, le)), on(s) ? 0x01 : 0x0f, 0x00, i & 0xff, 0x77])];
  };
}

function run(frames: FrameFn, states = ['on', 'off']): AnalysisResult {
  return analyze(rounds(states, 3, 30, synthModel(frames, { request: Uint8Array.of(0xdd, 0x04), mtu: 64 }), 5));
}

describe('numbers that step a little between the states', () => {
  for (const le of [true, false]) {
    it(`16-bit cells (${le ? 'little' : 'big'}-endian) constant within each state rank below a whole-byte enum`, () => {
      const res = run(cellFrame(le));
      const top = res.candidates.find((c) => c.label === null)!;
      expect(top).toMatchObject({ byte: 18, kind: 'byte', values: { on: 0x01, off: 0x0f } });
      // The low bytes of cells 2 and 5 differ between the states: parts of numbers.
      const lowOf = (k: number): number => 2 + 2 * k + (le ? 0 : 1);
      for (const k of [2, 5]) {
        const c = res.candidates.find((x) => x.byte === lowOf(k));
        expect(c, `cell ${k}`).toBeDefined();
        expect(c!.label, `cell ${k}`).toBe('number');
      }
    });
  }

  it('the low mantissa bytes of floats that differ by a small step are parts of numbers', () => {
    const f: FrameFn = (s, i) => {
      const volts = [13.28, 13.31, 13.3, 13.27].map((v, k) => (k === 1 && on(s) ? v + 0.0001 : v));
      return [Uint8Array.from([0xdd, 0x05, ...volts.flatMap((v) => f32(v, true)), on(s) ? 0x04 : 0x00, i & 0xff])];
    };
    const res = run(f);
    expect(res.candidates.find((c) => c.label === null)).toMatchObject({ byte: 18, mask: '0x04' });
    const float = res.candidates.filter((c) => c.byte >= 6 && c.byte < 9);
    expect(float.length).toBeGreaterThan(0);
    expect(float.every((c) => c.label === 'number')).toBe(true);
  });

  it('a flag bit in a 16-bit word among cells stays a candidate (a big step, not a number moving)', () => {
    const f: FrameFn = (s, i) => {
      const words = [3301, 3305, on(s) ? 0x0001 : 0x0000, 3302, 3300];
      return [Uint8Array.from([0xdd, 0x06, ...words.flatMap((v) => u16(v, true)), i & 0xff])];
    };
    const res = run(f);
    expect(res.candidates.find((c) => c.label === null)).toMatchObject({ byte: 6, mask: '0x01', label: null });
  });
});

describe('the sign of a number that follows the state', () => {
  it('the 0xff / 0x00 upper bytes of a current that is negative in one state only are parts of a number', () => {
    const f: FrameFn = (s, i, r) => {
      const ma = on(s) ? -120 + Math.floor(r() * 100) : 20 + Math.floor(r() * 100);
      const b = Buffer.alloc(4);
      b.writeInt32LE(ma);
      return [Uint8Array.from([0xdd, 0x08, ...b, on(s) ? 0x01 : 0x00, 0x33, i & 0xff, 0x77])];
    };
    const res = run(f);
    expect(res.candidates.find((c) => c.label === null)).toMatchObject({ byte: 6, mask: '0x01' });
    for (const byte of [3, 4, 5]) expect(res.candidates.find((c) => c.byte === byte)?.label, `byte ${byte}`).toBe('number');
  });
});

describe('other bits of a flags byte', () => {
  /** A flags byte: the switch at bit 7, a constant flag at bit 0 and one that flickers with the current (bit 1), or bit 0 flickering as a number's low end does. */
  const flags = (moving: number): FrameFn => (s, i, r) => [Uint8Array.from([0xdd, 0x07, (on(s) ? 0x80 : 0) | (moving === 1 ? 0 : 0x01) | (r() < 0.5 ? moving : 0), 0x33, i & 0xff])];
  const switchBit = (res: AnalysisResult) => res.candidates.find((c) => c.byte === 2 && c.mask === '0x80')!;

  it('one flickering bit above bit 0 is another flag (charging), not the low end of a number', () => {
    const flag = switchBit(run(flags(0x02)));
    const number = switchBit(run(flags(0x01)));
    expect(flag.why).toContain('a lower bit of the byte varies (another flag)');
    expect(number.why).toContain('lower bits of the byte vary (a number?)');
    expect(flag.score).toBeGreaterThan(number.score);
  });
});

describe('bits that always change together', () => {
  it('are one finding that names the others, with a note that a third state can separate them', () => {
    // Three flags alone in their bytes, between constant bytes: the same evidence for each.
    const f: FrameFn = (s, i) => [Uint8Array.from([0xdd, 0x07, 0x00, on(s) ? 0x01 : 0x00, 0x00, on(s) ? 0x02 : 0x00, on(s) ? 0x00 : 0x80, 0x00, 0x00, i & 0xff])];
    const res = run(f);
    const top = res.candidates.find((c) => c.label === null)!;
    const all = [top, ...(top.together ?? [])].map((c) => `${c.byte}:${c.mask}`).sort();
    expect(all).toEqual(['3:0x01', '5:0x02', '6:0x80']);
    // The others are not ranked again as ties of their own.
    expect(res.candidates.filter((c) => c.label === null && c !== top && [3, 5, 6].includes(c.byte))).toEqual([]);
    expect(res.notes.map((n) => wordNote(n, PLAIN_WORDS)).join('\n')).toMatch(/these 3 bits move together in every round \(g\d byte 3 bit 0 \(0x01\), .*a third state/);
  });

  it('a number that ticked over with the flag is ranked apart (other evidence), not folded into it', () => {
    const f: FrameFn = (s, i, r) => [Uint8Array.from([0xdd, 0x09, 0x00, on(s) ? 0x01 : 0x00, 0x00, on(s) ? 0x51 : 0x52, Math.floor(r() * 256), i & 0xff])];
    const res = run(f);
    const top = res.candidates.filter((c) => c.label === null);
    expect(top.map((c) => c.byte)).toEqual([3, 5]);
    expect(top[0]!.together).toBeUndefined();
  });

  it('bits that separate three states differently stay apart', () => {
    const f: FrameFn = (s, i) => [Uint8Array.from([0xdd, 0x08, { off: 0, on: 1, auto: 1 }[s]!, { off: 0, on: 0, auto: 2 }[s]!, i & 0xff, 0x00])];
    const res = run(f, ['off', 'on', 'auto']);
    const top = res.candidates.filter((c) => c.label === null);
    expect(top.map((c) => c.byte).sort()).toEqual([2, 3]);
    expect(top.every((c) => !c.together?.length)).toBe(true);
  });
});

describe('a byte one step apart beside a clock’s low byte', () => {
  // Frame: dd 06 | 3 constant bytes | enum | clock low byte | 2 constant bytes | sum8. The clock counts up across the rounds of a state
  // and never wraps there; the enum is 12 on and 11 off, so the pair reads as a 16-bit clock.
  function clockRounds(order: string[], apart: boolean): Round[] {
    const ticks = new Map<string, number>();
    const frames: FrameFn = (s) => {
      const n = ticks.get(s) ?? 0;
      ticks.set(s, n + 1);
      const f = Uint8Array.from([0xdd, 0x06, 0x01, 0x02, 0x03, on(s) ? 12 : 11, on(s) ? n : 160 + n, 0x04, 0x05, 0]);
      f[9] = f.subarray(0, 9).reduce((a, b) => a + b, 0) & 0xff;
      return [f];
    };
    const model = synthModel(frames, { request: Uint8Array.of(0xdd, 0x06), mtu: 64 });
    const out: Round[] = [];
    for (const s of order) for (let k = 0; k < 3; k++) out.push(buildRound(s, apart ? out.length + 1 : k + 1, 30, model, 7 + out.length));
    return out;
  }
  const enumLabel = (res: AnalysisResult): string | null | undefined => res.candidates.find((c) => c.byte === 5 && c.kind === 'byte')?.label;

  it('is a switch when the state recorded first holds the higher value (a clock cannot tick down)', () => {
    const res = analyze(clockRounds(['on', 'off'], true));
    expect(res.candidates.find((c) => c.label === null)).toMatchObject({ byte: 5, kind: 'byte', values: { on: 12, off: 11 } });
  });
  it('stays a number part when the pair counts up in time, or when the rounds overlap in time (no order to go by)', () => {
    expect(enumLabel(analyze(clockRounds(['off', 'on'], true)))).toBe('number');
    expect(enumLabel(analyze(clockRounds(['on', 'off'], false)))).toBe('number');
  });
});
