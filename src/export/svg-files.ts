// The SVG heatmaps written next to a markdown report (one per group), and the markdown that links them.
import { hex0x } from '../hex.js';
import { basename, dirname, join } from 'node:path';
import { writeFileDurably } from '../durable-write.js';
import type { Session } from '../session/schema.js';
import type { GroupView } from './report-groups.js';
import { extractAttFromFile } from '../hci/extract-file.js';
import { windowContext } from '../recorders/window-context.js';
import { sessionViews } from './visual.js';
import { heatmapSvg } from './svg-heatmap.js';

export interface HeatmapFile {
  group: string;
  /** Path as written. */
  path: string;
}

export function heatmapFigure(v: GroupView, states: string[]): Parameters<typeof heatmapSvg>[0] {
  const g = v.detail.group;
  return {
    title: `Group ${g.id}: handle ${hex0x(g.handle, 4)}, ${g.length} bytes, ${v.bytes.frames} frames`,
    model: v.bytes,
    states,
    candidates: v.candidates.map((c) => c.byte),
    labels: g.labels,
  };
}

/** Writes `<report>-<group>.svg` beside `mdPath` for each group; returns what it wrote. */
export async function writeHeatmapSvgs(views: GroupView[], states: string[], mdPath: string): Promise<HeatmapFile[]> {
  const stem = basename(mdPath).replace(/\.(md|markdown)$/i, '');
  const out: HeatmapFile[] = [];
  for (const v of views) {
    const path = join(dirname(mdPath), `${stem}-${v.detail.group.id}.svg`);
    await writeFileDurably(path, heatmapSvg(heatmapFigure(v, states)));
    out.push({ group: v.detail.group.id, path });
  }
  return out;
}

/** The heatmaps of the session's groups beside `mdPath`, and the markdown section that links them. */
export async function writeHeatmapsBeside(session: Session, mdPath: string): Promise<{ markdown: string; files: HeatmapFile[] }> {
  const context = await windowContext(session, extractAttFromFile);
  const visual = sessionViews(session, context.rounds);
  const files = await writeHeatmapSvgs(visual.views, visual.states, mdPath);
  return { markdown: files.length ? `\n${heatmapMarkdown(files)}` : '', files };
}

export function heatmapMarkdown(files: HeatmapFile[]): string {
  if (files.length === 0) return '';
  const lines = ['## Heatmaps', '', 'How often each byte changes from one frame to the next (rows: frames in time order, left bands: state and round; outlined: candidates). Drop the SVG files into the issue with this report.', ''];
  for (const f of files) lines.push(`![Heatmap of group ${f.group}](${basename(f.path)})`, '');
  return lines.join('\n');
}
