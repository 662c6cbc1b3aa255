// Readings accepted into a session: a candidate of `fields` (or a cell array) as the record the
// reports and the exported decoders read (see AcceptedReading in schema.ts).
import { hex0x } from '../hex.js';
import { describeCells, describeField } from '../analysis/field-view.js';
import type { CellArrayCandidate, FieldSpec, ReadingCandidate, ReadingResult } from '../analysis/fields.js';
import type { AcceptedReading } from './schema.js';

const frameOf = (c: { prefix: string; handle: number }): string => `frame starting ${c.prefix.slice(0, 12) || '(any)'} (handle ${hex0x(c.handle, 4)})`;

/** Where a field sits and how it decodes: the FieldSpec part of a candidate. */
function placeOf(c: FieldSpec): FieldSpec {
  return { group: c.group, handle: c.handle, prefix: c.prefix, offset: c.offset, size: c.size, type: c.type, endian: c.endian, scale: c.scale, add: c.add };
}

export function acceptReading(c: ReadingCandidate, r: ReadingResult, index: number): AcceptedReading {
  return {
    ...placeOf(c),
    name: r.name ?? `reading ${index + 1}`,
    unit: r.unit,
    shown: [...r.shown],
    decoded: [...c.decoded],
    rule: `${frameOf(c)}, ${describeField(c, r.unit)}`,
  };
}

export function acceptCells(c: CellArrayCandidate, shownPack: string[]): AcceptedReading {
  return {
    ...placeOf({ ...c, add: 0 }),
    name: 'cells',
    unit: c.unit,
    count: c.count,
    shown: [...shownPack],
    decoded: [...c.sums],
    rule: `${frameOf(c)}, ${describeCells(c)} (sum = pack voltage)`,
  };
}
