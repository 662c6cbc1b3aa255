// Argument parsing → one command function. Turns typed errors into one sentence and an exit code.
import { parseArgs } from 'node:util';
import kleur from 'kleur';
import { colourEnabled } from './colour.js';
import { InputError, Interrupted } from './errors.js';
import { guardedStream, visible } from './text-safe.js';
import type { Command, CommandContext } from './commands/command.js';
import { type HelpEntry, type HelpTable, readHelpTable } from './help-table.js';
import { layoutHelp } from './help-layout.js';
import { howInvoked } from './invocation.js';
import { layoutTable, outputWidth, wrapWords } from './table-layout.js';
import { VERSION } from './version.js';

export const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  wizard: () => import('./commands/wizard.js'),
  demo: () => import('./commands/demo.js'),
  explore: () => import('./commands/explore.js'),
  inspect: () => import('./commands/inspect.js'),
  analyze: () => import('./commands/analyze.js'),
  fields: () => import('./commands/fields.js'),
  map: () => import('./commands/map.js'),
  identify: () => import('./commands/identify.js'),
  sessions: () => import('./commands/sessions.js'),
  resume: () => import('./commands/resume.js'),
  export: () => import('./commands/export.js'),
};

/** Options every command accepts. */
const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const;

/** The static help table when argv asks for help (and the table is current), else null. */
function helpTable(argv: string[]): HelpTable | null {
  return argv.includes('--help') || argv.includes('-h') || argv[0] === 'help' ? readHelpTable(VERSION, Object.keys(COMMANDS)) : null;
}

async function mainHelp(table: HelpTable | null, width: number): Promise<string> {
  const lines = [
    `bms-wizard ${VERSION} — find how a BMS encodes a switch or a reading in its Bluetooth LE traffic.`,
    '',
    'Usage: bms-wizard [command] [options]',
    '',
    'Commands:',
  ];
  const rows: string[][] = [];
  for (const [name, load] of Object.entries(COMMANDS)) rows.push([name, table ? table.commands[name]!.summary : (await load()).command.summary]);
  const commands = layoutTable(rows, { width, indent: 2, gap: 3, columns: [{}, { wrap: true }] }).flat();
  const tail = ['', 'Without a command, the guided wizard starts.', '', 'Global options: --help, --debug (stack traces), --yes (accept defaults, never prompt), --version.', '', "Run 'bms-wizard COMMAND --help' for a command's options."];
  return [layoutHelp(lines.join('\n'), width), ...commands, layoutHelp(tail.join('\n'), width)].join('\n') + '\n';
}

function commandHelp(c: HelpEntry, width: number): string {
  // The usage goes on under itself, as a command line is read.
  const usage = wrapWords(c.usage, width - 7).map((l, i) => `${i ? '       ' : 'Usage: '}${l}`);
  return `${usage.join('\n')}\n\n${layoutHelp(`${c.summary}\n\n${c.help.trimEnd()}\n\nGlobal options: --help, --debug, --yes`, width)}\n`;
}

export async function main(argv: string[], given: Omit<CommandContext, 'debug' | 'yes'>): Promise<number> {
  const debug = argv.includes('--debug');
  // Nothing a command prints can send a terminal more than colour and cursor moves.
  const ctx = { ...given, stdout: guardedStream(given.stdout), stderr: guardedStream(given.stderr) };
  try {
    if (argv[0] === '--version' || argv[0] === '-V') {
      ctx.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (argv[0] === 'help' || (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h'))) {
      ctx.stdout.write(await mainHelp(helpTable(argv), outputWidth(ctx.stdout, ctx.env)));
      return 0;
    }
    const named = argv[0] !== undefined && !argv[0].startsWith('-');
    const name = named ? argv[0]! : 'wizard';
    const load = COMMANDS[name];
    if (!load) throw new InputError(`unknown command '${name}'. Run 'bms-wizard --help' for the list`);
    // A help request parses with the static table: no command module is loaded to print it.
    const entry = helpTable(argv)?.commands[name];
    const command: HelpEntry & { run?: Command['run'] } = entry ?? (await load()).command;
    let parsed;
    try {
      parsed = parseArgs({
        args: named ? argv.slice(1) : argv,
        options: { ...GLOBAL_OPTIONS, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new InputError(`${parseArgsSentence(err as Error)}. Run '${named ? `bms-wizard ${name}` : 'bms-wizard'} --help' for its options`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      ctx.stdout.write(commandHelp(command, outputWidth(ctx.stdout, ctx.env)));
      return 0;
    }
    const run = command.run ?? (await load()).command.run;
    return await run(values, positionals, { ...ctx, debug, yes: Boolean(values.yes) });
  } catch (err) {
    return report(err, ctx.stderr, debug, ctx.env);
  }
}

/**
 * Node's parser text as one sentence of ours: "option '--min-support' needs a value (write
 * --min-support=-1 for a value that starts with '-')" instead of three lines ending in "..".
 */
export function parseArgsSentence(err: Error): string {
  const first = err.message.split('\n')[0]!.replace(/\. To specify.*$/, '').replace(/\.$/, '');
  const ambiguous = /^Option '(?:-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(first);
  if (ambiguous) return `option '${ambiguous[1]}' needs a value (a value that starts with '-' is written ${ambiguous[1]}=-1)`;
  const missing = /^Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(first);
  if (missing) return `option '${missing[1]}' needs a value`;
  return first.replace(/^Unknown option/, 'unknown option').replace(/^Option/, 'option');
}

/** One sentence on stderr and an exit code; the stack only with --debug. */
export function report(err: unknown, stderr: NodeJS.WritableStream, debug: boolean, env: NodeJS.ProcessEnv = process.env): number {
  const colour = colourEnabled(stderr, env);
  if (colour) kleur.enabled = true;
  const tag = colour ? kleur.red('error:') : 'error:';
  if (err instanceof Interrupted) {
    return 130;
  }
  if (err instanceof InputError) {
    stderr.write(`${tag} ${visible(err.message)}\n`);
    if (debug && err.stack) stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const message = visible(err instanceof Error ? err.message : String(err));
  stderr.write(`${tag} unexpected failure: ${message}${debug ? '' : ' (run again with --debug for details)'}\n`);
  if (debug && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return 1;
}

/** Entry point of bin/bms-wizard.js: the real process streams, and a quiet end when stdout is closed early (`| head`). */
export async function runFromProcess(): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const program = howInvoked(process.argv[1], process.env, process.cwd());
  process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, program });
}
