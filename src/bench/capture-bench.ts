// Capture reading benchmark (issue 12): one row group per capture shape of the table, each
// a file of --size MB built by repeating a real capture's records (shapes.ts), measured in a fresh
// process per mode: `inspect --summary`, `inspect --json` (input and output MB/s), the extraction
// under `analyze` (events with owned values). Figures are per CPU second of the measuring process:
// other work on the machine stretches the wall clock, not the CPU time. tshark for comparison on a
// smaller file of the same shape (it reads a few MB/s).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMode, ChildResult } from './capture-child.js';
import { benchShapes, writeShape } from './shapes.js';
import { zipOfFile } from './zip-shape.js';
import { type BenchOptions, type BenchRow, type BenchSection, mb } from './table.js';

const GOAL_MBPS = 400;
const GOAL_JSON_OUT_MBPS = 150;
const GOAL_RSS_MB = 256;
/** tshark reads 1–4 MB/s: it gets a file this large (MB) of the same shape, and so do we for the ratio. */
const TSHARK_MB = 8;
/** The log in the bench's bug report zip (MB): within what one zip may unpack to (512 MiB). */
const ZIP_LOG_MB = 400;

function runChild(file: string, mode: ChildMode): Promise<ChildResult> {
  const script = fileURLToPath(new URL('./capture-child.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, file, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`measuring process failed (${code}): ${err.trim()}`))));
  });
}

export function hasTshark(): boolean {
  const r = spawnSync('tshark', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** CPU time of tshark extracting the ATT values (from bash's `times`: children's user + sys), or wall time. */
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
    const rows: BenchRow[] = [];
    const tshark = hasTshark();
    for (const shape of benchShapes()) {
      const file = `${o.tmp}/${shape.name}.capture`;
      o.log(`${shape.name}: building ${o.sizeMB} MB from ${shape.from}`);
      const size = mb(writeShape(file, shape, o.sizeMB));
      const name = shape.name;
      rows.push(row(`${name}: input`, `${f1(size)} MB built from ${shape.from}`));
      const summary = await runChild(file, 'summary');
      const rate = size / (summary.cpuMs / 1000);
      const rss = summary.maxRssKB / 1024;
      rows.push(row(`${name}: inspect --summary`, `${f1(rate)} MB/s per CPU s (${f1(summary.cpuMs / 1000)} s CPU, ${f1(summary.wallMs / 1000)} s wall), peak RSS ${f1(rss)} MB`, `≥ ${GOAL_MBPS} MB/s, < ${GOAL_RSS_MB} MB`, rate >= GOAL_MBPS && rss < GOAL_RSS_MB));
      const extract = await runChild(file, 'extract');
      const xrate = size / (extract.cpuMs / 1000);
      const xrss = extract.maxRssKB / 1024;
      rows.push(row(`${name}: extraction under analyze`, `${f1(xrate)} MB/s per CPU s (${extract.items} events, values copied), peak RSS ${f1(xrss)} MB`, `≥ ${GOAL_MBPS} MB/s, < ${GOAL_RSS_MB} MB`, xrate >= GOAL_MBPS && xrss < GOAL_RSS_MB));
      const json = await runChild(file, 'json');
      const jin = size / (json.cpuMs / 1000);
      const jout = mb(json.outBytes) / (json.cpuMs / 1000);
      // Limited by what it writes: JSON at the goal's rate, or (little to write) reading at the summary's.
      rows.push(row(`${name}: inspect --json`, `${f1(jin)} MB/s read, ${f1(jout)} MB/s of JSON written (${f1(mb(json.outBytes))} MB)`, `≥ ${GOAL_JSON_OUT_MBPS} MB/s written or ≥ ${GOAL_MBPS} MB/s read`, jout >= GOAL_JSON_OUT_MBPS || jin >= GOAL_MBPS));
      if (tshark) {
        const small = `${o.tmp}/${shape.name}.small.capture`;
        const smallMB = mb(writeShape(small, shape, TSHARK_MB));
        o.log(`${shape.name}: timing tshark -T fields -e btatt.value on ${f1(smallMB)} MB`);
        const ts = await timeTshark(small);
        const ours = await runChild(small, 'extract');
        const tsMs = ts.cpuMs ?? ts.wallMs;
        rows.push(row(`${name}: tshark -T fields -e btatt.value (${f1(smallMB)} MB)`, `${f1(smallMB / (tsMs / 1000))} MB/s ${ts.cpuMs === null ? 'wall' : 'per CPU s'}: ours ${f1(tsMs / ours.cpuMs)}× faster`));
      }
    }
    if (!tshark) rows.push(row('tshark comparison', 'skipped: tshark is not on PATH (apt-get install tshark)'));
    // A bug report: the full-HCI Android log (the first shape) deflated into a zip, streamed out of
    // it. At most ZIP_LOG_MB: a larger entry is refused (the zip bomb cap, MAX_INFLATED_BYTES).
    const log = benchShapes()[0]!;
    const logFile = `${o.tmp}/${log.name}.zip-log.capture`;
    const logMB = mb(writeShape(logFile, log, Math.min(o.sizeMB, ZIP_LOG_MB)));
    const zip = `${o.tmp}/bugreport.zip`;
    o.log(`bugreport-zip: deflating ${f1(logMB)} MB of ${log.name} into ${zip}`);
    const zipBytes = await zipOfFile(logFile, zip);
    const z = await runChild(zip, 'summary');
    const zrss = z.maxRssKB / 1024;
    rows.push(row(`bugreport-zip: inspect --summary (${f1(mb(zipBytes))} MB zip of a ${f1(logMB)} MB ${log.name} log)`, `${f1(logMB / (z.cpuMs / 1000))} MB/s of log per CPU s, inflating included (${f1(z.cpuMs / 1000)} s CPU), peak RSS ${f1(zrss)} MB`, `< ${GOAL_RSS_MB} MB (the log streamed, not inflated whole)`, zrss < GOAL_RSS_MB));
    return rows;
  },
};
