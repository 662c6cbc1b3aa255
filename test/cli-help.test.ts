// Every command's --help (issue 7): exit 0, its usage line, and every option it accepts mentioned
// by name, so that the help cannot fall behind the options. Commands are found from the main help.
import { describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './helpers/cli.js';

function cli(...argv: string[]): Promise<CliResult> {
  return runCli(argv);
}

const top = await cli('--help');
const names = [...top.out.matchAll(/^ {2}([a-z]+) {2,}\S/gm)].map((m) => m[1]!);

describe('--help', () => {
  it('bms-wizard --help lists the commands and exits 0', () => {
    expect(top.code).toBe(0);
    expect(names).toEqual(expect.arrayContaining(['wizard', 'demo', 'explore', 'inspect', 'analyze', 'sessions', 'resume', 'export']));
    expect(top.out).toMatch(/--version/);
  });

  it('bms-wizard --version prints the package version', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default as { version: string };
    const r = await cli('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(version);
  });

  for (const name of names) {
    it(`${name} --help: exit 0, usage, every option named`, async () => {
      const { command } = (await import(`../src/commands/${name}.ts`)) as { command: { usage: string; options: Record<string, { short?: string }> } };
      for (const args of [[name, '--help'], [name, '-h']]) {
        const r = await cli(...args);
        expect(r.code, r.err).toBe(0);
        expect(r.err).toBe('');
        // The usage may go on under itself on a narrow output: its words, in order, start the help.
        expect(r.out.replace(/\s+/g, ' ').startsWith(`Usage: ${command.usage.replace(/\s+/g, ' ')}`)).toBe(true);
        for (const opt of Object.keys(command.options)) expect(r.out, `--${opt} in ${name} --help`).toContain(`--${opt}`);
        for (const g of ['--help', '--debug', '--yes']) expect(r.out).toContain(g);
      }
    });
    it(`${name} with an unknown option: exit 2, one sentence pointing at --help`, async () => {
      const r = await cli(name, '--no-such-option');
      expect(r.code).toBe(2);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(new RegExp(`--no-such-option.*bms-wizard ${name} --help`));
    });
  }
});

describe('option errors read as one sentence of ours', () => {
  it('an unknown option without a command points at the main help, not at the wizard command', async () => {
    const r = await cli('--no-such-option');
    expect(r.code).toBe(2);
    expect(r.err).toBe("error: unknown option '--no-such-option'. Run 'bms-wizard --help' for its options\n");
  });

  it('a value that starts with a dash, or no value: what to write, no raw parser text, no double period', async () => {
    const dash = await cli('analyze', '--min-support', '-1');
    expect(dash.code).toBe(2);
    expect(dash.err).toBe("error: option '--min-support' needs a value (a value that starts with '-' is written --min-support=-1). Run 'bms-wizard analyze --help' for its options\n");
    const none = await cli('analyze', '--min-support');
    expect(none.err).toBe("error: option '--min-support' needs a value. Run 'bms-wizard analyze --help' for its options\n");
    for (const r of [dash, none]) expect(r.err).not.toMatch(/\.\.|Did you forget|To specify/);
  });
});
