// Captures given as globs and folders: files that are not captures (a README beside the logs) are
// skipped and named, in the wizard's import and in `analyze --state on='dir/*.btsnoop'`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { ImportSource } from '../src/recorders/import.js';
import { simulateCapture } from '../src/sim/capture.js';
import { realEngine } from '../src/wizard/engine.js';
import { runCli } from './helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'bmsw-paths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const on = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 2, seed: 3, seconds: 4 });
const off = simulateCapture({ protocol: 'jbd', switchOn: false, rounds: 2, seed: 4, seconds: 4, bms: on.bms, start: Date.UTC(2025, 2, 14, 12) * 1000 });
for (const [dir, cap] of [['on', on], ['off', off]] as const) {
  mkdirSync(join(root, dir));
  writeFileSync(join(root, dir, 'round.btsnoop'), cap.bytes);
  writeFileSync(join(root, dir, 'README.md'), '# notes about these logs\n');
}
mkdirSync(join(root, 'notes'));
writeFileSync(join(root, 'notes', 'README.md'), 'no captures here\n');
writeFileSync(join(root, 'notes', 'empty.log'), '');

function ui(answer: string, warnings: string[]) {
  return { info() {}, warn: (m: string) => void warnings.push(m), confirm: async () => false, ask: async () => answer, waitForUser: async () => {}, progress: () => ({ update() {}, stop() {} }) };
}

describe("the wizard's import of a folder", () => {
  it('skips a file that is not a capture and says which', async () => {
    const warnings: string[] = [];
    const src = new ImportSource({ extract: realEngine.extract, cwd: root });
    const r = await src.recordRound({ state: 'on', index: 1, roundsPerState: 2, device: null, previous: [] }, ui(join(root, 'on'), warnings));
    expect(r.source.files[0]!.path).toBe(join(root, 'on', 'round.btsnoop'));
    expect(warnings).toContain('skipped 1 file that is not a capture: README.md');
  });

  it('a folder without any capture is refused in one sentence naming the skipped files', async () => {
    const src = new ImportSource({ extract: realEngine.extract, cwd: root });
    const err = await src.recordRound({ state: 'on', index: 1, roundsPerState: 2, device: null, previous: [] }, ui('notes', [])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('no capture among 2 files: skipped 2 files that are not a capture: README.md, empty.log');
  });

  it('a file named alone that is not a capture is still refused (it was meant)', async () => {
    const src = new ImportSource({ extract: realEngine.extract, cwd: root });
    const err = await src.recordRound({ state: 'on', index: 1, roundsPerState: 2, device: null, previous: [] }, ui(join(root, 'on', 'README.md'), [])).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/README\.md: not a capture this tool reads/);
  });
});

describe('analyze --state with globs and folders', () => {
  it("takes 'dir/*.btsnoop' and a folder, skipping what is not a capture with a warning", async () => {
    const glob = await runCli(['analyze', '--state', `on=${join(root, 'on', '*.btsnoop')}`, '--state', `off=${join(root, 'off')}`, '--json']);
    expect(glob.code, glob.err).toBe(0);
    expect(glob.err).toBe('warning: skipped 1 file that is not a capture: README.md\n');
    const r = JSON.parse(glob.out) as { states: Record<string, { rounds: number }>; candidates: { byte: number; bit: number }[] };
    expect(r.states.on!.rounds).toBe(2);
    expect(r.states.off!.rounds).toBe(2);
    expect(r.candidates[0]).toMatchObject({ byte: on.truth.byte, bit: on.truth.bit });
    const plain = await runCli(['analyze', '--state', `on=${join(root, 'on', 'round.btsnoop')}`, '--state', `off=${join(root, 'off', 'round.btsnoop')}`, '--json']);
    expect(JSON.parse(plain.out).candidates).toEqual(r.candidates);
  });

  it('a state whose files are none of them captures, and a pattern with a window: one sentence, exit 2', async () => {
    const none = await runCli(['analyze', '--state', `on=${join(root, 'notes')}`, '--state', `off=${join(root, 'off')}`]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^error: state 'on' has no capture: skipped 2 files that are not a capture: README\.md, empty\.log\n$/);
    const windowed = await runCli(['analyze', '--state', `on=${join(root, 'on')}@0..10`, '--state', `off=${join(root, 'off')}`]);
    expect(windowed.code).toBe(2);
    expect(windowed.err).toMatch(/a time window needs one file, not a pattern or a folder/);
  });

  it("'FILE@abc' is a window not understood, not a missing file", async () => {
    const r = await runCli(['analyze', '--state', `on=${join(root, 'on', 'round.btsnoop')}@abc`, '--state', `off=${join(root, 'off')}`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/window 'abc' of '.*round\.btsnoop' is not understood; write FILE@12\.5\.\.20 \(seconds\) or FILE@#195\.\.#209 \(records\)/);
    expect(r.err).not.toMatch(/no such file/);
  });
});
