// Analyses capture files as `analyze` does (loadCaptures, then analyze) in a fresh process, so that
// its peak RSS is the whole command's. Prints one JSON object on stdout.
// Usage: analysis-files-child ON_FILE OFF_FILE
import { analyze } from '../analysis/analyze.js';
import { loadCaptures } from '../recorders/files.js';

/** What analysis-files-child prints, as JSON. */
export interface FilesChildResult {
  values: number;
  messages: number;
  /** CPU seconds of reading and analysing. */
  cpuS: number;
  peakRssMB: number;
  found: string;
}

const [on, off] = process.argv.slice(2);
if (!on || !off) {
  process.stderr.write('usage: analysis-files-child ON_FILE OFF_FILE\n');
  process.exit(2);
}
const cpu = process.cpuUsage();
const { rounds, context } = await loadCaptures([`on=${on}`, `off=${off}`]);
let values = 0;
for (const r of rounds) values += r.events.length;
const res = analyze(rounds, { learnFrom: context });
const used = process.cpuUsage(cpu);
const c = res.candidates.find((x) => x.label === null);
const out: FilesChildResult = {
  values,
  messages: Object.values(res.states).reduce((a, s) => a + s.messages, 0),
  cpuS: (used.user + used.system) / 1e6,
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  found: c ? `${c.group} byte ${c.byte} mask ${c.mask}` : 'nothing',
};
process.stdout.write(`${JSON.stringify(out)}\n`);
