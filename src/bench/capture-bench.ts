// Capture reading benchmark (issue 2): a ≥ 200 MB btsnoop built from real records, read by the
// capture driver and the ATT extractor in a separate process; tshark for comparison when present.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ChildResult } from './capture-child.js';
import { benchFile, loadSource, writeRepeated } from './capture-build.js';
import { type BenchOptions, type BenchRow, type BenchSection, mb } from './table.js';

const GOAL_MBPS = 200;
const GOAL_RSS_MB = 256;
const GOAL_TSHARK = 20;

function runChild(file: string): Promise<ChildResult> {
  const script = fileURLToPath(new URL('./capture-child.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`measuring process failed (${code}): ${err.trim()}`))));
  });
}

function hasTshark(): boolean {
  const r = spawnSync('tshark', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** Wall and CPU time of tshark extracting the ATT values (CPU from bash's `times`: children's user + sys). */
function timeTshark(file: string): Promise<{ wallMs: number; cpuMs: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const script = 'tshark -r "$1" -T fields -e btatt.value >/dev/null 2>&1 || exit 3; times';
    const child = spawn('bash', ['-c', script, 'bench', file], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`tshark failed (${code})`));
      // `times` prints the shell's then its children's "XmY.YYYs XmY.YYYs".
      const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(out.trim());
      const cpuMs = m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : null;
      resolve({ wallMs, cpuMs });
    });
  });
}

const f1 = (n: number): string => n.toFixed(n >= 100 ? 0 : 1);

export const captureBench: BenchSection = {
  name: 'capture',
  async run(o: BenchOptions): Promise<BenchRow[]> {
    const row = (measure: string, value: string, goal = '', ok: boolean | null = null): BenchRow => ({ section: 'capture', measure, value, goal, ok });
    const source = await loadSource();
    const file = benchFile(o.tmp);
    o.log(`building ${o.sizeMB} MB from ${source.packets.length} records of ${source.name}`);
    const built = writeRepeated(file, source, o.sizeMB);
    o.log(`measuring ${file}`);
    const r = await runChild(file);
    const sizeMB = mb(r.bytes);
    // Throughput per CPU second of the reading process ("one core"): other work on the machine
    // stretches the wall clock but not the CPU time. Both are shown, with the load average.
    const cpuMbps = sizeMB / (r.extractCpuMs / 1000);
    const wallMbps = sizeMB / (r.extractMs / 1000);
    const rssMB = r.maxRssKB / 1024;
    const load = loadavg()[0]!.toFixed(1);
    const rows = [
      row('input', `${f1(sizeMB)} MB btsnoop/1002, ${built.records} records (from ${source.name})`),
      row('parse only (driver + btsnoop reader)', `${f1(sizeMB / (r.parseCpuMs / 1000))} MB/s per CPU second (${f1(sizeMB / (r.parseMs / 1000))} MB/s wall)`),
      row('parse + ATT extraction', `${f1(cpuMbps)} MB/s per CPU second (${f1(r.extractCpuMs / 1000)} s CPU)`, `≥ ${GOAL_MBPS} MB/s`, cpuMbps >= GOAL_MBPS),
      row('parse + ATT extraction, wall clock', `${f1(wallMbps)} MB/s (${f1(r.extractMs / 1000)} s; load average ${load} on ${availableParallelism()} cores)`),
      row('ATT events', `${r.events} (${f1(r.events / (r.extractCpuMs / 1000) / 1e6)} M events per CPU second), ${r.connections} connection(s)`),
      row('peak RSS of the reading process', `${f1(rssMB)} MB`, `< ${GOAL_RSS_MB} MB on 1 GB`, rssMB < GOAL_RSS_MB),
    ];
    if (hasTshark()) {
      o.log('timing tshark -T fields -e btatt.value (this takes a while)');
      const ts = await timeTshark(file);
      const wallRatio = ts.wallMs / r.extractMs;
      if (ts.cpuMs !== null) {
        const ratio = ts.cpuMs / r.extractCpuMs;
        rows.push(row('tshark -T fields -e btatt.value', `${f1(ts.cpuMs / 1000)} s CPU: ${f1(ratio)}× ours (wall ${f1(ts.wallMs / 1000)} s: ${f1(wallRatio)}×)`, `≥ ${GOAL_TSHARK}×`, ratio >= GOAL_TSHARK));
      } else {
        rows.push(row('tshark -T fields -e btatt.value', `${f1(ts.wallMs / 1000)} s wall: ${f1(wallRatio)}× ours`, `≥ ${GOAL_TSHARK}×`, wallRatio >= GOAL_TSHARK));
      }
    } else {
      rows.push(row('tshark comparison', 'skipped: tshark is not on PATH'));
    }
    return rows;
  },
};
