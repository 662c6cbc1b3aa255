// Bench section: the analysis of 100 000 messages of 300 bytes (goal: under 1 s on one core, linear in
// messages), and of 1 M in a fresh process (under 5 s and 1 GB: messages analysed, CPU, peak RSS).
import { analyze } from '../analysis/analyze.js';
import { countGroup, findBitCandidates } from '../analysis/bits.js';
import type { Message } from '../analysis/types.js';
import type { AttEvent, Round } from '../model.js';
import type { BenchRow, BenchSection } from './table.js';
import { valueBudget } from '../recorders/files.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What the analysis child process (analysis-child.ts) prints, as JSON. */
export interface AnalysisChildResult {
  messages: number;
  bytes: number;
  /** CPU seconds of analyze() alone. */
  cpuS: number;
  /** RSS once the input is built, and the peak of the whole process (MB). */
  inputRssMB: number;
  peakRssMB: number;
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
      events.push({ record: i + 1, t: 1_700_000_000_000_000 + i * 100_000, conn: 1, peer: 'c8:47:8c:00:00:01', dir: 'device-to-app', op: 'Handle Value Notification', opcode: 0x1b, handle: 0x12, uuid: null, value: f });
    }
    rounds.push({ state, index: Math.floor(r / 2) + 1, source: { kind: 'bench', files: [] }, events });
  }
  return rounds;
}

function child(messages: number): Promise<AnalysisChildResult> {
  const script = fileURLToPath(new URL('./analysis-child.js', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, String(messages)], { maxBuffer: 1 << 20 }, (err, stdout) => {
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
  async run({ log }): Promise<BenchRow[]> {
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
    rows.push({ section: 'analysis', measure: 'values one analysis can hold (heap limit / heap per value), refused beyond', value: valueBudget().toLocaleString('en-US'), goal: '', ok: null });
    return rows;
  },
};
