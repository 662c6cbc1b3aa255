// Measures one capture in a fresh process (so that its peak RSS is the reading's own): a parse-only
// pass, then parse + ATT extraction. Prints one JSON object on stdout.
import { readCaptureFile } from '../capture/read.js';
import { createAttExtractor } from '../hci/extractor.js';

export interface ChildResult {
  bytes: number;
  records: number;
  parseMs: number;
  parseCpuMs: number;
  extractMs: number;
  extractCpuMs: number;
  events: number;
  valueBytes: number;
  connections: number;
  maxRssKB: number;
}

async function measure(file: string, mode: string): Promise<ChildResult> {
  let packets = 0;
  let parseMs = 0;
  let parseCpuMs = 0;
  if (mode !== 'extract') {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await readCaptureFile(file, () => void packets++);
    parseMs = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    parseCpuMs = (used.user + used.system) / 1000;
  }
  let events = 0;
  let valueBytes = 0;
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  const x = createAttExtractor((e) => {
    events++;
    valueBytes += e.value.length;
  });
  const info = await readCaptureFile(file, x.push);
  const r = x.finish();
  const extractMs = performance.now() - t1;
  const cpu = process.cpuUsage(cpu0);
  if (info.damage) throw info.damage;
  return {
    bytes: info.bytes,
    records: info.records,
    parseMs,
    parseCpuMs,
    extractMs,
    extractCpuMs: (cpu.user + cpu.system) / 1000,
    events,
    valueBytes,
    connections: r.connections.length,
    maxRssKB: process.resourceUsage().maxRSS,
  };
}

const [file, mode = 'both'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: capture-child FILE [both|extract]\n');
  process.exit(2);
}
measure(file, mode).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
