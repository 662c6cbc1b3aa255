// Before/after proof that a storage change kept the analysis byte-identical: prints one line per
// labelled case of `npm run eval` (simulated families and shapes over five seeds, the random
// protocols, corpus cases)
// with the SHA-256 of analyze()'s JSON result. Run it with this build and with another (copy the
// compiled file into its dist/bench) and diff the two listings:
//   node dist/bench/analysis-digests.js > after.txt
import { createHash } from 'node:crypto';
import { analyze } from '../analysis/analyze.js';
import { corpusCases, haveCorpus, shapeCases, simCases } from './eval-cases.js';
import { DEFAULT_RANDOM, randomCases } from './eval-random.js';

const seeds = [1, 2, 3, 4, 5];
const cases = [...simCases(seeds), ...shapeCases(seeds), ...randomCases(DEFAULT_RANDOM), ...(haveCorpus() ? corpusCases() : [])];
for (const c of cases) {
  let line: string;
  try {
    const input = await c.build();
    line = createHash('sha256').update(JSON.stringify(analyze(input.rounds, input.options))).digest('hex');
  } catch (err) {
    line = `error ${err instanceof Error ? err.message : String(err)}`;
  }
  process.stdout.write(`${c.name}\t${line}\n`);
}
