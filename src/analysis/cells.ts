// Cell voltages: a run of N numbers of one encoding, each within a cell's range, whose sum is the pack
// voltage the app showed, is one array field ("cells 1–16, u16 le, mV, bytes 6–37").
import { ENCODINGS } from './encodings.js';
import type { CellArrayCandidate, FieldGroup } from './fields.js';
import type { ShownValue } from './shown.js';

/** Any lithium, LFP, LTO or sodium cell, in volts. */
const CELL_MIN_V = 1.0;
const CELL_MAX_V = 4.5;
/** The pack voltage and the sum of the cells are measured apart: they agree within this share (or the shown precision). */
const SUM_SHARE = 0.005;
const SAMPLE = 16;
/** Cell voltages are 16-bit numbers in mV (or 0.1 mV), both byte orders. */
const CELL_ENCODINGS = ENCODINGS.filter((e) => e.type === 'u16');
const CELL_SCALES_V = [0.001, 0.0001];

/** Picks the pack voltage among the shown readings: the largest voltage (index into a round's values), or -1. */
export function packVoltageIndex(shown: ShownValue[][]): number {
  const ref = shown.find((s) => s.length > 0) ?? [];
  let best = -1;
  let bestV = 0;
  ref.forEach((v, i) => {
    if (v.quantity !== 'voltage') return;
    const volts = v.unit === 'mV' ? v.value / 1000 : v.value;
    if (volts > bestV) [best, bestV] = [i, volts];
  });
  return bestV >= 2 * CELL_MIN_V ? best : -1;
}

function sample<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!);
}

interface Run {
  offset: number;
  count: number;
  values: number[];
  sum: number;
}

/**
 * The longest runs of in-range cells in a frame whose sum matches the pack (volts), for one encoding
 * and parity. All runs of that length are returned: a neighbour in range (an average cell voltage, a
 * checksum next to a 0x0d end byte) can make two windows fit, and the rounds decide between them.
 */
function bestRuns(b: Uint8Array, read: (b: Uint8Array, o: number) => number, scale: number, parity: number, pack: number, tol: number): Run[] {
  let best: Run[] = [];
  let start = -1;
  const vals: number[] = [];
  const flush = (): void => {
    for (let n = vals.length; n >= 2 && (best.length === 0 || n >= best[0]!.count); n--) {
      for (let i = 0; i + n <= vals.length; i++) {
        let sum = 0;
        for (let j = i; j < i + n; j++) sum += vals[j]!;
        if (Math.abs(sum - pack) > tol) continue;
        const run = { offset: start + 2 * i, count: n, values: vals.slice(i, i + n), sum };
        if (best.length && n > best[0]!.count) best = [];
        best.push(run);
      }
      if (best.length && best[0]!.count === n) break;
    }
    vals.length = 0;
    start = -1;
  };
  for (let o = parity; o + 2 <= b.length; o += 2) {
    const v = read(b, o) * scale;
    if (v >= CELL_MIN_V && v <= CELL_MAX_V) {
      if (start < 0) start = o;
      vals.push(v);
    } else if (start >= 0) flush();
  }
  if (start >= 0) flush();
  return best;
}

/** Cell arrays per group, best first; the pack voltage is reading `pack` of each round. */
export function findCellArrays(groups: FieldGroup[], shown: ShownValue[][], pack: number): CellArrayCandidate[] {
  if (pack < 0) return [];
  const rounds = shown.map((s, r) => ({ r, v: s[pack] })).filter((x): x is { r: number; v: ShownValue } => x.v !== undefined);
  const out: CellArrayCandidate[] = [];
  for (const g of groups) {
    const byRound = new Map<number, Uint8Array[]>();
    for (const m of g.messages) {
      let l = byRound.get(m.round);
      if (!l) byRound.set(m.round, (l = []));
      l.push(m.bytes);
    }
    const tallies = new Map<string, { offset: number; count: number; enc: number; scale: number; perRound: Map<number, Run[]>; frames: Map<number, number> }>();
    for (const { r, v } of rounds) {
      const frames = sample(byRound.get(r) ?? [], SAMPLE);
      const packV = v.unit === 'mV' ? v.value / 1000 : v.value;
      const tol = Math.max(v.unit === 'mV' ? v.tolerance / 1000 : v.tolerance, packV * SUM_SHARE);
      for (const b of frames) {
        CELL_ENCODINGS.forEach((e, ei) => {
          for (const scale of CELL_SCALES_V) {
            for (const parity of [0, 1]) {
              for (const run of bestRuns(b, e.read, scale, parity, packV, tol)) {
                const key = `${ei}:${scale}:${run.offset}:${run.count}`;
                let t = tallies.get(key);
                if (!t) tallies.set(key, (t = { offset: run.offset, count: run.count, enc: ei, scale, perRound: new Map(), frames: new Map() }));
                const l = t.perRound.get(r) ?? [];
                l.push(run);
                t.perRound.set(r, l);
              }
            }
          }
        });
      }
      for (const t of tallies.values()) t.frames.set(r, frames.length);
    }
    for (const t of tallies.values()) {
      const explained = rounds.filter(({ r }) => (t.perRound.get(r)?.length ?? 0) >= Math.max(1, (t.frames.get(r) ?? 0) / 2));
      if (explained.length === 0) continue;
      const e = CELL_ENCODINGS[t.enc]!;
      const unitMilli = rounds[0]!.v.unit === 'mV';
      const toUnit = (x: number): number => Math.round((unitMilli ? x * 1000 : x) * 1e6) / 1e6;
      const misfit = explained.reduce((acc, { r, v }) => {
        const runs = t.perRound.get(r)!;
        const packV = v.unit === 'mV' ? v.value / 1000 : v.value;
        return acc + Math.abs(runs[0]!.sum - packV) / packV;
      }, 0) / explained.length;
      out.push({
        group: g.id,
        prefix: g.prefix,
        handle: g.handle,
        offset: t.offset,
        count: t.count,
        size: 2,
        type: 'u16',
        endian: e.endian!,
        scale: unitMilli ? t.scale * 1000 : t.scale,
        unit: rounds[0]!.v.unit,
        rounds: explained.length,
        score: Math.round((explained.length / rounds.length) * (1 - Math.min(1, misfit / SUM_SHARE) * 0.5) * (t.scale === 0.001 ? 1 : 0.9) * 1000) / 1000,
        decoded: rounds.map(({ r }) => t.perRound.get(r)?.[0]!.values.map(toUnit) ?? null),
        sums: rounds.map(({ r }) => {
          const run = t.perRound.get(r)?.[0];
          return run ? toUnit(run.sum) : null;
        }),
      });
    }
  }
  return out.sort((a, b) => b.rounds - a.rounds || b.count - a.count || b.score - a.score || a.offset - b.offset);
}

/** Do the cell values the app showed (1-based cell number → value) agree with the array in a round? */
export function confirmCells(array: CellArrayCandidate, round: number, cells: { cell: number; value: ShownValue }[]): boolean {
  const vals = array.decoded[round];
  if (!vals) return false;
  return cells.every(({ cell, value }) => {
    const x = vals[cell - 1];
    const inUnit = value.unit === 'mV' && array.unit === 'V' ? value.value / 1000 : value.unit === 'V' && array.unit === 'mV' ? value.value * 1000 : value.value;
    const tol = value.unit === 'mV' && array.unit === 'V' ? value.tolerance / 1000 : value.unit === 'V' && array.unit === 'mV' ? value.tolerance * 1000 : value.tolerance;
    return x !== undefined && Math.abs(x - inUnit) <= tol + 1e-9;
  });
}
