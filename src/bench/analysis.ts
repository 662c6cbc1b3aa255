// Bench section: the analysis of 100 000 messages of 300 bytes (goal: under 1 s on one core, linear in
// messages), of 1 M in a fresh process (under 5 s and 1 GB: messages analysed, CPU, peak RSS), of
// 10 M in a fresh process with Node's default heap (completes, linear), and `analyze` of 1 GB of captures.
import { analyze } from '../analysis/analyze.js';
import { countGroup, findBitCandidates } from '../analysis/bits.js';
import type { Message } from '../analysis/types.js';
import type { AttEvent, Round } from '../model.js';
import type { BenchRow, BenchSection } from './table.js';
import { valueBudget } from '../recorders/files.js';
import { KeptEvent, Links } from '../recorders/kept-event.js';
import { execFile } from 'node:child_process';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { analyzeFilesRows } from './analysis-files.js';

/** What the analysis child process (analysis-child.ts) prints, as JSON. */
export interface AnalysisChildResult {
  messages: number;
  bytes: number;
  /** CPU seconds of analyze() alone. */
  cpuS: number;
  /** RSS once the input is built, and the peak of the whole process (MB). */
  inputRssMB: number;
  peakRssMB: number;
  /** The child's heap limit (GiB). */
  heapGiB: number;
  found: string;
}

/** Rounds of JK-like frames (300 bytes unless told, one notification each): cells, currents, a counter, a switch byte, sum8. */
export function makeRounds(messages: number, seed = 7, size = 300): Round[] {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s >> 8;
  };
  const states = ['on', 'off'];
  const perRound = Math.ceil(messages / 10);
  const rounds: Round[] = [];
  const links = new Links();
  let made = 0;
  for (let r = 0; r < 10; r++) {
    const state = states[r % 2]!;
    const events: AttEvent[] = [];
    // Values live in shared slabs, as the extractor keeps them (not one buffer per value).
    let slab = new Uint8Array(0);
    let used = 0;
    for (let i = 0; i < perRound && made < messages; i++, made++) {
      if (used + size > slab.length) [slab, used] = [new Uint8Array(Math.max(size, 4 << 20)), 0];
      const f = slab.subarray(used, (used += size));
      f.set([0x55, 0xaa, 0xeb, 0x90, 0x02, i & 0xff]);
      for (let c = 0; c < 32 && 7 + 2 * c < size - 2; c++) {
        f[6 + 2 * c] = rnd() & 0xff;
        f[7 + 2 * c] = 0x0c + (rnd() & 1);
      }
      for (let k = 150; k < Math.min(170, size); k++) f[k] = rnd() & 0xff;
      f[Math.min(199, size - 2)] = state === 'on' ? 1 : 0;
      let sum = 0;
      for (let k = 0; k < size - 1; k++) sum += f[k]!;
      f[size - 1] = sum & 0xff;
      // Kept as the capture door keeps them (extractWithinBudget): compact events, views made when read.
      events.push(new KeptEvent({ record: i + 1, t: 1_700_000_000_000_000 + i * 100_000, conn: 1, peer: 'c8:47:8c:00:00:01', dir: 'device-to-app', op: 'Handle Value Notification', opcode: 0x1b, handle: 0x12, uuid: null, value: f }, f, links));
    }
    rounds.push({ state, index: Math.floor(r / 2) + 1, source: { kind: 'bench', files: [] }, events });
  }
  return rounds;
}

/** 10 M messages × 300 bytes hold 3 GB of bytes and ~2.4 GB of heap (5.5 GB peak RSS): run where the machine has the memory. */
const TEN_M_MEMORY = 8 * 2 ** 30;

function child(messages: number): Promise<AnalysisChildResult> {
  const script = fileURLToPath(new URL('./analysis-child.js', import.meta.url));
  // Node's default heap: no NODE_OPTIONS of the bench's own caller either.
  const env = { ...process.env, NODE_OPTIONS: '' };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, String(messages)], { maxBuffer: 1 << 20, env }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout) as AnalysisChildResult);
    });
  });
}

function cpuSeconds(fn: () => void): number {
  const a = process.cpuUsage();
  fn();
  const d = process.cpuUsage(a);
  return (d.user + d.system) / 1e6;
}

