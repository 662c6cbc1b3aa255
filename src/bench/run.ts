// `npm run bench`: runs every section of sections.ts and prints one table.
// Options: --size MB (generated capture size, default 200), --only NAME (one section), --keep (keep temp files).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SECTIONS } from './sections.js';
import { type BenchRow, formatTable } from './table.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { size: { type: 'string' }, only: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`Usage: npm run bench -- [--size MB] [--only ${SECTIONS.map((s) => s.name).join('|')}] [--keep]\n`);
    return 0;
  }
  const sizeMB = values.size === undefined ? 200 : Number(values.size);
  if (!Number.isFinite(sizeMB) || sizeMB <= 0) {
    process.stderr.write(`--size '${values.size}' is not a size in MB\n`);
    return 2;
  }
  const sections = values.only ? SECTIONS.filter((s) => s.name === values.only) : SECTIONS;
  if (sections.length === 0) {
    process.stderr.write(`no section '${values.only}' (known: ${SECTIONS.map((s) => s.name).join(', ')})\n`);
    return 2;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'bms-bench-'));
  // What the figures were measured on, so that runs on other machines can be compared.
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const rows: BenchRow[] = [
    { section: 'bench', measure: 'machine', value: `node ${process.version}, ${cpu}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start`, goal: '', ok: null },
  ];
  try {
    for (const s of sections) {
      const log = (line: string): void => void process.stderr.write(`[${s.name}] ${line}\n`);
      rows.push(...(await s.run({ sizeMB, tmp, log })));
    }
  } finally {
    if (values.keep) process.stderr.write(`kept ${tmp}\n`);
    else rmSync(tmp, { recursive: true, force: true });
  }
  rows.push({ section: 'bench', measure: 'load average at the end', value: loadavg().map((l) => l.toFixed(1)).join(' '), goal: '', ok: null });
  // Peak memory of this process: the analysis sections run here (the capture section measures its own child).
  rows.push({ section: 'bench', measure: 'peak RSS of the bench process (analysis sections)', value: `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`, goal: '', ok: null });
  process.stdout.write(formatTable(rows));
  return rows.some((r) => r.ok === false) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
