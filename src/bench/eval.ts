// `npm run eval`: every labelled case the repository can build (the simulated families and frame
// shapes over several seeds; the real corpus cases when ../shared is present), one table:
// case, framing chosen, rank of the true bit, pass. Exit code 1 when a case fails.
// Options: --only TEXT (cases whose name contains it), --seeds N (seeds 1..N, default 3).
import { parseArgs } from 'node:util';
import { corpusCases, CORPUS_DIR, haveCorpus, shapeCases, simCases } from './eval-cases.js';
import { formatEval, runEval } from './eval-run.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, seeds: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write('Usage: npm run eval -- [--only TEXT] [--seeds N]\n');
    return 0;
  }
  const n = values.seeds === undefined ? 3 : Number(values.seeds);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--seeds '${values.seeds}' is not a whole number of at least 1\n`);
    return 2;
  }
  const seeds = Array.from({ length: n }, (_, i) => i + 1);
  if (!haveCorpus()) process.stderr.write(`corpus not found at ${CORPUS_DIR}: corpus cases skipped\n`);
  const cases = [...simCases(seeds), ...shapeCases(seeds), ...corpusCases()].filter((c) => values.only === undefined || c.name.includes(values.only));
  const rows = await runEval(cases);
  process.stdout.write(formatEval(rows));
  return rows.every((r) => r.pass) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`eval failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
