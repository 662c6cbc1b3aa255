// The only questions the wizard asks go through a Prompter, so tests and `--yes` can answer
// them. The terminal one wraps @inquirer/prompts (loaded at the first question: start-up stays
// fast for every command that asks none); Ctrl+C becomes Interrupted.
import type { input } from '@inquirer/prompts';
import { InputError, Interrupted } from '../errors.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  /** A reason shown instead of allowing the choice. */
  disabled?: string | false;
}

export interface Prompter {
  select<T>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  /** `validate` returns an error sentence or null. */
  input(q: { message: string; default?: string; validate?: (s: string) => string | null }): Promise<string>;
  confirm(q: { message: string; default: boolean }): Promise<boolean>;
}

function isExitPrompt(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}

let inquirer: Promise<typeof import('@inquirer/prompts')> | null = null;
const prompts = (): Promise<typeof import('@inquirer/prompts')> => (inquirer ??= import('@inquirer/prompts'));

/** @inquirer/prompts on the given streams (the terminal by default). */
export function inquirerPrompter(streams: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {}): Prompter {
  const context = { input: streams.input, output: streams.output, clearPromptOnDone: false } as Parameters<typeof input>[1];
  const guard = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      if (isExitPrompt(err)) throw new Interrupted();
      throw err;
    }
  };
  return {
    select<T>(q: { message: string; choices: Choice<T>[]; default?: T }) {
      const choices = q.choices.map((c) => ({ name: c.name, value: c.value, description: c.description, disabled: c.disabled || false }));
      return guard(prompts().then(({ select }) => select<T>({ message: q.message, choices, default: q.default, pageSize: 12, loop: false }, context)));
    },
    input(q) {
      return guard(
        prompts().then(({ input }) => input({ message: q.message, default: q.default, validate: q.validate ? (s: string) => q.validate!(s) ?? true : undefined }, context)),
      );
    },
    confirm(q) {
      return guard(prompts().then(({ confirm }) => confirm({ message: q.message, default: q.default }, context)));
    },
  };
}

/** `--yes`: every question takes its default; a question without one is an error, never a hang. */
export function defaultsPrompter(log?: (line: string) => void): Prompter {
  const say = (m: string, a: string): void => log?.(`? ${m} ${a}`);
  return {
    async select<T>(q: { message: string; choices: Choice<T>[]; default?: T }) {
      const enabled = q.choices.filter((c) => !c.disabled);
      const pick = q.default !== undefined ? q.choices.find((c) => c.value === q.default && !c.disabled) : enabled[0];
      if (!pick) throw new InputError(`--yes cannot answer "${q.message}": no default choice`);
      say(q.message, pick.name);
      return pick.value;
    },
    async input(q) {
      if (q.default === undefined) throw new InputError(`--yes cannot answer "${q.message}": it has no default. Run without --yes in a terminal`);
      const problem = q.validate?.(q.default) ?? null;
      if (problem) throw new InputError(`--yes cannot answer "${q.message}": the default is not valid (${problem})`);
      say(q.message, q.default);
      return q.default;
    },
    async confirm(q) {
      say(q.message, q.default ? 'yes' : 'no');
      return q.default;
    },
  };
}

/** Chooses the prompter for a command: --yes, a terminal, or a clear refusal (exit 2). */
export function choosePrompter(ctx: { yes: boolean; stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream }, command: string, log?: (line: string) => void): Prompter {
  if (ctx.yes) return defaultsPrompter(log);
  const tty = Boolean((ctx.stdin as { isTTY?: boolean }).isTTY && (ctx.stdout as { isTTY?: boolean }).isTTY);
  if (!tty) {
    throw new InputError(`'bms-wizard ${command}' asks questions and needs a terminal; run it in a terminal, or pass --yes to accept every default`);
  }
  return inquirerPrompter({ input: ctx.stdin, output: ctx.stdout });
}
