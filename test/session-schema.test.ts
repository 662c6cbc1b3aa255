// A session file either loads fully or is refused with the JSON path of the first wrong field:
// every field the commands use is checked (the fields below used to pass and crash later), and a
// sessions folder that is a file is named as such.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'bmsw-schema-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let demo: Record<string, any>;
beforeAll(async () => {
  const d = join(root, 'demo');
  expect((await runCli(['demo', '--yes', '--sessions-dir', d])).code).toBe(0);
  demo = JSON.parse(readFileSync(join(d, readdirSync(d).find((n) => n.endsWith('.json') && !n.endsWith('.report.json'))!), 'utf8'));
}, 120_000);

const CASES: Array<[string, (s: Record<string, any>) => void, string]> = [
  ['a device address with regex characters (it broke --redact)', (s) => (s.device.address = 'a4:c1:(?:'), '$.device.address'],
  ['a GATT characteristic without properties', (s) => delete s.device.gatt[0].characteristics[0].properties, '$.device.gatt[0].characteristics[0].properties'],
  ['a GATT service without characteristics', (s) => delete s.device.gatt[0].characteristics, '$.device.gatt[0].characteristics'],
  ['a candidate agreement that is text', (s) => (s.analysis.result.candidates[0].agreement = 'x'), '$.analysis.result.candidates[0].agreement'],
  ['a candidate mask that is no mask', (s) => (s.analysis.result.candidates[0].mask = 2), '$.analysis.result.candidates[0].mask'],
  ['a group example that is not hex', (s) => (s.analysis.result.groups[0].example = 'zz'), '$.analysis.result.groups[0].example'],
  ['an accepted finding without its prefix', (s) => delete s.accepted.prefix, '$.accepted.prefix'],
  ['an event peer that is no address', (s) => (s.rounds[0].events[0].peer = '<b>'), '$.rounds[0].events[0].peer'],
];

describe('session fields are checked before use', () => {
  it.each(CASES)('%s: export --redact and sessions refuse it naming the JSON path (exit 2)', async (_what, edit, path) => {
    const s = structuredClone(demo);
    edit(s);
    const dir = join(root, Math.random().toString(16).slice(2));
    const file = join(dir, `${s.id}.json`);
    (await import('node:fs')).mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(s));
    const r = await runCli(['export', file, '--format', 'md', '--redact']);
    expect(r.code, r.err).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toContain(`at ${path},`);
    const list = await runCli(['sessions', '--sessions-dir', dir]);
    expect(list.code).toBe(0);
    expect(list.out).toContain(`at ${path},`);
  });
});

describe('a sessions folder that is a file', () => {
  it.each([['sessions'], ['export', 'latest'], ['resume', '--yes'], ['wizard', '--yes'], ['demo', '--yes']])('%s: exit 2, one sentence saying it is a file', async (...args) => {
    const file = join(root, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = await runCli([...args, '--sessions-dir', file]);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/--sessions-dir names .*not-a-folder, which is a file, not a folder/);
  });
});
