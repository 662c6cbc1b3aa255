// The terminal's compact heatmap: one character a byte, 8 bytes a block, at most 64 bytes a line
// (76 columns). The shells paint the cells (colour by heat level) or print them plain (NO_COLOR).
import { BEHAVIOUR_CHARS } from './activity.js';
import type { CandidateResult, GroupResult, Label } from './types.js';

export interface HeatCell {
  char: string;
  /** Heat level 0..5 of how often the byte changes. */
  level: number;
  /** The byte holds a ranked candidate. */
  candidate: boolean;
}

const LABEL_CHARS: Partial<Record<Label, string>> = { checksum: '$', counter: '+', length: 'L', number: 'n' };

/** What each character means, in the order the legend shows them. */
export const HEAT_LEGEND: [string, string][] = [
  [BEHAVIOUR_CHARS.static, 'constant'],
  [BEHAVIOUR_CHARS.state, 'differs between states'],
  [BEHAVIOUR_CHARS.toggling, 'toggles'],
  [BEHAVIOUR_CHARS.rising, 'rises'],
  [BEHAVIOUR_CHARS.falling, 'falls'],
  [BEHAVIOUR_CHARS.noisy, 'noisy'],
  ['$', 'checksum'],
  ['+', 'counter'],
  ['L', 'length'],
  ['n', 'number part'],
];

/** Cells of a group with activity (null for orphans and sessions written before it existed). */
export function heatmapCells(group: Pick<GroupResult, 'activity' | 'labels'>, candidates: Pick<CandidateResult, 'byte'>[]): HeatCell[] | null {
  const a = group.activity;
  if (!a) return null;
  const labelOf = new Map(group.labels.map((l) => [l.byte, LABEL_CHARS[l.label]]));
  const cand = new Set(candidates.map((c) => c.byte));
  return [...a.kinds].map((kind, b) => ({ char: cand.has(b) ? BEHAVIOUR_CHARS.state : labelOf.get(b) ?? kind, level: Number(a.levels[b] ?? 0), candidate: cand.has(b) }));
}

/** "  0 ..#..~.. ........" lines: `perLine` bytes (a multiple of 8) a line, blocks of 8. */
export function heatmapLines(cells: HeatCell[], paint: (cell: HeatCell) => string, perLine = 64): string[] {
  const lines: string[] = [];
  const width = String(Math.max(0, cells.length - 1)).length;
  for (let from = 0; from < cells.length; from += perLine) {
    const blocks: string[] = [];
    for (let b = from; b < Math.min(cells.length, from + perLine); b += 8) {
      blocks.push(cells.slice(b, Math.min(b + 8, from + perLine, cells.length)).map(paint).join(''));
    }
    lines.push(`${String(from).padStart(width, ' ')} ${blocks.join(' ')}`);
  }
  return lines;
}

/** Bytes a line that fit `columns` (64, 32, 16 or 8). */
export function heatmapPerLine(columns: number, byteCount: number): number {
  for (const n of [64, 32, 16]) if (n + n / 8 + String(byteCount).length + 1 <= columns) return n;
  return 8;
}

/** Terminal colours (kleur names) of heat levels 0..5: never changes → changes in most frames. */
export const HEAT_TONES = ['gray', 'blue', 'cyan', 'yellow', 'magenta', 'red'] as const;
export type HeatTone = (typeof HEAT_TONES)[number];

/** The legend, wrapped to `columns`. */
export function heatmapLegend(columns: number): string[] {
  const items = HEAT_LEGEND.map(([c, what]) => `${c} ${what}`);
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + 2 + item.length > columns) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line}  ${item}` : item;
  }
  if (line) lines.push(line);
  return lines;
}

/** Rows of the heatmap of one group for a terminal `columns` wide (null without activity). */
export function heatmapRows(group: Pick<GroupResult, 'activity' | 'labels'>, candidates: Pick<CandidateResult, 'byte' | 'group'>[], paint: (cell: HeatCell) => string, columns: number): string[] | null {
  const cells = heatmapCells(group, candidates);
  if (!cells) return null;
  return heatmapLines(cells, paint, heatmapPerLine(columns, cells.length));
}
