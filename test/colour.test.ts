// Colour is decided in one place (src/colour.ts) for analyze, the wizard and cli errors:
// NO_COLOR set to a non-empty value turns it off (no-color.org); NO_COLOR='' does not.
import { PassThrough } from 'node:stream';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { colourEnabled } from '../src/colour.js';
import { simulateCapture } from '../src/sim/capture.js';

const dir = mkdtempSync(join(tmpdir(), 'bms-colour-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const on = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 2, seed: 3, seconds: 4 });
const off = simulateCapture({ protocol: 'jbd', switchOn: false, rounds: 2, seed: 4, seconds: 4, bms: on.bms, start: Date.UTC(2025, 2, 14, 12) * 1000 });
writeFileSync(join(dir, 'on.btsnoop'), on.bytes);
writeFileSync(join(dir, 'off.btsnoop'), off.bytes);

/** Runs the CLI with terminal streams (isTTY) and the given environment; returns stdout and stderr. */
async function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<{ out: string; err: string }> {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  const stderr = Object.assign(new PassThrough(), { isTTY: true });
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  await main(args, { stdin: new PassThrough(), stdout, stderr, env });
  return { out, err };
}

const ANSI = /\x1b\[\d+m/;

describe('colour decided in one place', () => {
  it('an empty NO_COLOR is as if it were not set', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    expect(colourEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled(tty, { NO_COLOR: '0' })).toBe(false); // any non-empty value
  });

  it('analyze on a terminal: colour unless NO_COLOR has a value', async () => {
    const args = ['analyze', '--state', `on=${join(dir, 'on.btsnoop')}`, '--state', `off=${join(dir, 'off.btsnoop')}`];
    expect((await onTerminal(args, { NO_COLOR: '' })).out).toMatch(ANSI);
    expect((await onTerminal(args, {})).out).toMatch(ANSI);
    expect((await onTerminal(args, { NO_COLOR: '1' })).out).not.toMatch(ANSI);
  });

  it('cli errors follow stderr and NO_COLOR', async () => {
    expect((await onTerminal(['analyze'], { NO_COLOR: '1' })).err).toMatch(/^error: /);
    expect((await onTerminal(['analyze'], {})).err).toMatch(ANSI);
  });
});
