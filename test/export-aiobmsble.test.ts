// export --format aiobmsble: the draft's decode, run by python3 on the recorded frames (fed at their
// captured fragment boundaries), gives the accepted values; the header says what was checked.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiobmsbleDraft, type ExportFile } from '../src/export/aiobmsble.js';
import { decoderModel } from '../src/export/decoder-model.js';
import type { Session } from '../src/session/schema.js';
import { HAVE_CORPUS } from './helpers/capture-corpus.js';
import { runCli } from './helpers/cli.js';
import { demoSession, lumentreeSession } from './helpers/known-sessions.js';

const HAVE_PYTHON = spawnSync('python3', ['--version']).status === 0;
if (!HAVE_PYTHON) console.warn('export-aiobmsble: python3 is not installed, skipping the draft runs');

let dir: string;
let demo: Session;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bmsw-aiobmsble-'));
  demo = await demoSession(join(dir, 'sessions'));
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

async function runDraft(files: ExportFile[], where: string): Promise<{ status: number | null; out: string }> {
  for (const f of files) {
    await mkdir(dirname(join(where, f.path)), { recursive: true });
    await writeFile(join(where, f.path), f.data);
  }
  const test = files.find((f) => f.path.startsWith('tests/'))!;
  const plugin = files.find((f) => f.path.startsWith('aiobmsble/'))!;
  const r = spawnSync('python3', [join(where, test.path)], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: dirname(join(where, plugin.path)), PYTHONDONTWRITEBYTECODE: '1' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!HAVE_PYTHON)('the aiobmsble draft in python3', () => {
  it('the demo session: every recorded frame decodes to its state, the header says python3 ran it', async () => {
    const r = await runCli(['export', demo.id, '--format', 'aiobmsble', '--out', join(dir, 'demo-draft'), '--sessions-dir', join(dir, 'sessions')]);
    expect(r.code).toBe(0);
    const plugin = await readFile(join(dir, 'demo-draft', 'aiobmsble/bms/xiaoxiang_bms.py'), 'utf8');
    expect(plugin).toMatch(/^Checked: when exported, python3 ran tests\/test_xiaoxiang_bms\.py: .* gave the accepted value of each state \(ok: \d+ recorded frames decoded\)\.$/m);
    expect(plugin).toMatch(/^Not checked: The BMS class itself was not run/m);
    expect(plugin).toContain('class BMS(BaseBMS):');
    expect(plugin).toContain('def uuid_services()');
    expect(plugin).toContain('normalize_uuid_str("ff00")');
    expect(plugin).toContain('def matcher_dict_list()');
    const files = aiobmsbleDraft(decoderModel(demo), 'test');
    const run = await runDraft(files, join(dir, 'demo-run'));
    expect(run.out).toMatch(/ok: (\d+) recorded frames decoded/);
    expect(Number(/ok: (\d+)/.exec(run.out)![1])).toBeGreaterThanOrEqual(20);
    expect(run.status).toBe(0);
  }, 60_000);

  it('accepted readings: the draft reads them from the recorded frames (pack voltage, a cell array)', async () => {
    const session = structuredClone(demo);
    const base = { group: 'g2', handle: 0x11, shown: [], decoded: [], rule: 'test' };
    session.readings = [
      { ...base, name: 'pack voltage', unit: 'V', prefix: 'dd03001d', offset: 4, size: 2, type: 'u16', endian: 'be', scale: 0.01, add: 0 },
      { ...base, name: 'cells', unit: 'V', prefix: 'dd04', offset: 4, size: 2, type: 'u16', endian: 'be', scale: 0.001, add: 0, count: 4 },
    ];
    const files = aiobmsbleDraft(decoderModel(session), 'test');
    const test = files.find((f) => f.path.startsWith('tests/'))!.data;
    expect(test).toMatch(/\{"pack_voltage": \d+\.\d+\}/);
    expect(test).toMatch(/\{"cells": \[\d/);
    const run = await runDraft(files, join(dir, 'readings'));
    expect(run.status, run.out).toBe(0);
    // A wrong expected reading fails.
    const wrong = files.map((f) => (f.path.startsWith('tests/') ? { ...f, data: f.data.replace(/\{"pack_voltage": (\d+)/, (_m, v: string) => `{"pack_voltage": ${Number(v) + 1}`) } : f));
    expect((await runDraft(wrong, join(dir, 'readings-wrong'))).status).not.toBe(0);
  }, 60_000);

  it('the test fails when a recorded value is wrong (it can fail)', async () => {
    const files = aiobmsbleDraft(decoderModel(demo), 'test').map((f) => (f.path.startsWith('tests/') ? { ...f, data: f.data.replace(/\], True\),/, '], False),') } : f));
    const run = await runDraft(files, join(dir, 'demo-wrong'));
    expect(run.status).not.toBe(0);
    expect(run.out).toContain('AssertionError');
  }, 60_000);

  it.skipIf(!HAVE_CORPUS)('a session from real Lumentree captures: the register decodes from 1–9 byte fragments', async () => {
    const session = await lumentreeSession();
    const files = aiobmsbleDraft(decoderModel(session), 'test');
    const test = files.find((f) => f.path.startsWith('tests/'))!.data;
    expect(test).toMatch(/\("off", \["[0-9a-f]+", "[0-9a-f]+"/); // several notifications per frame
    const run = await runDraft(files, join(dir, 'lumentree'));
    expect(run.out).toMatch(/ok: 2 recorded frames decoded/);
    expect(run.status).toBe(0);
  }, 60_000);

  it('a hostile target name stays inside Python strings and comments', async () => {
    const session = structuredClone(demo);
    session.target.name = 'x"""\nimport os; os.system("touch /tmp/pwned-py")\n"';
    const run = await runDraft(aiobmsbleDraft(decoderModel(session), 'test'), join(dir, 'hostile'));
    expect(run.status).toBe(0);
    expect(spawnSync('ls', ['/tmp']).stdout.toString()).not.toContain('pwned-py');
  }, 60_000);
});
