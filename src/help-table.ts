// The help of every command as a static table, so that `--help` and `COMMAND --help` start without
// importing any command (the wizard's alone pulls in most of the tool). `npm run build` writes it
// next to the compiled CLI (dist/help-table.json) from the commands themselves; a table older than
// the compiled commands, or written by another version, is not used (the commands are loaded).
import { readFileSync, statSync } from 'node:fs';
import type { Command } from './commands/command.js';

export type HelpEntry = Pick<Command, 'summary' | 'usage' | 'help' | 'options'>;

export interface HelpTable {
  version: string;
  commands: Record<string, HelpEntry>;
}

const TABLE = new URL('./help-table.json', import.meta.url);
/** Compiled files the help text comes from besides each command's own module. */
const SOURCES = ['./cli.js', './commands/analysis-flags.js', './analysis/options.js'];

/** The table built from the command modules (what the build writes). */
export async function buildHelpTable(version: string, commands: Record<string, () => Promise<{ command: Command }>>): Promise<HelpTable> {
  const table: HelpTable = { version, commands: {} };
  for (const [name, load] of Object.entries(commands)) {
    const { summary, usage, help, options } = (await load()).command;
    table.commands[name] = { summary, usage, help, options };
  }
  return table;
}

function mtime(url: URL): number {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** The written table when it is current for these commands and this version, else null. */
export function readHelpTable(version: string, names: string[]): HelpTable | null {
  let table: HelpTable;
  let written: number;
  try {
    written = statSync(TABLE).mtimeMs;
    table = JSON.parse(readFileSync(TABLE, 'utf8')) as HelpTable;
  } catch {
    return null;
  }
  if (table.version !== version || names.some((n) => table.commands[n] === undefined)) return null;
  const sources = [...SOURCES, ...names.map((n) => `./commands/${n}.js`)];
  if (sources.some((s) => mtime(new URL(s, import.meta.url)) > written)) return null;
  return table;
}

/** Where the build writes the table. */
export const HELP_TABLE_FILE = TABLE;
