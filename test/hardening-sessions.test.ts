// Sessions under faults (issue 7): a process killed (SIGKILL) at random points while it saves,
// many times; sessions edited by hand into invalid JSON or a wrong schema; two processes writing
// the same session. The session file on disk must always be whole and loadable, temporary files
// are never taken for sessions, and every problem is one sentence with exit code 2.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSession } from '../src/session/schema.js';
import { findSessionFile, listSessions, loadSession, saveSession, sessionPath } from '../src/session/store.js';
import { DIST, ensureDist } from './helpers/dist.js';
import { type CliResult, runCli } from './helpers/cli.js';

const SAVER = fileURLToPath(new URL('./helpers/session-saver.mjs', import.meta.url));
let root: string;
beforeAll(async () => {
  await ensureDist();
  root = await mkdtemp(join(tmpdir(), 'bmsw-faults-'));
}, 180_000);
afterAll(() => rm(root, { recursive: true, force: true }));

interface Child {
  saved: () => number;
  ready: () => boolean;
  refused: () => string | null;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill: () => void;
  go: () => void;
}

function saver(file: string, mode: 'lock' | 'nolock', count?: number, wait = false): Child {
  const p = spawn(process.execPath, [SAVER, DIST, file, mode, String(count ?? 1e9), ...(wait ? ['wait'] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  let saved = 0;
  let ready = false;
  let refused: string | null = null;
  let buf = '';
  p.stdout.on('data', (d: Buffer) => {
    buf += String(d);
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const m = /^saved (\d+)$/.exec(line);
      if (m) saved = Number(m[1]);
      if (line === 'ready') ready = true;
      if (line.startsWith('refused ')) refused = line.slice(8);
    }
  });
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += String(d)));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    p.on('exit', (code, signal) => {
      if (code !== 0 && code !== 3 && signal === null) console.error(`saver failed (${code}): ${err}`);
      resolve({ code, signal });
    }),
  );
  return { saved: () => saved, ready: () => ready, refused: () => refused, done, kill: () => p.kill('SIGKILL'), go: () => p.stdin.write('go\n') };
}

/** Deterministic kill times (LCG, fixed seed). */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SIGKILL during saves', () => {
  it('50 kills at random points: the session file is always whole, at least as new as the last finished save, and temps are never sessions', async () => {
    const dir = join(root, 'kill');
    const file = sessionPath(dir, 'fault-test');
    const rand = prng(7);
    let lastAcked = 0;
    let killedWithTemp = 0;
    let next = saver(file, 'lock', undefined, true);
    for (let i = 0; i < 50; i++) {
      const c = next;
      c.go();
      next = saver(file, 'lock', undefined, true);
      // kill at a random point after the child is ready to save (a save takes tens of ms, with fsync)
      const wait = rand(i % 5 === 0 ? 20 : 150);
      for (let t = 0; t < 400 && !c.ready(); t++) await sleep(10);
      await sleep(wait);
      c.kill();
      const end = await c.done;
      expect(end.signal === 'SIGKILL' || end.code === 0, `run ${i}: ${JSON.stringify(end)}`).toBe(true);
      const acked = c.saved();
      const names = await readdir(dir).catch(() => [] as string[]);
      if (names.some((n) => n.endsWith('.tmp'))) killedWithTemp++;
      if (lastAcked === 0 && acked === 0) continue; // killed before the very first save finished
      const { session } = await loadSession(file);
      const n = Number(session.notes);
      // the file holds a save that finished: the last one the child reported, or one it finished just before the kill
      expect(n, `run ${i}`).toBeGreaterThanOrEqual(Math.max(lastAcked, acked));
      expect(n, `run ${i}`).toBeLessThanOrEqual(Math.max(lastAcked, acked) + 1);
      lastAcked = n;
      // a leftover temp file is never listed or picked as a session
      const listed = await listSessions(dir);
      expect(listed.map((l) => l.id)).toEqual(['fault-test']);
      expect(listed[0]!.error).toBeNull();
      expect(await findSessionFile(dir, 'latest')).toBe(file);
    }
    next.kill();
    await next.done;
    expect(lastAcked).toBeGreaterThan(0);
    // kills did land inside saves (a temp file left behind), or the test proved nothing
    expect(killedWithTemp).toBeGreaterThan(0);
    // the next save (under a lock taken over from the killed process) cleans every leftover temp
    const c = saver(file, 'lock', 1);
    expect((await c.done).code).toBe(0);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'))).toEqual([]);
    expect(Number((await loadSession(file)).session.notes)).toBe(lastAcked + 1);
  }, 90_000);
});

