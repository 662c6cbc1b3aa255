import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { newSession, SCHEMA_VERSION, type Session } from '../src/session/schema.js';
import { findSessionFile, listSessions, loadSession, lockSession, saveSession, sessionPath } from '../src/session/store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bmsw-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sample(id: string, at = new Date('2026-01-02T03:04:05Z')): Session {
  const s = newSession(id, '9.9.9', at);
  s.device.address = 'a4:c1:38:00:11:22';
  s.rounds.push({
    state: 'on',
    index: 1,
    source: { kind: 'file', files: [{ path: '/x/on.btsnoop', sha256: 'ab'.repeat(32) }] },
    recordedAt: at.toISOString(),
    device: 'a4:c1:38:00:11:22',
    connections: [{ conn: 1, peer: 'a4:c1:38:00:11:22', name: 'xiaoxiang', start: 1, end: 2 }],
    otherEvents: 3,
    warnings: [],
    events: [{ record: 7, t: 1000, conn: 1, peer: 'a4:c1:38:00:11:22', dir: 'device-to-app', op: 'Handle Value Notification', opcode: 0x1b, handle: 17, uuid: 'ff01', value: 'dd03001d' }],
  });
  return s;
}

async function expectInputError(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('session store', () => {
  it('saves atomically and loads what it saved', async () => {
    const s = sample('s1');
    const file = sessionPath(dir, s.id);
    await saveSession(file, s, new Date('2026-01-02T05:00:00Z'));
    expect((await readdir(dir)).sort()).toEqual(['s1.json']); // no temporary file left behind
    const { session, migratedFrom } = await loadSession(file);
    expect(migratedFrom).toBeNull();
    expect(session).toEqual(s);
    expect(session.updated).toBe('2026-01-02T05:00:00.000Z');
    // Saving again replaces the file whole.
    s.notes = 'second';
    await saveSession(file, s);
    expect((await loadSession(file)).session.notes).toBe('second');
  });

  it('names the file and the JSON path of a wrong field', async () => {
    const s = sample('s2');
    (s.rounds[0]!.events[0] as { value: string }).value = 'DD0';
    const file = join(dir, 's2.json');
    await writeFile(file, JSON.stringify(s));
    const err = await expectInputError(loadSession(file));
    expect(err.message).toContain(file);
    expect(err.message).toContain('$.rounds[0].events[0].value');
  });

  it('rejects invalid JSON, an empty file, a foreign JSON file and a newer schema with one sentence each', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"schemaVersion": 2, "id": ');
    expect((await expectInputError(loadSession(bad))).message).toMatch(/bad\.json is not valid JSON/);
    await writeFile(bad, '');
    expect((await expectInputError(loadSession(bad))).message).toMatch(/empty/);
    await writeFile(bad, JSON.stringify({ name: 'some-package', version: '1.0.0' }));
    expect((await expectInputError(loadSession(bad))).message).toMatch(/not a bms-wizard session.*schemaVersion/);
    await writeFile(bad, JSON.stringify([1, 2]));
    expect((await expectInputError(loadSession(bad))).message).toMatch(/array/);
    await writeFile(bad, JSON.stringify({ ...sample('x'), schemaVersion: SCHEMA_VERSION + 1 }));
    expect((await expectInputError(loadSession(bad))).message).toMatch(/newer bms-wizard/);
    await writeFile(bad, JSON.stringify({ ...sample('x'), target: { name: 'x', states: ['on'], roundsPerState: 3 } }));
    expect((await expectInputError(loadSession(bad))).message).toMatch(/\$\.target\.states.*at least 2/);
    expect((await expectInputError(loadSession(join(dir, 'missing.json')))).message).toMatch(/no such session file/);
    expect((await expectInputError(loadSession(dir))).message).toMatch(/folder/);
  });

  it('migrates a version 1 session to the current schema', async () => {
    const v1 = {
      schemaVersion: 1,
      toolVersion: '0.0.3',
      id: 'old-one',
      createdAt: '2025-05-01T10:00:00Z',
      updatedAt: '2025-05-01T11:00:00Z',
      step: 'analyze',
      deviceAddress: 'c8:47:8c:aa:bb:cc',
      deviceName: 'JBD-SP04S034',
      target: 'discharge switch',
      states: ['on', 'off'],
      roundsPerState: 2,
      sourceId: 'import',
      rounds: [
        { state: 'on', index: 1, files: ['/caps/on.btsnoop'], sha256: ['cd'.repeat(32)], events: [{ t: 5, conn: 1, peer: 'c8:47:8c:aa:bb:cc', dir: 'device-to-app', op: 'Handle Value Notification', opcode: 27, handle: 17, value: 'dd0300' }] },
      ],
      accepted: { group: 'g1', byte: 24, bit: 1 },
      notes: 'from v1',
    };
    const file = join(dir, 'old-one.json');
    await writeFile(file, JSON.stringify(v1));
    const { session, migratedFrom } = await loadSession(file);
    expect(migratedFrom).toBe(1);
    expect(session.schemaVersion).toBe(SCHEMA_VERSION);
    expect(session.tool.version).toBe('0.0.3');
    expect(session.device).toEqual({ name: 'JBD-SP04S034', address: 'c8:47:8c:aa:bb:cc', gatt: null });
    expect(session.target).toEqual({ kind: 'switch', name: 'discharge switch', states: ['on', 'off'], roundsPerState: 2 });
    expect(session.step).toBe('analyze');
    expect(session.rounds[0]!.source.files).toEqual([{ path: '/caps/on.btsnoop', sha256: 'cd'.repeat(32) }]);
    expect(session.rounds[0]!.events[0]).toMatchObject({ record: 1, uuid: null, value: 'dd0300', handle: 17 });
    expect(session.accepted).toMatchObject({ byte: 24, bit: 1, mask: '0x02' });
    expect(session.notes).toBe('from v1');
    // Saved back, it is a current session.
    await saveSession(file, session);
    expect(JSON.parse(await readFile(file, 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);
    expect((await loadSession(file)).migratedFrom).toBeNull();
  });

  it('lists sessions newest first, skips reports, shows unreadable files with their reason', async () => {
    await saveSession(sessionPath(dir, 'a'), sample('a'), new Date('2026-01-01T00:00:00Z'));
    await saveSession(sessionPath(dir, 'b'), sample('b'), new Date('2026-03-01T00:00:00Z'));
    await saveSession(sessionPath(dir, 'c'), sample('c'), new Date('2026-02-01T00:00:00Z'));
    await writeFile(join(dir, 'b.report.json'), '{}');
    await writeFile(join(dir, 'junk.json'), 'not json');
    const list = await listSessions(dir);
    const good = list.filter((l) => l.session);
    expect(good.map((l) => l.id)).toEqual(['b', 'c', 'a']);
    const junk = list.find((l) => l.id === 'junk');
    expect(junk?.error).toMatch(/not valid JSON/);
    expect(await findSessionFile(dir, undefined)).toBe(sessionPath(dir, 'b'));
    expect(await findSessionFile(dir, 'c')).toBe(sessionPath(dir, 'c'));
    expect(await findSessionFile(dir, sessionPath(dir, 'a'))).toBe(sessionPath(dir, 'a'));
    await expectInputError(findSessionFile(dir, 'zzz'));
    await expectInputError(findSessionFile(join(dir, 'nothing-here'), 'latest'));
  });

  it('refuses a second writer and takes over a stale lock', async () => {
    const file = sessionPath(dir, 'locked');
    const first = await lockSession(file);
    const err = await expectInputError(lockSession(file));
    expect(err.message).toMatch(/in use by another bms-wizard \(pid \d+\)/);
    await first.release();
    // A lock left by a process that no longer runs.
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    await writeFile(`${file}.lock`, JSON.stringify({ pid: deadPid, host: (await import('node:os')).hostname() }));
    const second = await lockSession(file);
    expect(JSON.parse(await readFile(`${file}.lock`, 'utf8')).pid).toBe(process.pid);
    await second.release();
    // A half-written lock (no pid) is stale too.
    await writeFile(`${file}.lock`, '');
    const third = await lockSession(file);
    await third.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a lock held by another live process', async () => {
    const file = sessionPath(dir, 'busy');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      await writeFile(`${file}.lock`, JSON.stringify({ pid: child.pid, host: (await import('node:os')).hostname() }));
      const err = await expectInputError(lockSession(file));
      expect(err.message).toContain(`pid ${child.pid}`);
    } finally {
      child.kill();
    }
  });

  it('removes temporary files left by a killed save, not those of a live writer', async () => {
    const s = sample('tmps');
    const file = sessionPath(dir, s.id);
    const child = spawn(process.execPath, ['-e', '0']);
    const dead = child.pid!;
    await new Promise((r) => child.on('exit', r));
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      await writeFile(join(dir, `.tmps.json.${dead}.a1b2c3.tmp`), '{"half":');
      await writeFile(join(dir, `.tmps.json.${live.pid}.d4e5f6.tmp`), '{"half":');
      await saveSession(file, s);
      expect((await readdir(dir)).sort()).toEqual([`.tmps.json.${live.pid}.d4e5f6.tmp`, 'tmps.json']);
      expect((await listSessions(dir)).map((l) => l.id)).toEqual(['tmps']);
    } finally {
      live.kill();
    }
  });
});
