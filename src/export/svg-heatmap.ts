// One group's heatmap as a standalone SVG (GitHub shows SVG attachments; it does not run HTML):
// rows = buckets of frames in time order with a band per state and round, columns = bytes,
// colour = how often the byte changes in the bucket; candidate bytes outlined, labels on top.
import { heatLevel } from '../analysis/heat-level.js';
import type { HeatmapModel } from '../analysis/heatmap.js';
import type { Label } from '../analysis/types.js';
import { HEAT_COLOURS, heatColour, stateColour } from './heat-colours.js';
import { htmlText as escapeHtml } from '../text-safe.js';

export interface HeatmapFigure {
  title: string;
  model: HeatmapModel;
  states: string[];
  /** Byte offsets of the group's ranked candidates. */
  candidates: number[];
  labels: { byte: number; label: Label }[];
}

const LABEL_MARK: Record<Label, string> = { checksum: 'Σ', counter: '+', length: 'L', number: 'n', chance: '?' };

/** Geometry shared by the SVG and its test: cell size from the group's size, within ~960 × 640. */
export function heatmapGeometry(model: HeatmapModel): { cw: number; ch: number; left: number; top: number } {
  const cw = Math.max(3, Math.min(14, Math.floor(900 / Math.max(1, model.width))));
  const ch = Math.max(2, Math.min(10, Math.floor(560 / Math.max(1, model.rows.length))));
  return { cw, ch, left: 64, top: 48 };
}

export function heatmapSvg(fig: HeatmapFigure): string {
  const { model } = fig;
  const { cw, ch, left, top } = heatmapGeometry(model);
  const w = left + model.width * cw + 16;
  const h = top + model.rows.length * ch + 72;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11">`);
  out.push(`<title>${escapeHtml(fig.title)}</title>`);
  out.push(`<rect width="${w}" height="${h}" fill="#ffffff"/>`);
  out.push(`<text x="4" y="14" font-size="13" font-weight="bold">${escapeHtml(fig.title)}</text>`);
  // Byte offsets every 8 columns, label marks above their byte.
  for (let b = 0; b < model.width; b += 8) out.push(`<text x="${left + b * cw}" y="${top - 18}">${b}</text>`);
  for (const { byte, label } of fig.labels) {
    if (byte < model.width) out.push(`<text class="label" data-byte="${byte}" x="${left + byte * cw + cw / 2}" y="${top - 4}" text-anchor="middle">${LABEL_MARK[label]}</text>`);
  }
  // State and round bands on the left.
  model.rows.forEach((row, r) => {
    const si = Math.max(0, fig.states.indexOf(row.state));
    out.push(`<rect x="${left - 14}" y="${top + r * ch}" width="10" height="${ch}" fill="${stateColour(si)}"/>`);
    out.push(`<rect x="${left - 24}" y="${top + r * ch}" width="8" height="${ch}" fill="${row.round % 2 ? '#bbbbbb' : '#777777'}"/>`);
  });
  // Cells: runs of one level on a row are one rect (keeps a 300-byte group small).
  const g: string[] = [];
  model.rows.forEach((_, r) => {
    let b = 0;
    while (b < model.width) {
      const level = heatLevel(model.byteShare[r * model.width + b]!);
      let e = b + 1;
      while (e < model.width && heatLevel(model.byteShare[r * model.width + e]!) === level) e++;
      g.push(`<rect class="cell" data-row="${r}" data-from="${b}" data-to="${e}" data-level="${level}" x="${left + b * cw}" y="${top + r * ch}" width="${(e - b) * cw}" height="${ch}" fill="${heatColour(level)}"/>`);
      b = e;
    }
  });
  out.push(`<g>${g.join('')}</g>`);
  for (const byte of new Set(fig.candidates)) {
    if (byte < model.width) out.push(`<rect class="candidate" data-byte="${byte}" x="${left + byte * cw}" y="${top}" width="${cw}" height="${model.rows.length * ch}" fill="none" stroke="#000000" stroke-width="1.5"/>`);
  }
  // Legend: states, then the heat scale.
  let x = 4;
  const ly = top + model.rows.length * ch + 20;
  fig.states.forEach((s, i) => {
    out.push(`<rect x="${x}" y="${ly - 9}" width="10" height="10" fill="${stateColour(i)}"/><text x="${x + 14}" y="${ly}">${escapeHtml(s)}</text>`);
    x += 24 + s.length * 7;
  });
  const scale = ['never changes', '≤2 %', '≤8 %', '≤25 %', '≤60 %', 'more'];
  x = 4;
  HEAT_COLOURS.forEach((c, i) => {
    out.push(`<rect x="${x}" y="${ly + 11}" width="10" height="10" fill="${c}" stroke="#999999" stroke-width="0.5"/><text x="${x + 14}" y="${ly + 20}">${scale[i]}</text>`);
    x += 24 + scale[i]!.length * 6;
  });
  out.push(`<text x="4" y="${ly + 40}">rows: ${model.frames} frames in time order (left bands: state, round); colour: share of frames in which the byte changed; outlined: candidates; Σ checksum, + counter, L length, n number</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
