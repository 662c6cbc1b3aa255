// What each byte and bit of a group does over time: the data behind the heatmaps (terminal, SVG,
// HTML). Rows are buckets of consecutive frames of one round; a cell is the share of frames in the
// bucket where that byte (or bit) differs from the frame before it in the same round.
import type { Micros } from '../model.js';
import type { Message } from './types.js';
import { behaviourOf, type ByteBehaviour, type ChangeCounts } from './activity.js';

export type { ByteBehaviour } from './activity.js';

export interface HeatmapRow {
  state: string;
  /** Round index of the analysis input. */
  round: number;
  /** Frames in this bucket. */
  frames: number;
  /** Time of the bucket's first frame (µs), when the capture has times. */
  t: Micros;
}

export interface BitState {
  /** Frames of the state that have this byte. */
  count: number;
  /** Per bit (0 = least significant): frames where the bit is 1. */
  ones: number[];
}

export interface HeatmapModel {
  /** Longest frame of the group, in bytes. */
  width: number;
  frames: number;
  rows: HeatmapRow[];
  /** rows × width change shares (row-major), 0..1; NaN where no frame of the row reaches the byte. */
  byteShare: Float32Array;
  /** rows × width × 8 change shares of single bits (bit 0 first). */
  bitShare: Float32Array;
  /** Over the whole group: share of consecutive pairs (same round) where the byte changed. */
  byteChange: number[];
  behaviour: ByteBehaviour[];
  /** Per state: how often each bit is 1 (the per-state view: constant 1, constant 0, varying). */
  perState: Record<string, BitState[]>;
}

/** Frames of `messages` in time order within each round, rounds in input order. */
function inTimeOrder(messages: Message[]): Message[] {
  return [...messages].sort((a, b) => a.round - b.round || a.record - b.record);
}

/**
 * Buckets of at most `size` consecutive frames that never straddle two rounds, so that a band of
 * rows is one round and one state.
 */
function buckets(ordered: Message[], size: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let from = 0;
  for (let i = 1; i <= ordered.length; i++) {
    if (i === ordered.length || ordered[i]!.round !== ordered[from]!.round || i - from >= size) {
      out.push({ from, to: i });
      from = i;
    }
  }
  return out;
}

export function heatmapModel(messages: Message[], states: string[], maxRows = 200): HeatmapModel {
  const ordered = inTimeOrder(messages);
  let width = 0;
  for (const m of ordered) if (m.bytes.length > width) width = m.bytes.length;
  const roundsSeen = new Set(ordered.map((m) => m.round)).size;
  // At least one row per round; otherwise as many rows as fit.
  const size = Math.max(1, Math.ceil(ordered.length / Math.max(1, maxRows - roundsSeen)));
  const spans = buckets(ordered, size);
  const byteShare = new Float32Array(spans.length * width).fill(Number.NaN);
  const bitShare = new Float32Array(spans.length * width * 8).fill(Number.NaN);
  const changes = new Array<number>(width).fill(0);
  const pairs = new Array<number>(width).fill(0);
  const ups = new Array<number>(width).fill(0);
  const downs = new Array<number>(width).fill(0);
  const distinct = Array.from({ length: width }, () => new Set<number>());
  const rows: HeatmapRow[] = [];
  const byteCount = new Uint32Array(width);
  const byteDiff = new Uint32Array(width);
  const bitDiff = new Uint32Array(width * 8);
  spans.forEach((span, r) => {
    byteCount.fill(0);
    byteDiff.fill(0);
    bitDiff.fill(0);
    let reach = 0;
    for (let i = span.from; i < span.to; i++) {
      const cur = ordered[i]!.bytes;
      if (cur.length > reach) reach = cur.length;
      const prev = i > 0 && ordered[i - 1]!.round === ordered[i]!.round ? ordered[i - 1]!.bytes : null;
      for (let b = 0; b < cur.length; b++) {
        if (distinct[b]!.size <= 16) distinct[b]!.add(cur[b]!);
        if (!prev || b >= prev.length) continue;
        byteCount[b]!++;
        pairs[b]!++;
        const x = cur[b]! ^ prev[b]!;
        if (x === 0) continue;
        byteDiff[b]!++;
        changes[b]!++;
        if (cur[b]! > prev[b]!) ups[b]!++;
        else downs[b]!++;
        for (let k = 0; k < 8; k++) if ((x >> k) & 1) bitDiff[b * 8 + k]!++;
      }
    }
    for (let b = 0; b < width; b++) {
      const n = byteCount[b]!;
      if (n === 0) {
        // The bucket's only frame starts a round: nothing to compare with, so nothing changed.
        if (b < reach) {
          byteShare[r * width + b] = 0;
          for (let k = 0; k < 8; k++) bitShare[(r * width + b) * 8 + k] = 0;
        }
        continue;
      }
      byteShare[r * width + b] = byteDiff[b]! / n;
      for (let k = 0; k < 8; k++) bitShare[(r * width + b) * 8 + k] = bitDiff[b * 8 + k]! / n;
    }
    const first = ordered[span.from]!;
    rows.push({ state: first.state, round: first.round, frames: span.to - span.from, t: first.t });
  });

  const perState: Record<string, BitState[]> = {};
  for (const s of states) perState[s] = Array.from({ length: width }, () => ({ count: 0, ones: [0, 0, 0, 0, 0, 0, 0, 0] }));
  for (const m of ordered) {
    const ps = perState[m.state];
    if (!ps) continue;
    for (let b = 0; b < m.bytes.length; b++) {
      const cell = ps[b]!;
      cell.count++;
      for (let k = 0; k < 8; k++) cell.ones[k]! += (m.bytes[b]! >> k) & 1;
    }
  }

  const byteChange = changes.map((c, b) => (pairs[b]! ? c / pairs[b]! : 0));
  const behaviour = byteChange.map((_, b) => classify(b, { changes: changes[b]!, ups: ups[b]!, downs: downs[b]!, distinct: distinct[b]!.size }, perState, states));
  return { width, frames: ordered.length, rows, byteShare, bitShare, byteChange, behaviour, perState };
}

/** Whether every frame of each state has the same value of the byte, and the states differ. */
function stateConstant(b: number, perState: Record<string, BitState[]>, states: string[]): { constant: boolean; differs: boolean } {
  let constant = true;
  const values = new Set<string>();
  for (const s of states) {
    const cell = perState[s]?.[b];
    if (!cell || cell.count === 0) continue;
    const bits = cell.ones.map((o) => (o === 0 ? '0' : o === cell.count ? '1' : 'x')).join('');
    if (bits.includes('x')) constant = false;
    values.add(bits);
  }
  return { constant, differs: values.size > 1 };
}

function classify(b: number, c: ChangeCounts, perState: Record<string, BitState[]>, states: string[]): ByteBehaviour {
  const sc = stateConstant(b, perState, states);
  return behaviourOf({ ...c, constant: sc.constant, differs: sc.differs });
}

/** A bit's value in one state: constant 1, constant 0, varying, or absent (no frame reaches it). */
export function bitStateOf(cell: BitState | undefined, bit: number): '1' | '0' | 'x' | null {
  if (!cell || cell.count === 0) return null;
  const ones = cell.ones[bit]!;
  return ones === 0 ? '0' : ones === cell.count ? '1' : 'x';
}
