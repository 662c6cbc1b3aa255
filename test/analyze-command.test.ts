// `bms-wizard analyze` through the real CLI entry: JSON shape, human report, options and bad input.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulateCapture } from '../src/sim/capture.js';
import { type CliResult, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bms-analyze-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...argv: string[]): Promise<CliResult> {
  return runCli(['analyze', ...argv]);
}

const on = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 2, seed: 3, seconds: 4, otherDevice: true });
const off = simulateCapture({ protocol: 'jbd', switchOn: false, rounds: 2, seed: 4, seconds: 4, otherDevice: true, bms: on.bms, start: Date.UTC(2025, 2, 14, 12) * 1000 });
const off2 = simulateCapture({ protocol: 'jbd', switchOn: false, rounds: 1, seed: 5, seconds: 4, bms: on.bms, start: Date.UTC(2025, 2, 14, 13) * 1000, format: 'pklg' });
const onPath = join(dir, 'on.btsnoop');
const offPath = join(dir, 'off.btsnoop');
const off2Path = join(dir, 'off2.pklg');
writeFileSync(onPath, on.bytes);
writeFileSync(offPath, off.bytes);
writeFileSync(off2Path, off2.bytes);
const t = on.truth;

describe('analyze --json', () => {
  it('has the documented shape and the true bit first', async () => {
    const { code, out, err } = await cli('--state', `on=${onPath}`, '--state', `off=${offPath}`, '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['states', 'groups', 'candidates', 'findings']));
    expect(r.states.on).toMatchObject({ captures: 1, rounds: 2 });
    expect(r.states.off.messages).toBeGreaterThan(10);
    for (const g of r.groups) {
      expect(Object.keys(g)).toEqual(expect.arrayContaining(['id', 'handle', 'dir', 'key', 'prefix', 'length', 'frames', 'messages', 'example']));
      expect(g.id).toMatch(/^g\d+$/);
      expect(['device-to-app', 'app-to-device']).toContain(g.dir);
      expect(g.example).toMatch(/^([0-9a-f]{2})*$/);
    }
    const c = r.candidates[0];
    expect(Object.keys(c)).toEqual(expect.arrayContaining(['group', 'byte', 'bit', 'mask', 'values', 'support', 'agreement', 'label', 'score']));
    expect(c).toMatchObject({ byte: t.byte, bit: t.bit, mask: `0x${t.mask.toString(16).padStart(2, '0')}`, values: { on: t.on, off: 1 - t.on }, label: null });
    const g = r.groups.find((x: { id: string }) => x.id === c.group);
    expect(g.prefix.startsWith(t.prefix)).toBe(true);
    expect(g.frames).toBe('marker:dd+length@3+7');
    const scores = r.candidates.filter((x: { label: string | null }) => x.label === null).map((x: { score: number }) => x.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(r.findings).toEqual([]);
  });

  it('repeating --state with a label adds files (any format) to that state', async () => {
    const { code, out } = await cli('--state', `on=${onPath}`, '--state', `off=${offPath}`, '--state', `off=${off2Path}`, '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.states.off).toMatchObject({ captures: 2, rounds: 3 });
    expect(r.candidates[0]).toMatchObject({ byte: t.byte, bit: t.bit });
  });

  it('--find reports where a value sits', async () => {
    const { out } = await cli('--state', `on=${onPath}`, '--state', `off=${offPath}`, '--json', '--find', '0x1d');
    const r = JSON.parse(out);
    expect(r.findings.some((f: { offset: number; encoding: string }) => f.offset === 3 && f.encoding === 'u8')).toBe(true);
  });

  it('the seed rule (--key prefix:4 --frames none) is reported in the settings and groups', async () => {
    const { out } = await cli('--state', `on=${onPath}`, '--state', `off=${offPath}`, '--json', '--key', 'prefix:4', '--frames', 'none');
    const r = JSON.parse(out);
    expect(r.settings).toMatchObject({ key: 'prefix:4', frames: 'none' });
    expect(r.groups.every((g: { key: string; frames: string }) => g.key.startsWith('prefix:4=') && g.frames === 'none')).toBe(true);
  });
});

describe('analyze, human report', () => {
  it('shows groups, the table with byte/bit/mask, and the hex view with the bit marked; no colour when piped', async () => {
    const { code, out } = await cli('--state', `on=${onPath}`, '--state', `off=${offPath}`);
    expect(code).toBe(0);
    expect(out).not.toMatch(/\x1b\[/);
    expect(out).toMatch(/^Groups$/m);
    expect(out).toMatch(/#\s+group\s+byte\s+bit\s+mask\s+on\s+off\s+support\s+agreement\s+label\s+score/);
    expect(out).toMatch(new RegExp(`^\\s+1\\s+g\\d+\\s+${t.byte}\\s+${t.bit}\\s+0x0${t.mask}\\b`, 'm'));
    expect(out).toContain(`best: byte ${t.byte} bit ${t.bit} (0x0${t.mask})`);
    expect(out).toMatch(new RegExp(`← .*${t.byte}:0x0${t.mask}`));
  });
});

describe('analyze, bad input: one sentence, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['no --state', [], /no captures given/],
    ['one state', ['--state', `on=${onPath}`], /only one state/],
    ['a label without files', ['--state', 'on=', '--state', `off=${offPath}`], /names no capture file/],
    ['no label', ['--state', onPath, '--state', `off=${offPath}`], /needs a label and files/],
    ['a window with no traffic names where the traffic is', ['--state', `on=${onPath}@9000..9100`, '--state', `off=${offPath}`], /on\.btsnoop: no ATT traffic inside the window 9000\.\.9100 s; its ATT traffic is in records #\d+\.\.#\d+ \(\d+\.\d\.\.\d+\.\d s\)/],
    ['a window that ends before it starts', ['--state', `on=${onPath}@20..5`, '--state', `off=${offPath}`], /ends before it starts/],
    ['a missing file', ['--state', `on=${join(dir, 'nope.btsnoop')}`, '--state', `off=${offPath}`], /nope\.btsnoop/],
    ['bad --frames', ['--state', `on=${onPath}`, '--state', `off=${offPath}`, '--frames', 'magic'], /--frames 'magic'/],
    ['bad --key', ['--state', `on=${onPath}`, '--state', `off=${offPath}`, '--key', 'prefix:x'], /--key 'prefix:x'/],
    ['bad --handle', ['--state', `on=${onPath}`, '--state', `off=${offPath}`, '--handle', 'abc'], /--handle 'abc'/],
    ['a handle without traffic', ['--state', `on=${onPath}`, '--state', `off=${offPath}`, '--handle', '0x0999'], /carries no values/],
    ['an unknown device', ['--state', `on=${onPath}`, '--state', `off=${offPath}`, '--device', '11:22:33:44:55:66'], /has no ATT values/],
    ['bad --min-agreement', ['--state', `on=${onPath}`, '--state', `off=${offPath}`, '--min-agreement', '2'], /--min-agreement '2'/],
    ['bad --find', ['--state', `on=${onPath}`, '--state', `off=${offPath}`, '--find', 'lots'], /--find 'lots'/],
  ];
  for (const [name, argv, msg] of cases) {
    it(name, async () => {
      const { code, out, err } = await cli(...argv);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(msg);
      expect(err.trim().split('\n')).toHaveLength(1);
    });
  }
});
