import type { ParseArgsConfig } from 'node:util';

/** What every subcommand gets from cli.ts: streams and the global flags. */
export interface CommandContext {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** --debug: stack traces and internal details. */
  debug: boolean;
  /** --yes: accept every default, never prompt. */
  yes: boolean;
  /** How to run this bms-wizard again, for printed commands (default 'bms-wizard'). */
  program?: string;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One subcommand: its help, its options (node:util parseArgs), and the function that does the work. */
export interface Command {
  name: string;
  summary: string;
  /** Full --help text after the usage line. */
  usage: string;
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the exit code. Throws InputError for bad usage/input. */
  run(values: OptionValues, positionals: string[], ctx: CommandContext): Promise<number>;
}

/** The strings of a repeatable string option (parseArgs gives one value, a list, or nothing). */
export function stringList(v: OptionValues[string]): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}
