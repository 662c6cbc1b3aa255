// What the visual report shows of each group, computed once from the analysed frames: heatmap
// models, one representative frame per state, checksum verdicts and the values to plot over time.
import { CHECKSUMS, type ChecksumMatch } from '../analysis/checksums.js';
import { heatmapModel, type HeatmapModel } from '../analysis/heatmap.js';
import type { CandidateResult, GroupResult, Message } from '../analysis/types.js';
import { toHex } from '../hex.js';

/** A group as the analysis left it, with its frames (the input of every view). */
export interface GroupDetail {
  group: GroupResult;
  messages: Message[];
  /** The checksum the analysis learnt for the group, when one was found. */
  checksum: ChecksumMatch | null;
}

export interface Representative {
  state: string;
  bytes: Uint8Array;
  /** How many frames of the state are exactly this one, of how many. */
  same: number;
  of: number;
  /** Byte offsets of the stored checksum, and whether it verifies on this frame (null: no checksum). */
  checksum: { at: number[]; ok: boolean } | null;
}

export interface PlotSeries {
  name: string;
  values: number[];
}

export interface GroupView {
  detail: GroupDetail;
  candidates: CandidateResult[];
  bytes: HeatmapModel;
  /** The same frames with fewer rows, so that the bit view stays small. */
  bits: HeatmapModel;
  representatives: Representative[];
  /** Frames whose checksum verifies, of all frames (null: no checksum). */
  checksumValid: { ok: number; of: number } | null;
  plot: {
    x: number[];
    /** Candidates: the bit or masked byte per frame. */
    series: PlotSeries[];
    /** Accepted readings: the decoded value per frame, and (marks) the value shown in the app, once per round. */
    readings: PlotSeries[];
    marks: PlotSeries[];
    bands: { from: number; to: number; state: string; round: number }[];
  } | null;
}

const MAX_BIT_CELLS = 120_000;
const MAX_PLOT_POINTS = 4000;

/** Checksum verdict of one frame: the stored value against the learnt algorithm. */
export function checksumOf(bytes: Uint8Array, c: ChecksumMatch): { at: number[]; ok: boolean } | null {
  const alg = CHECKSUMS.find((a) => a.name === c.algorithm);
  const at = bytes.length - c.fromEnd - c.size;
  if (!alg || at <= c.from) return null;
  const stored = c.size === 1 ? bytes[at]! : c.le ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
  return { at: c.size === 1 ? [at] : [at, at + 1], ok: alg.compute(bytes, c.from, at) === stored };
}

function representative(msgs: Message[], state: string, checksum: ChecksumMatch | null): Representative | null {
  const pool = msgs.filter((m) => m.state === state);
  if (pool.length === 0) return null;
  const counts = new Map<string, { n: number; bytes: Uint8Array }>();
  for (const m of pool) {
    const k = toHex(m.bytes);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { n: 1, bytes: m.bytes });
  }
  let best = { n: 0, bytes: pool[0]!.bytes };
  for (const c of counts.values()) if (c.n > best.n) best = c;
  return { state, bytes: best.bytes, same: best.n, of: pool.length, checksum: checksum ? checksumOf(best.bytes, checksum) : null };
}

/** The candidate's value in one frame: the bit (0/1), or the masked byte for a whole-byte change. */
export function candidateValueIn(c: CandidateResult, bytes: Uint8Array): number | null {
  const v = bytes[c.byte];
  if (v === undefined) return null;
  const mask = Number.parseInt(c.mask, 16);
  return c.kind === 'bit' ? (v >> c.bit) & 1 : v & mask;
}

/** A reading accepted into the session, to plot in its group: decoded per frame, with what the app showed per round. */
export interface PlotReading {
  name: string;
  unit: string;
  decode: (bytes: Uint8Array) => number | null;
  /** Round index of the analysis input → the value the app showed in it. */
  shown: Map<number, number>;
}

/**
 * Frames on one time axis: each round's own seconds, rounds laid end to end with a short gap
 * (rounds come from different captures, hours apart). Candidates give one series each; readings
 * one series each plus their shown values as marks in the middle of each round.
 */
function plotOf(msgs: Message[], candidates: CandidateResult[], readings: PlotReading[]): GroupView['plot'] {
  if ((candidates.length === 0 && readings.length === 0) || msgs.length === 0) return null;
  const ordered = [...msgs].sort((a, b) => a.round - b.round || a.record - b.record);
  const step = Math.max(1, Math.ceil(ordered.length / MAX_PLOT_POINTS));
  const x: number[] = [];
  const bands: NonNullable<GroupView['plot']>['bands'] = [];
  const series: PlotSeries[] = candidates.map((c) => ({ name: `byte ${c.byte} ${c.kind === 'bit' ? `bit ${c.bit}` : `mask ${c.mask}`}`, values: [] }));
  const values: PlotSeries[] = readings.map((r) => ({ name: r.unit ? `${r.name} (${r.unit})` : r.name, values: [] }));
  const marks: PlotSeries[] = readings.map((r) => ({ name: `${r.name}: shown in the app`, values: [] }));
  let offset = 0;
  let i = 0;
  while (i < ordered.length) {
    const round = ordered[i]!.round;
    let j = i;
    while (j < ordered.length && ordered[j]!.round === round) j++;
    const t0 = ordered[i]!.t;
    let end = offset;
    const first = x.length;
    for (let k = i; k < j; k += step) {
      const m = ordered[k]!;
      const at = offset + (t0 !== null && m.t !== null ? (m.t - t0) / 1e6 : k - i);
      x.push(at);
      end = at;
      candidates.forEach((c, ci) => series[ci]!.values.push(candidateValueIn(c, m.bytes) ?? Number.NaN));
      readings.forEach((r, ri) => {
        values[ri]!.values.push(r.decode(m.bytes) ?? Number.NaN);
        marks[ri]!.values.push(Number.NaN);
      });
    }
    const mid = first + Math.floor((x.length - first) / 2);
    readings.forEach((r, ri) => {
      const v = r.shown.get(round);
      if (v !== undefined && mid < x.length) marks[ri]!.values[mid] = v;
    });
    bands.push({ from: offset, to: Math.max(end, offset + 0.5), state: ordered[i]!.state, round });
    offset = Math.max(end, offset + 0.5) + Math.max(1, (end - offset) * 0.05);
    i = j;
  }
  return { x, series, bands, readings: values, marks };
}

export function groupView(detail: GroupDetail, candidates: CandidateResult[], states: string[], readings: PlotReading[] = []): GroupView {
  const bytes = heatmapModel(detail.messages, states);
  const width = Math.max(1, bytes.width);
  const bitRows = Math.max(4, Math.floor(MAX_BIT_CELLS / (width * 8)));
  const bits = bitRows >= bytes.rows.length ? bytes : heatmapModel(detail.messages, states, bitRows);
  const representatives = states.map((s) => representative(detail.messages, s, detail.checksum)).filter((r): r is Representative => r !== null);
  let checksumValid: GroupView['checksumValid'] = null;
  if (detail.checksum) {
    let ok = 0;
    for (const m of detail.messages) if (checksumOf(m.bytes, detail.checksum)?.ok) ok++;
    checksumValid = { ok, of: detail.messages.length };
  }
  return { detail, candidates, bytes, bits, representatives, checksumValid, plot: plotOf(detail.messages, candidates.slice(0, 4), readings) };
}
