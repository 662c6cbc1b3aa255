// A byte that moves by a small step between the states inside a run of like numbers (a 16-bit
// array of cell voltages, floats) is a lower part of a number, even when it is constant within
// each state (cells that held their voltage while a round was recorded). Evidence: read as a
// 16-bit integer or a 32-bit float, the slot changes by a tiny share of its value, and its
// neighbours at the same stride hold numbers of the same magnitude.
import { byteProfile, type GroupStats } from './bits.js';

interface Encoding {
  width: 2 | 4;
  le: boolean;
  read(bytes: number[]): number;
  /** A value that looks like a reading (an integer with its upper byte in use, a finite float of everyday size). */
  plausible(v: number): boolean;
}

const f32 = new DataView(new ArrayBuffer(4));

function float(bytes: number[], le: boolean): number {
  for (let i = 0; i < 4; i++) f32.setUint8(i, bytes[le ? 3 - i : i]!);
  return f32.getFloat32(0, false);
}

const ENCODINGS: Encoding[] = [
  ...[true, false].map((le) => ({ width: 2 as const, le, read: (b: number[]) => (le ? b[0]! | (b[1]! << 8) : (b[0]! << 8) | b[1]!), plausible: (v: number) => v >= 256 })),
  ...[true, false].map((le) => ({ width: 4 as const, le, read: (b: number[]) => float(b, le), plausible: (v: number) => Number.isFinite(v) && Math.abs(v) >= 1e-3 && Math.abs(v) <= 1e6 })),
];

/** Neighbours read on each side (enough for the array's range). */
const MAX_NEIGHBOURS = 4;

/** The largest change between the states, as a share of the value, that is still a small step. */
const SMALL_STEP = 1 / 64;

/** How far (as a share of the value) a number may lie outside its neighbours' range and still belong to their array. */
const SPREAD = 0.02;

/** Share of a state's messages in which an array reading's upper byte holds its most common value. */
const STEADY = 0.9;

/** Numbers of one array (cell voltages of one pack, temperatures) lie within this factor of each other. */
const LIKE = 1.5;

function alike(a: number, b: number): boolean {
  return Math.sign(a) === Math.sign(b) && Math.abs(b) * LIKE >= Math.abs(a) && Math.abs(b) <= Math.abs(a) * LIKE;
}

/** True when `byte` is a lower part of a number in a run of like numbers that moves by a small step between the (decided) states. */
export function inNumberRun(gs: GroupStats, byte: number, decided?: boolean[]): boolean {
  const states = gs.states.map((_, i) => i).filter((i) => !decided || decided[i]);
  if (states.length < 2) return false;
  const modes = new Map<number, number[]>();
  const modeAt = (p: number): number[] | null => {
    if (p < 0 || p >= gs.length) return null;
    let m = modes.get(p);
    if (!m) modes.set(p, (m = byteProfile(gs, p).mode));
    return states.every((s) => m![s]! >= 0) ? m : null;
  };
  /** The slot's value in each compared state (from each byte's most common value), or null. */
  const slot = (enc: Encoding, at: number): number[] | null => {
    const cols: number[][] = [];
    for (let k = 0; k < enc.width; k++) {
      const m = modeAt(at + k);
      if (!m) return null;
      cols.push(m);
    }
    return states.map((s) => enc.read(cols.map((c) => c[s]!)));
  };
  // A reading of an array holds its upper byte within a state (a cell wanders by a few mV); a slot
  // whose upper byte runs through values (a counter, a clock, random data) is no like number.
  const steady = (at: number, enc: Encoding): boolean => byteProfile(gs, enc.le ? at + enc.width - 1 : at).share[states[0]!]! >= STEADY;
  for (const enc of ENCODINGS) {
    for (let at = byte - enc.width + 1; at <= byte; at++) {
      // The most significant byte of a slot changes a number by much more than a small step.
      const msb = enc.le ? at + enc.width - 1 : at;
      if (at < 0 || byte === msb) continue;
      const vals = slot(enc, at);
      if (!vals || !vals.every(enc.plausible)) continue;
      const lo = Math.min(...vals);
      const hi = Math.max(...vals);
      const size = Math.max(Math.abs(lo), Math.abs(hi));
      if (hi === lo || (hi - lo) / size > SMALL_STEP) continue;
      // Neighbours at the same stride holding numbers of the same magnitude (in the first state).
      // Like numbers on both sides: inside an array. At an array's edge a neighbouring byte (an
      // enum after the cells, paired with the last cell's upper byte) would look like one more cell.
      const like: number[] = [];
      const starts = [at];
      let sides = 0;
      for (const dir of [-1, 1]) {
        let k = 1;
        for (; k <= MAX_NEIGHBOURS; k++) {
          const n = slot(enc, at + dir * k * enc.width);
          if (!n || !enc.plausible(n[0]!) || !alike(vals[0]!, n[0]!) || !steady(at + dir * k * enc.width, enc)) break;
          like.push(n[0]!);
          starts.push(at + dir * k * enc.width);
        }
        if (k > 1) sides++;
      }
      if (sides < 2) continue;
      // Numbers of one magnitude share their upper bytes more than their lower ones; read with the
      // wrong byte order or partner, an array shows the opposite (varied "upper", constant "lower").
      const first = states[0]!;
      const byteSet = (off: number): number => new Set(starts.map((a) => modeAt(a + off)![first])).size;
      if (byteSet(enc.le ? enc.width - 1 : 0) > byteSet(enc.le ? 0 : enc.width - 1)) continue;
      // Printable characters all through are text (ASCII digits, hex as text), read as numbers by accident.
      if (starts.every((a) => Array.from({ length: enc.width }, (_, k) => modeAt(a + k)![first]!).every((b) => b >= 0x20 && b < 0x7f))) continue;
      // The slot lies among its neighbours: a byte read with the wrong partner (an enum after the
      // array, paired with the last cell's upper byte) stands far outside the array's values.
      const nlo = Math.min(...like);
      const nhi = Math.max(...like);
      const margin = Math.max(nhi - nlo, SPREAD * Math.max(Math.abs(nlo), Math.abs(nhi)));
      if (vals[0]! >= nlo - margin && vals[0]! <= nhi + margin) return true;
    }
  }
  return false;
}
