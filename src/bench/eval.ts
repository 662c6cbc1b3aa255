// `npm run eval`: every labelled case the repository can build (the simulated families and frame
// shapes over several seeds; the real corpus cases when ../shared is present), one table:
// case, framing chosen, rank of the true bit, pass. Exit code 1 when a case fails.
// Options: --only TEXT (cases whose name contains it), --seeds N (seeds 1..N, default 3),
// --random N (protocols drawn from seeds S..S+N-1, default 20), --random-seed S (default 1).
import { parseArgs } from 'node:util';
import { corpusCases, CORPUS_DIR, haveCorpus, shapeCases, simCases } from './eval-cases.js';
import { formatEval, runEval } from './eval-run.js';
import { DEFAULT_RANDOM, randomCases } from './eval-random.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, seeds: { type: 'string' }, random: { type: 'string' }, 'random-seed': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write('Usage: npm run eval -- [--only TEXT] [--seeds N] [--random N] [--random-seed S]\n');
    return 0;
  }
  const whole = (name: string, text: string | undefined, fallback: number, min: number): number | null => {
    const n = text === undefined ? fallback : Number(text);
    if (Number.isInteger(n) && n >= min) return n;
    process.stderr.write(`--${name} '${text}' is not a whole number of at least ${min}\n`);
    return null;
  };
  const n = whole('seeds', values.seeds, 3, 1);
  const random = whole('random', values.random, DEFAULT_RANDOM, 0);
  const from = whole('random-seed', values['random-seed'], 1, 1);
  if (n === null || random === null || from === null) return 2;
  const seeds = Array.from({ length: n }, (_, i) => i + 1);
  if (!haveCorpus()) process.stderr.write(`corpus not found at ${CORPUS_DIR}: corpus cases skipped\n`);
  const cases = [...simCases(seeds), ...shapeCases(seeds), ...randomCases(random, from), ...corpusCases()].filter((c) => values.only === undefined || c.name.includes(values.only));
  const rows = await runEval(cases);
  process.stdout.write(formatEval(rows));
  return rows.every((r) => r.pass || !r.counted) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`eval failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
