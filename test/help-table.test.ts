// `--help` and `COMMAND --help` come from a static table (no command module loaded): the table must
// say exactly what the commands say, and the built CLI must print from it what the commands would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../src/commands/command.js';
import type { HelpTable } from '../src/help-table.js';
import { runCli } from './helpers/cli.js';
import { BIN, DIST, ensureDist, writeHelpTable } from './helpers/dist.js';

type Commands = Record<string, () => Promise<{ command: Command }>>;
let commands: Commands;
let table: HelpTable | null;
let built: HelpTable;

beforeAll(async () => {
  await ensureDist();
  const dist = (f: string): string => pathToFileURL(join(DIST, f)).href;
  const { COMMANDS } = (await import(dist('cli.js'))) as { COMMANDS: Commands };
  const help = (await import(dist('help-table.js'))) as typeof import('../src/help-table.js');
  const { VERSION } = (await import(dist('version.js'))) as { VERSION: string };
  commands = COMMANDS;
  table = help.readHelpTable(VERSION, Object.keys(COMMANDS));
  if (table === null) {
    // dist/ compiled by tsc alone: the build's second step writes the table.
    writeHelpTable();
    table = help.readHelpTable(VERSION, Object.keys(COMMANDS));
  }
  built = await help.buildHelpTable(VERSION, COMMANDS);
}, 120_000);

const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe('the static help table', () => {
  it('is current after the build and holds every command with its summary, usage, help and options', () => {
    expect(table).not.toBeNull();
    expect(Object.keys(table!.commands)).toEqual(Object.keys(commands));
    expect(table).toEqual(built);
  });

  it('the built CLI prints from it what the commands print (--help, COMMAND --help, -h)', async () => {
    const top = run('--help');
    expect(top.status).toBe(0);
    expect(top.stdout).toBe((await runCli(['--help'])).out);
    for (const name of Object.keys(commands)) {
      for (const flag of ['--help', '-h']) {
        const r = run(name, flag);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toBe((await runCli([name, flag])).out);
      }
    }
  }, 120_000);

  it('a bad option next to --help is refused as without the table', async () => {
    const r = run('inspect', '--help', '--no-such-option');
    const inProcess = await runCli(['inspect', '--help', '--no-such-option']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(inProcess.err);
  });
});
