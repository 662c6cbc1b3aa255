// export --format bundle: one zip (report, JSON, frames as hex per state and round, the dissector),
// read back by python3's zipfile (a real consumer), with --redact applied to every file in it.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listZipEntries, readZipEntry } from '../src/capture/zip.js';
import { bundleZip } from '../src/export/bundle.js';
import type { Session } from '../src/session/schema.js';
import { runCli } from './helpers/cli.js';
import { demoSession } from './helpers/known-sessions.js';

const HAVE_PYTHON = spawnSync('python3', ['--version']).status === 0;

let dir: string;
let demo: Session;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bmsw-bundle-'));
  demo = await demoSession(join(dir, 'sessions'));
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The zip's files as python3's zipfile reads them (it checks every CRC). */
function unzip(path: string): Record<string, string> {
  const r = spawnSync('python3', ['-c', 'import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({n: z.read(n).decode("utf-8") for n in z.namelist()}))', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, string>;
}

describe.skipIf(!HAVE_PYTHON)('the bundle zip', () => {
  it('holds the report, the JSON, the frames per state and round and the dissector', async () => {
    const out = join(dir, 'demo.zip');
    const r = await runCli(['export', demo.id, '--format', 'bundle', '--out', out, '--sessions-dir', join(dir, 'sessions')]);
    expect(r.code).toBe(0);
    const files = unzip(out);
    const base = `bms-wizard-${demo.id}/`;
    const names = Object.keys(files).map((n) => n.slice(base.length));
    expect(Object.keys(files).every((n) => n.startsWith(base))).toBe(true);
    const roundFiles = demo.rounds.map((x) => `frames/${x.state}-round${x.index}.txt`);
    expect(names.sort()).toEqual(['report.json', 'report.md', `${demo.id}.lua`, ...roundFiles].sort());
    expect(files[`${base}report.md`]).toContain('# BMS protocol finding: discharge switch');
    expect(JSON.parse(files[`${base}report.json`]!)).toMatchObject({ kind: 'bms-wizard-report', accepted: { byte: 24 } });
    expect(files[`${base}${demo.id}.lua`]).toContain('DissectorTable.get("btatt.handle")');
    // Every frame of the finding's group in the analysis appears in the frames of its state.
    const on = roundFiles.filter((f) => f.startsWith('frames/on-')).map((f) => files[base + f]!).join('\n');
    expect(on).toMatch(/^dd03[0-9a-f]{68}$/m);
  }, 60_000);

  it('--redact reaches every file, frames included', async () => {
    const session = structuredClone(demo);
    const address = session.device.address!;
    // A frame that carries the device's address (as ECO-WORTHY frames do) and a note that names it.
    const round = session.rounds[0]!;
    const compact = address.replace(/:/g, '');
    round.events.push({ ...round.events.find((e) => e.dir === 'device-to-app')!, record: 999_999, value: `aa${compact}55` });
    session.notes = `device ${address}`;
    const zip = join(dir, 'redacted.zip');
    await writeFile(zip, bundleZip(session, true));
    const files = unzip(zip);
    const all = Object.values(files).join('\n').toLowerCase();
    expect(all).not.toContain(address.toLowerCase());
    expect(all).not.toContain(compact.toLowerCase());
    expect(all).toContain('xx:xx:xx:xx:xx:01');
    const plain = unzip(await (async () => { const p = join(dir, 'plain.zip'); await writeFile(p, bundleZip(session, false)); return p; })());
    expect(Object.values(plain).join('\n').toLowerCase()).toContain(compact.toLowerCase());
  }, 60_000);

  it('the zip reads back with the capture room\'s zip reader too (same names and contents)', async () => {
    const bytes = await readFile(join(dir, 'demo.zip'));
    const entries = listZipEntries(bytes);
    const py = unzip(join(dir, 'demo.zip'));
    expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(py).sort());
    for (const e of entries) expect(readZipEntry(bytes, e).toString('utf8')).toBe(py[e.name]);
  });
});
