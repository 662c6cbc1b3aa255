// Sessions that outgrow what one JSON file can hold: a big round's events go to a side file
// (compact binary, named by its hash) that the JSON names; they are read only when used, checked
// against their hash, and removed when no saved session names them. Older sessions (schema 3,
// events inline) load and are re-saved this way.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { newSession, type Session, type StoredEvent } from '../src/session/schema.js';
import { listSessions, loadSession, saveSession, sessionArtifacts, sessionPath } from '../src/session/store.js';
import { runCli } from './helpers/cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bmsw-events-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function events(n: number, seed = 0): StoredEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    record: i + 1,
    t: i % 97 === 0 ? null : 1_700_000_000_000_000 + i * 1000,
    conn: 1,
    peer: i % 5 === 0 ? null : 'a4:c1:38:00:11:22',
    dir: i % 3 === 0 ? 'app-to-device' : 'device-to-app',
    op: i % 3 === 0 ? 'Write Command' : 'Handle Value Notification',
    opcode: i % 3 === 0 ? 0x52 : 0x1b,
    handle: i % 3 === 0 ? 0x15 : 0x11,
    uuid: i % 7 === 0 ? null : 'ff01',
    value: Buffer.from([0xdd, (i + seed) & 0xff, (i >> 8) & 0xff, 0, 0x77].concat(Array.from({ length: i % 40 }, (_, k) => k))).toString('hex'),
  }));
}

function session(id: string, perRound: number): Session {
  const s = newSession(id, '1.0.0');
  for (const [k, state] of ['on', 'off'].entries()) {
    s.rounds.push({ state, index: 1, source: { kind: 'file', files: [] }, recordedAt: s.created, device: 'a4:c1:38:00:11:22', connections: [], otherEvents: 0, warnings: [], events: events(perRound, k) });
  }
  return s;
}

const sideFiles = (file: string): string[] => {
  try {
    return readdirSync(sessionArtifacts(file).captures).filter((n) => n.startsWith('events-'));
  } catch {
    return [];
  }
};

describe('big rounds keep their events out of the session JSON', () => {
  it('two rounds of 200 000 events: a small JSON naming two side files; loaded back, the events are the same', async () => {
    const s = session('big', 200_000);
    const file = sessionPath(dir, s.id);
    await saveSession(file, s);
    expect(sideFiles(file)).toHaveLength(2);
    expect(statSync(file).size).toBeLessThan(8 * 1024);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.schemaVersion).toBe(4);
    expect(doc.rounds[0].events).toBeUndefined();
    expect(doc.rounds[0].eventsFile).toMatchObject({ count: 200_000 });
    const { session: back } = await loadSession(file);
    expect(back.rounds[1]!.events).toEqual(s.rounds[1]!.events);
    expect(JSON.parse(JSON.stringify(back.rounds[0]!.events.slice(0, 3)))).toEqual(s.rounds[0]!.events.slice(0, 3));
  }, 60_000);

  it('small rounds stay inline; saving again rewrites no side file; a redone round replaces its file and the old one goes', async () => {
    const s = session('redo', 5000);
    s.rounds.push({ ...s.rounds[0]!, index: 2, events: events(10) });
    const file = sessionPath(dir, s.id);
    await saveSession(file, s);
    const first = sideFiles(file).sort();
    expect(first).toHaveLength(2);
    expect(JSON.parse(readFileSync(file, 'utf8')).rounds[2].events).toHaveLength(10);
    const { session: back } = await loadSession(file);
    const mtimes = first.map((n) => statSync(join(sessionArtifacts(file).captures, n)).mtimeMs);
    await saveSession(file, back); // events never read: files untouched
    expect(first.map((n) => statSync(join(sessionArtifacts(file).captures, n)).mtimeMs)).toEqual(mtimes);
    back.rounds[0]!.events = events(6000, 9);
    await saveSession(file, back);
    const after = sideFiles(file).sort();
    expect(after).toHaveLength(2);
    expect(after.filter((n) => first.includes(n))).toHaveLength(1);
    expect((await loadSession(file)).session.rounds[0]!.events).toEqual(events(6000, 9));
  });

  it('a side file that was changed is refused when the events are read, with one sentence naming it', async () => {
    const s = session('changed', 5000);
    const file = sessionPath(dir, s.id);
    await saveSession(file, s);
    const side = join(sessionArtifacts(file).captures, sideFiles(file)[0]!);
    const bytes = readFileSync(side);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(side, bytes);
    const { session: back } = await loadSession(file); // listing and loading need no events
    let err: unknown = null;
    try {
      void back.rounds.map((r) => r.events.length);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/events-[0-9a-f]{16}\.bin: its SHA-256 differs from the one in the session/);
    const r = await runCli(['export', file, '--format', 'md']);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a missing side file: the session is refused at load with one sentence (sessions lists it as unreadable)', async () => {
    const s = session('missing', 5000);
    const file = sessionPath(dir, s.id);
    await saveSession(file, s);
    await rm(join(sessionArtifacts(file).captures, sideFiles(file)[0]!));
    const err = await loadSession(file).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/the events of round \d \((on|off) #1\) are in .*events-[0-9a-f]{16}\.bin, which is missing/);
    expect((await listSessions(dir))[0]!.error).toMatch(/missing/);
  });

  it('a schema 3 session with 5 000 inline events per round is upgraded: loaded as is, saved with side files', async () => {
    const s = session('old', 5000) as unknown as Record<string, unknown>;
    const file = sessionPath(dir, 'old');
    writeFileSync(file, JSON.stringify({ ...s, schemaVersion: 3 }));
    const { session: back, migratedFrom } = await loadSession(file);
    expect(migratedFrom).toBe(3);
    expect(back.rounds[0]!.events).toHaveLength(5000);
    await saveSession(file, back);
    expect(sideFiles(file)).toHaveLength(2);
    expect((await loadSession(file)).session.rounds[1]!.events).toEqual(events(5000, 1));
  });
});
