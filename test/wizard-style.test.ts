import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { choosePrompter, defaultsPrompter } from '../src/wizard/prompter.js';
import { colourEnabled, makeStyle, startSpinner } from '../src/wizard/style.js';

const tty = Object.assign(new PassThrough(), { isTTY: true });
const pipe = new PassThrough();

describe('colour and spinners only on a terminal', () => {
  it('follows the stream, NO_COLOR, FORCE_COLOR and TERM=dumb', () => {
    expect(colourEnabled(tty, {})).toBe(true);
    expect(colourEnabled(pipe, {})).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled(tty, { TERM: 'dumb' })).toBe(false);
    expect(colourEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled(tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });

  it('styles are plain text when colour is off and ANSI when on', () => {
    expect(makeStyle(false).warn('x')).toBe('x');
    expect(makeStyle(true).warn('x')).toMatch(/\x1b\[\d+mx\x1b\[\d+m/);
  });

  it('prints one plain line instead of a spinner without an interactive stderr or with CI set', () => {
    for (const [stderr, env] of [[pipe, {}], [tty, { CI: 'true' }]] as const) {
      const lines: string[] = [];
      let written = '';
      stderr.on('data', (d) => (written += d));
      const s = startSpinner('working', { stderr, env, out: (l) => lines.push(l) });
      s.update('still working');
      s.succeed('done');
      expect(lines).toEqual(['✔ done']);
      expect(written).toBe('');
    }
  });
});

describe('a spinner under NO_COLOR', () => {
  it('writes no colour code on a terminal, not even in its end mark', async () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 80, cursorTo: () => true, moveCursor: () => true, clearLine: () => true });
    let written = '';
    stderr.on('data', (d) => (written += d));
    const s = startSpinner('working', { stderr, env: { NO_COLOR: '1' }, out: () => undefined });
    s.update('still working');
    s.succeed('analysed');
    const f = startSpinner('again', { stderr, env: { NO_COLOR: '1' }, out: () => undefined });
    f.fail('failed');
    await new Promise((r) => setImmediate(r));
    expect(written).toContain('✔ analysed');
    expect(written).toContain('✖ failed');
    expect(written).not.toMatch(/\x1b\[(3\d|9\d|1|2)m/);
  });
});

describe('prompters', () => {
  it('--yes takes every default and refuses questions without one', async () => {
    const log: string[] = [];
    const p = defaultsPrompter((l) => log.push(l));
    expect(await p.input({ message: 'Rounds', default: '3' })).toBe('3');
    expect(await p.confirm({ message: 'Redo?', default: false })).toBe(false);
    expect(await p.select({ message: 'Pick', choices: [{ name: 'A', value: 'a', disabled: 'no adapter' }, { name: 'B', value: 'b' }] })).toBe('b');
    expect(log).toEqual(['? Rounds 3', '? Redo? no', '? Pick B']);
    await expect(p.input({ message: 'Capture file' })).rejects.toThrow(InputError);
    await expect(p.input({ message: 'Capture file' })).rejects.toThrow(/--yes cannot answer "Capture file"/);
  });

  it('without a terminal and without --yes, asking is refused at once', () => {
    expect(() => choosePrompter({ yes: false, stdin: pipe, stdout: pipe }, 'wizard')).toThrow(/needs a terminal/);
    expect(() => choosePrompter({ yes: false, stdin: tty, stdout: tty }, 'wizard')).not.toThrow();
    expect(() => choosePrompter({ yes: true, stdin: pipe, stdout: pipe }, 'wizard')).not.toThrow();
  });
});
