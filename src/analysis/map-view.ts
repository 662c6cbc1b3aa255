// The frame map as text rows (the command and the wizard print these).
import { hex0x } from '../hex.js';
import { layoutTable, recordLines, type TableColumn } from '../table-layout.js';
import { byteRange } from './field-view.js';
import type { FrameMapGroup, MapRange } from './frame-map.js';

const WORDS: Record<MapRange['kind'], string> = {
  constant: 'constant',
  counter: 'counter',
  checksum: 'checksum',
  length: 'length',
  flags: 'flags',
  number: 'number',
  text: 'text',
  field: 'field',
  varies: 'varies',
};

/** "g2  handle 0x0011  dd03001d…  36 bytes, 66 frames" and one row per byte offset, laid out for `width`. */
export function mapLines(g: FrameMapGroup, width = 79): string[] {
  const head = g.prefix.length > 16 ? `${g.prefix.slice(0, 16)}…` : g.prefix || '(no common prefix)';
  const out = recordLines(g.group, [`handle ${hex0x(g.handle, 4)}`, head, `${g.length} bytes, ${g.frames} frame${g.frames === 1 ? '' : 's'}`], width, 4);
  const at = new Map<number, MapRange>();
  for (const r of g.ranges) for (let o = r.from; o <= r.to; o++) at.set(o, r);
  const rows = [['byte', ...g.columns.map((c) => `r${c.round + 1}`), 'what']];
  for (let o = 0; o < g.length; o++) {
    const r = at.get(o);
    const hex = g.columns.map((c) => (c.hex.length >= 2 * (o + 1) ? c.hex.slice(2 * o, 2 * o + 2) : '--'));
    const what = !r ? '' : r.from === o ? `${WORDS[r.kind]}${r.detail ? ` ${r.detail}` : ''}${r.to > r.from ? ` (${byteRange(r.from, r.to - r.from + 1)})` : ''}` : '·';
    rows.push([String(o), ...hex, what]);
  }
  // The byte on the right, the frames' bytes in columns, what the range is wrapping at the end.
  const last = rows[0]!.length - 1;
  const columns = rows[0]!.map((_, i): TableColumn => (i === 0 ? { align: 'right' } : i === last ? { wrap: true, gap: 3 } : { gap: i === 1 ? 2 : 3 }));
  for (const lines of layoutTable(rows, { width, indent: 2, columns, header: true })) out.push(...lines);
  return out;
}
