// The `fields` report for a terminal.
import { hex0x } from '../hex.js';
import { describeCells, describeField } from '../analysis/field-view.js';
import { wordFieldsNote, type FieldsResult } from '../analysis/readings.js';

/** The frame type by its first bytes (a whole frame when the group holds one message is too long to read). */
const head = (prefix: string): string => (prefix.length > 12 ? `${prefix.slice(0, 12)}…` : prefix || 'no common prefix');

export function fieldsReport(result: FieldsResult, limit: number): string {
  const out: string[] = [`Device ${result.device ?? '(no address in the captures)'}`, ''];
  result.readings.forEach((r, i) => {
    out.push(`Reading ${i + 1}${r.name ? ` (${r.name})` : ''}: shown ${r.shown.map((s) => s || '–').join(', ')}`);
    if (r.candidates.length === 0) out.push('  no field beyond chance');
    r.candidates.slice(0, limit).forEach((c, k) => {
      out.push(`  ${k + 1}. ${c.group} (${head(c.prefix)}, handle ${hex0x(c.handle, 4)}) ${describeField(c, r.unit)}`);
      out.push(`     rounds ${c.rounds}/${r.shown.filter((s) => s).length}, score ${c.score}, decoded ${c.decoded.map((d) => (d === null ? '–' : `${d}${r.unit}`)).join(', ')}  (${c.why.join('; ')})`);
    });
    if (r.candidates.length > limit) out.push(`  … ${r.candidates.length - limit} more (--limit, --json)`);
    out.push('');
  });
  if (result.cells.length) {
    out.push('Cell voltages (a run of cells whose sum is the pack voltage)');
    result.cells.slice(0, limit).forEach((c, k) => {
      out.push(`  ${k + 1}. ${c.group} (${head(c.prefix)}, handle ${hex0x(c.handle, 4)}) ${describeCells(c)}`);
      const first = c.decoded.find((d) => d) ?? [];
      out.push(`     rounds ${c.rounds}, sum ${c.sums.map((s) => (s === null ? '–' : `${s}${c.unit}`)).join(', ')}; first round: ${first.join(' ')}`);
    });
    out.push('');
  }
  if (result.notes.length) {
    out.push('Notes');
    for (const n of result.notes) out.push(`  - ${wordFieldsNote(n)}`);
  }
  return out.join('\n').replace(/\n*$/, '\n');
}
