// The one table `npm run bench` prints: every section returns rows, run.ts lays them out.

export interface BenchRow {
  /** The section the row belongs to, e.g. 'capture'. */
  section: string;
  measure: string;
  /** Already formatted ("412 MB/s", "1.9 M/s", "—"). */
  value: string;
  /** The goal in words, or '' when the row is informative. */
  goal: string;
  /** true/false when there is a goal, null otherwise. */
  ok: boolean | null;
}

export interface BenchOptions {
  /** Size of generated inputs in MB (--size). */
  sizeMB: number;
  /** Folder for generated inputs (removed afterwards unless --keep). */
  tmp: string;
  /** Progress lines go here (stderr), never into the table. */
  log: (line: string) => void;
}

/** One part of the benchmark. Others add theirs to SECTIONS in sections.ts. */
export interface BenchSection {
  name: string;
  run(opts: BenchOptions): Promise<BenchRow[]>;
}

export function formatTable(rows: BenchRow[]): string {
  const head = ['section', 'measure', 'value', 'goal', 'ok'];
  const cells = rows.map((r) => [r.section, r.measure, r.value, r.goal, r.ok === null ? '' : r.ok ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}

export const mb = (bytes: number): number => bytes / (1024 * 1024);
