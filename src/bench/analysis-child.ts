// Analyses N generated messages in a fresh process (so that its peak RSS is the analysis' own, next
// to the input it is given). Prints one JSON object on stdout. Usage: analysis-child N [BYTES]
import { getHeapStatistics } from 'node:v8';
import { analyze } from '../analysis/analyze.js';
import { makeRounds, type AnalysisChildResult } from './analysis.js';

const n = Number(process.argv[2]);
const size = Number(process.argv[3] ?? 300);
if (!Number.isInteger(n) || n < 2 || !Number.isInteger(size) || size < 210) {
  process.stderr.write('usage: analysis-child MESSAGES [BYTES ≥ 210]\n');
  process.exit(2);
}
const rounds = makeRounds(n, 7, size);
const inputRssMB = Math.round(process.memoryUsage().rss / 1e6);
const cpu = process.cpuUsage();
const res = analyze(rounds);
const used = process.cpuUsage(cpu);
const c = res.candidates.find((x) => x.label === null);
const out: AnalysisChildResult = {
  messages: Object.values(res.states).reduce((a, s) => a + s.messages, 0),
  bytes: size,
  cpuS: (used.user + used.system) / 1e6,
  inputRssMB,
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  heapGiB: getHeapStatistics().heap_size_limit / 2 ** 30,
  found: c ? `byte ${c.byte} mask ${c.mask}` : 'nothing',
};
process.stdout.write(`${JSON.stringify(out)}\n`);
