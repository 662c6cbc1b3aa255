// Start-up benchmark (issue 12): what the launcher costs for `--help`, every `COMMAND --help` and
// `inspect` of a ~10 KB capture, as the extra over `node -e ""` on the same machine: CPU time per
// run (the mean over several, from bash's `times`; it holds on a loaded machine) and the fastest
// wall time (what a user waits on an idle one).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../cli.js';
import { simulateCapture } from '../sim/capture.js';
import { corpusPath } from './shapes.js';
import type { BenchOptions, BenchRow, BenchSection } from './table.js';

const RUNS = 9;
const GOAL_HELP_MS = 30;
const GOAL_INSPECT_MS = 50;
const SMALL_CAPTURE = 'jbd_sp04s034_ffaa_auth_dl1001.btsnoop';

/** Mean CPU ms per run (children's user + sys from bash's `times`) and the fastest wall ms. */
function timed(args: string[]): { cpu: number; wall: number } {
  let wall = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    wall = Math.min(wall, performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  }
  const script = 'n=$1; shift; for i in $(seq "$n"); do "$0" "$@" >/dev/null 2>&1; done; times';
  const out = spawnSync('bash', ['-c', script, process.execPath, String(RUNS), ...args], { encoding: 'utf8' }).stdout ?? '';
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(out.trim());
  const cpu = m ? ((Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000) / RUNS : NaN;
  return { cpu, wall };
}

/** A ~10 KB capture: a real one when ../shared/captures is present, else a short simulated session. */
function smallCapture(tmp: string): { file: string; from: string } {
  const real = corpusPath(SMALL_CAPTURE);
  if (existsSync(real)) return { file: real, from: SMALL_CAPTURE };
  const file = `${tmp}/small.btsnoop`;
  writeFileSync(file, simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 1, seconds: 8 }).bytes);
  return { file, from: 'a simulated JBD session' };
}

export const startupBench: BenchSection = {
  name: 'startup',
  async run(o: BenchOptions): Promise<BenchRow[]> {
    const bin = fileURLToPath(new URL('../../bin/bms-wizard.js', import.meta.url));
    const node = timed(['-e', '']);
    const rows: BenchRow[] = [{ section: 'startup', measure: 'node -e ""', value: `${node.cpu.toFixed(0)} ms CPU a run (mean of ${RUNS}), ${node.wall.toFixed(0)} ms wall (fastest)`, goal: '', ok: null }];
    const extra = (measure: string, args: string[], goal: number): void => {
      o.log(measure);
      const t = timed([bin, ...args]);
      const cpu = t.cpu - node.cpu;
      rows.push({ section: 'startup', measure, value: `+${cpu.toFixed(0)} ms CPU over node -e "" (fastest wall ${t.wall.toFixed(0)} ms)`, goal: `≤ +${goal} ms (CPU)`, ok: cpu <= goal });
    };
    extra('bms-wizard --help', ['--help'], GOAL_HELP_MS);
    for (const name of Object.keys(COMMANDS)) extra(`bms-wizard ${name} --help`, [name, '--help'], GOAL_HELP_MS);
    const small = smallCapture(o.tmp);
    extra(`bms-wizard inspect (${small.from})`, ['inspect', small.file], GOAL_INSPECT_MS);
    return rows;
  },
};
