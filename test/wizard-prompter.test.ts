// The terminal prompter (real @inquirer/prompts) on injected streams: typed keys in, Ctrl+C → Interrupted.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Interrupted } from '../src/errors.js';
import { inquirerPrompter } from '../src/wizard/prompter.js';

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (d) => (screen += String(d)));
  return { input, output, screen: () => screen, type: (s: string) => setTimeout(() => input.write(s), 30) };
}

describe('inquirer prompter on injected streams', () => {
  it('answers input, confirm and select from keys', async () => {
    const t = terminal();
    const p = inquirerPrompter({ input: t.input, output: t.output });
    t.type('charge switch\r');
    expect(await p.input({ message: 'Name of the switch', default: 'discharge switch' })).toBe('charge switch');
    t.type('y\r');
    expect(await p.confirm({ message: 'Redo this round?', default: false })).toBe(true);
    t.type('\x1b[B\r'); // arrow down, Enter
    expect(await p.select({ message: 'Source', choices: [{ name: 'Import', value: 'import' }, { name: 'adb', value: 'adb' }] })).toBe('adb');
    expect(t.screen()).toContain('Name of the switch');
  });

  it('re-asks when validation fails and takes the default on Enter', async () => {
    const t = terminal();
    const p = inquirerPrompter({ input: t.input, output: t.output });
    t.type('1\r');
    setTimeout(() => t.input.write('\x7f4\r'), 150); // backspace, 4, Enter
    const n = await p.input({ message: 'Rounds per state', default: '3', validate: (s) => (Number(s) >= 2 ? null : 'at least 2') });
    expect(n).toBe('4');
    expect(t.screen()).toContain('at least 2');
    t.type('\r');
    expect(await p.input({ message: 'Rounds per state', default: '3' })).toBe('3');
  });

  it('Ctrl+C becomes Interrupted', async () => {
    const t = terminal();
    const p = inquirerPrompter({ input: t.input, output: t.output });
    t.type('\x03');
    await expect(p.input({ message: 'Name of the switch', default: 'x' })).rejects.toBeInstanceOf(Interrupted);
  });
});