export const analysisBench: BenchSection = {
  name: 'analysis',
  async run(o): Promise<BenchRow[]> {
    const { log } = o;
    const rows: BenchRow[] = [];
    const big = makeRounds(100_000);
    const half = makeRounds(50_000);
    analyze(makeRounds(2_000)); // warm up the JIT
    let found = '';
    const tFull = cpuSeconds(() => {
      const res = analyze(big);
      const c = res.candidates.find((x) => x.label === null);
      found = c ? `byte ${c.byte} mask ${c.mask}` : 'nothing';
    });
    const tHalf = cpuSeconds(() => void analyze(half));
    log(`100 000 messages: ${tFull.toFixed(2)} s CPU, best candidate ${found}; 50 000: ${tHalf.toFixed(2)} s`);
    rows.push({ section: 'analysis', measure: 'analyze 100 000 messages × 300 bytes (CPU)', value: `${tFull.toFixed(2)} s (${Math.round(100_000 / tFull / 1000)} k messages/s)`, goal: '< 1 s', ok: tFull < 1 && found === 'byte 199 mask 0x01' });
    const ratio = tFull / tHalf;
    rows.push({ section: 'analysis', measure: 'time ratio 100 000 / 50 000 messages', value: ratio.toFixed(2), goal: 'linear (≤ 2.5)', ok: ratio <= 2.5 });
    // The bit statistics alone: one histogram increment per byte.
    const msgs: Message[] = big.flatMap((r, ri) => r.events.map((e) => ({ state: r.state, round: ri, handle: e.handle, dir: e.dir, bytes: e.value, t: e.t, record: e.record, parts: 1, request: null, orphan: false })));
    const tBits = cpuSeconds(() => void findBitCandidates(countGroup(msgs, ['on', 'off']), 0.9));
    rows.push({ section: 'analysis', measure: 'bit statistics (messages/s)', value: `${(msgs.length / tBits / 1e6).toFixed(1)} M/s`, goal: '', ok: null });
    // 1 M messages in a fresh process: its peak RSS is the analysis' own, next to its input.
    const m = await child(1_000_000);
    log(`1 000 000 messages: ${m.cpuS.toFixed(2)} s CPU, peak RSS ${m.peakRssMB} MB (input ${m.inputRssMB} MB), best candidate ${m.found}`);
    rows.push({ section: 'analysis', measure: 'analyze 1 000 000 messages × 300 bytes: messages analysed, CPU', value: `${m.messages.toLocaleString('en-US')} in ${m.cpuS.toFixed(2)} s`, goal: '< 5 s', ok: m.cpuS < 5 && m.found === 'byte 199 mask 0x01' });
    rows.push({ section: 'analysis', measure: 'analyze 1 000 000 messages × 300 bytes: peak RSS (input alone)', value: `${m.peakRssMB} MB (${m.inputRssMB} MB)`, goal: '< 1024 MB', ok: m.peakRssMB < 1024 });
    rows.push({ section: 'analysis', measure: 'values one analysis can hold with the default heap (heap limit / heap per value), refused beyond', value: valueBudget().toLocaleString('en-US'), goal: '≥ 10 M', ok: valueBudget() >= 10_000_000 });
    // 10 M messages, within the budget above: the child has Node's default heap.
    if (totalmem() >= TEN_M_MEMORY && valueBudget() >= 10_000_000) {
      const t = await child(10_000_000);
      log(`10 000 000 messages: ${t.cpuS.toFixed(1)} s CPU, peak RSS ${t.peakRssMB} MB (input ${t.inputRssMB} MB), best candidate ${t.found}`);
      rows.push({ section: 'analysis', measure: 'analyze 10 000 000 messages × 300 bytes (default heap): messages analysed, CPU', value: `${t.messages.toLocaleString('en-US')} in ${t.cpuS.toFixed(1)} s (${(t.cpuS / m.cpuS).toFixed(1)} × 1 M), heap limit ${t.heapGiB.toFixed(1)} GiB`, goal: 'completes, linear (≤ 25 × 1 M)', ok: t.messages === 10_000_000 && t.found === 'byte 199 mask 0x01' && t.cpuS <= 25 * m.cpuS });
      rows.push({ section: 'analysis', measure: 'analyze 10 000 000 messages × 300 bytes: peak RSS (input alone)', value: `${t.peakRssMB} MB (${t.inputRssMB} MB)`, goal: '', ok: null });
    } else {
      rows.push({ section: 'analysis', measure: 'analyze 10 000 000 messages × 300 bytes', value: `not run: needs ${TEN_M_MEMORY / 2 ** 30} GiB of memory and a heap for 10 M values, the machine has ${(totalmem() / 2 ** 30).toFixed(1)} GiB, the heap holds ${valueBudget().toLocaleString('en-US')}`, goal: '', ok: null });
    }
    rows.push(...(await analyzeFilesRows(o, 1024)));
    return rows;
  },
};
