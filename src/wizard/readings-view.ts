// The wizard's screens for readings: candidates with the decoded value per round next to what the
// app showed, and the cell arrays.
import { describeCells, describeField } from '../analysis/field-view.js';
import type { ReadingCandidate, ReadingResult } from '../analysis/fields.js';
import { wordFieldsNote, type FieldsResult } from '../analysis/readings.js';
import type { Style } from './style.js';

const head = (prefix: string): string => (prefix.length > 12 ? `${prefix.slice(0, 12)}…` : prefix || 'any');

/** "g1 dd03001d055a… byte 23 u8 %" */
export function readingLine(c: ReadingCandidate, r: ReadingResult): string {
  return `${c.group} ${head(c.prefix)} ${describeField(c, r.unit)}`;
}

/** Decoded per round next to what was shown: "80 (80%) · 81 (81%)". */
export function perRound(c: ReadingCandidate, r: ReadingResult): string {
  return r.shown.map((s, i) => `${c.decoded[i] ?? '–'}${s ? ` (${s})` : ''}`).join(' · ');
}

export function readingsView(res: FieldsResult, s: Style, top = 3): string[] {
  const out: string[] = [s.bold('Readings'), s.dim('  decoded value per round, with what the app showed in brackets; value = raw × scale + add')];
  res.readings.forEach((r, i) => {
    out.push(`  ${s.bold(`${i + 1}. ${r.name ?? `reading ${i + 1}`}`)} (${r.unit || 'no unit'})`);
    if (r.candidates.length === 0) out.push(s.dim(`     no field beyond chance${r.chanceHits ? ` (${r.chanceHits} places match as often as chance would)` : ''}`));
    r.candidates.slice(0, top).forEach((c, k) => {
      const line = `     ${k + 1}. ${readingLine(c, r)}  ${perRound(c, r)}  ${s.dim(`score ${c.score}`)}`;
      out.push(k === 0 ? s.ok(line) : line);
    });
  });
  if (res.cells.length) {
    out.push(`  ${s.bold('Cell voltages')} (a run of cells whose sum is the pack voltage)`);
    res.cells.slice(0, top).forEach((c, k) => {
      const first = c.decoded.find((d) => d) ?? [];
      out.push(`     ${k + 1}. ${c.group} ${head(c.prefix)} ${describeCells(c)}  ${s.dim(`${first.slice(0, 4).join(' ')}${first.length > 4 ? ' …' : ''}`)}`);
    });
  }
  for (const n of res.notes) out.push(s.dim(`  - ${wordFieldsNote(n)}`));
  return out;
}