describe('two processes writing one session', () => {
  it('with the lock (as the wizard does): the second is refused with one sentence, the file stays whole', async () => {
    const dir = join(root, 'lock');
    const file = sessionPath(dir, 'fault-test');
    const b = saver(file, 'lock', 30, true); // started now, touches the session when told
    const a = saver(file, 'lock', 30);
    // wait until a holds the lock and saved once, then let b try
    for (let t = 0; t < 1000 && a.saved() === 0; t++) await sleep(10);
    expect(a.saved()).toBeGreaterThan(0);
    b.go();
    const [ea, eb] = await Promise.all([a.done, b.done]);
    expect(ea.code).toBe(0);
    expect(eb.code).toBe(3);
    expect(b.refused()).toMatch(/is in use by another bms-wizard \(pid \d+\)/);
    const { session } = await loadSession(file);
    expect(session.notes).toBe('30');
  }, 60_000);

  it('without the lock: saves race, yet every read sees a whole session and no temp file survives', async () => {
    const dir = join(root, 'race');
    const file = sessionPath(dir, 'fault-test');
    await saveSession(file, newSession('fault-test', '0.0.0-test'));
    const a = saver(file, 'nolock', 12);
    const b = saver(file, 'nolock', 12);
    let reads = 0;
    let finished = false;
    void Promise.all([a.done, b.done]).then(() => (finished = true));
    while (!finished) {
      const { session } = await loadSession(file); // throws on a torn or half-written file
      expect(session.id).toBe('fault-test');
      reads++;
      await sleep(5);
    }
    expect(reads).toBeGreaterThan(0);
    expect((await a.done).code).toBe(0);
    expect((await b.done).code).toBe(0);
    const { session } = await loadSession(file);
    expect(session.device.name).toMatch(/^writer \d+$/);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('resume refuses a session another live process holds: exit 2, one sentence', async () => {
    const dir = join(root, 'held');
    const file = sessionPath(dir, 'held');
    await saveSession(file, newSession('held', '0.0.0-test'));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(`${file}.lock`, JSON.stringify({ pid: holder.pid, host: (await import('node:os')).hostname(), at: new Date().toISOString() }));
      const r = await cli('resume', 'held', '--sessions-dir', dir, '--yes');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^error: session .*held\\.json is in use by another bms-wizard \\(pid ${holder.pid}\\)`));
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

function cli(...argv: string[]): Promise<CliResult> {
  return runCli(argv);
}

describe('sessions edited by hand', () => {
  const cases: Array<[string, (good: string) => string, RegExp]> = [
    ['invalid JSON', (g) => g.slice(0, g.length / 2), /is not valid JSON/],
    ['an empty file', () => '', /is not valid JSON.*the file is empty/],
    ['a JSON array', () => '[1, 2, 3]', /\S/],
    ['a wrong field type', (g) => g.replace(/"roundsPerState": \d+/, '"roundsPerState": "three"'), /roundsPerState/],
    ['a newer schema version', (g) => g.replace(/"schemaVersion": \d+/, '"schemaVersion": 99'), /schema|version/i],
    ['a round with a bad hex value', (g) => g.replace(/"value": "dd03001d"/, '"value": "xyz"'), /\$\.rounds\[0\]\.events\[0\]\.value/],
  ];
  for (const [what, edit, message] of cases) {
    for (const cmd of ['resume', 'export'] as const) {
      it(`${cmd} on a session with ${what}: exit 2, one sentence naming the file`, async () => {
        const dir = join(root, `edited-${cmd}-${what.replace(/\W+/g, '-')}`);
        const s = newSession('edited', '0.0.0-test');
        s.rounds.push({
          state: 'on',
          index: 1,
          source: { kind: 'file', files: [] },
          recordedAt: s.created,
          device: 'a4:c1:38:00:11:22',
          connections: [],
          otherEvents: 0,
          warnings: [],
          events: [{ record: 1, t: 1, conn: 1, peer: 'a4:c1:38:00:11:22', dir: 'device-to-app', op: 'Handle Value Notification', opcode: 0x1b, handle: 17, uuid: null, value: 'dd03001d' }],
        });
        const file = sessionPath(dir, 'edited');
        await saveSession(file, s);
        await loadSession(file); // whole before the edit
        await writeFile(file, edit(await readFile(file, 'utf8')));
        const r = cmd === 'resume' ? await cli('resume', 'edited', '--sessions-dir', dir, '--yes') : await cli('export', 'edited', '--format', 'json', '--sessions-dir', dir);
        expect(r.code, r.err).toBe(2);
        expect(r.err).toMatch(/^error: /);
        expect(r.err).toContain(file);
        expect(r.err).toMatch(message);
        expect(r.err.trimEnd().split('\n'), r.err).toHaveLength(1);
        expect(r.err).not.toMatch(/\n\s+at |unexpected failure/);
        expect(r.out).toBe('');
      });
    }
  }
});
