// Drives the real wizard through its Prompter seam: a script of answers matched to questions in
// order; questions the script does not mention take their default (and are logged).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Interrupted } from '../src/errors.js';
import type { WizardIO } from '../src/wizard/io.js';
import type { Choice, Prompter } from '../src/wizard/prompter.js';
import { makeStyle } from '../src/wizard/style.js';
import { wrapLine } from '../src/table-layout.js';
import { realEngine } from '../src/wizard/engine.js';

export const INTERRUPT = Symbol('ctrl+c');

export interface Answer {
  /** The question this answer is for. */
  q: RegExp;
  /** A value, a choice picked by its label, or Ctrl+C. */
  a: string | boolean | number | { choose: RegExp } | typeof INTERRUPT;
}

export interface Scripted {
  io: WizardIO;
  /** Every question asked, in order. */
  asked: string[];
  output: string[];
  /** The output lines and the questions ('? message') in the order they came. */
  transcript: string[];
  /** Answers not used (a test asserts this is empty). */
  left(): Answer[];
}

/** `columns`: the terminal width the wizard sees (0: not a terminal). */
export function scriptedIO(script: Answer[], opts: { columns?: number } = {}): Scripted {
  const queue = [...script];
  const asked: string[] = [];
  const output: string[] = [];
  const transcript: string[] = [];
  const take = (message: string): Answer | null => {
    asked.push(message);
    transcript.push(`? ${message}`);
    const head = queue[0];
    if (head && head.q.test(message)) {
      queue.shift();
      if (head.a === INTERRUPT) throw new Interrupted();
      return head;
    }
    return null;
  };
  const prompter: Prompter = {
    async select<T>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T> {
      const a = take(q.message);
      if (a) {
        if (typeof a.a === 'object' && a.a !== null && 'choose' in a.a) {
          const re = a.a.choose;
          const c = q.choices.find((x) => re.test(x.name) && !x.disabled);
          if (!c) throw new Error(`no enabled choice matches ${re} in "${q.message}": ${q.choices.map((x) => x.name).join(' | ')}`);
          return c.value;
        }
        const c = q.choices.find((x) => x.value === a.a);
        if (!c) throw new Error(`answer ${String(a.a)} is not a choice of "${q.message}"`);
        return c.value;
      }
      if (q.default === undefined) throw new Error(`no scripted answer and no default for "${q.message}"`);
      return q.default;
    },
    async input(q) {
      const a = take(q.message);
      const value = a ? String(a.a) : q.default;
      if (value === undefined) throw new Error(`no scripted answer and no default for "${q.message}"`);
      const problem = q.validate?.(value) ?? null;
      if (problem) throw new Error(`answer "${value}" to "${q.message}" rejected: ${problem}`);
      return value;
    },
    async confirm(q) {
      const a = take(q.message);
      return a ? Boolean(a.a) : q.default;
    },
  };
  const io: WizardIO = {
    prompter,
    interactive: true,
    // Wrapped as the terminal IO wraps it, when the test gives a terminal width.
    out: (line = '') => {
      const lines = opts.columns ? line.split('\n').flatMap((l) => wrapLine(l, opts.columns! - 1)) : [line];
      output.push(lines.join('\n'));
      transcript.push(lines.join('\n'));
    },
    columns: () => opts.columns ?? 0,
    width: () => (opts.columns || 80) - 1,
    style: makeStyle(false),
    spinner: (text) => ({ update() {}, succeed: (t) => void output.push(`✔ ${t}`), fail: (t) => void output.push(`✖ ${t}`), stop() {} }),
  };
  return { io, asked, output, transcript, left: () => queue };
}

/** Writes a simulated capture of one state (`rounds` app sessions) and returns its path. */
export async function simulatedCapture(dir: string, name: string, o: { protocol?: string; switchOn: boolean; rounds?: number; seed?: number; format?: string; variant?: number }) {
  await mkdir(dir, { recursive: true });
  const sim = realEngine.simulate({ protocol: o.protocol ?? 'jbd', switchOn: o.switchOn, rounds: o.rounds ?? 3, seed: o.seed ?? 11, format: o.format ?? 'btsnoop', variant: o.variant ?? (o.switchOn ? 0 : 1) });
  const file = join(dir, `${name}${sim.extension}`);
  await writeFile(file, sim.bytes);
  return { file, truth: sim.truth, device: sim.deviceAddress };
}

/** Runs the CLI in this process with captured streams (stdin is not a terminal). */
export { runCli as cli } from './helpers/cli.js';

