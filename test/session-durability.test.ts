// What keeps a saved session safe: a full disk never replaces a good save with a truncated one
// (and says so), a stale lock is taken over by exactly one of the processes that find it, and a
// polite kill (SIGTERM) leaves no lock behind.
import { spawn, spawnSync } from 'node:child_process';
import { writeSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { newSession } from '../src/session/schema.js';
import { loadSession, saveSession, sessionPath } from '../src/session/store.js';
import { DIST, ensureDist } from './helpers/dist.js';

const RACER = fileURLToPath(new URL('./helpers/lock-racer.mjs', import.meta.url));
let root: string;
beforeAll(async () => {
  await ensureDist();
  root = await mkdtemp(join(tmpdir(), 'bmsw-durable-'));
}, 180_000);
afterAll(() => rm(root, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

/** A pid that no process has (a child that already ended). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('a full disk never destroys the previous save', () => {
  it('a short write (the disk filled up mid-save) keeps the old file whole and says the disk is full', async () => {
    const dir = join(root, 'short');
    const file = sessionPath(dir, 's');
    const s = newSession('s', '1.0.0');
    s.notes = 'first';
    await saveSession(file, s);
    const good = await readFile(file, 'utf8');
    s.notes = 'x'.repeat(100_000);
    let budget = 4096; // the disk takes 4 KiB more, then nothing
    const write = (fd: number, buf: Uint8Array, off: number, len: number): number => {
      const n = Math.min(len, budget);
      budget -= n;
      return n === 0 ? 0 : writeSync(fd, buf, off, n);
    };
    const err = await failure(saveSession(file, s, new Date(), { write }));
    expect(err.message).toMatch(/disk holding .* is full/);
    expect(err.message).toMatch(/previous save of the session is intact/);
    expect(await readFile(file, 'utf8')).toBe(good);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await loadSession(file)).session.notes).toBe('first');
  });

  it('on a real full file system (a 256 KiB tmpfs) the save fails with one sentence and the old session loads', async () => {
    const dir = join(root, 'tmpfs');
    await mkdir(dir, { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { encoding: 'utf8' });
    if (mounted.status !== 0) {
      console.warn(`skipped: cannot mount a small tmpfs here (${(mounted.stderr || mounted.error?.message || '').trim()}); the injected short write above covers the same path`);
      return;
    }
    try {
      const file = sessionPath(dir, 'full');
      const s = newSession('full', '1.0.0');
      s.notes = 'small';
      await saveSession(file, s);
      const good = await readFile(file, 'utf8');
      s.notes = 'y'.repeat(400_000);
      const err = await failure(saveSession(file, s));
      expect(err.message).toMatch(/is full: nothing was written; the previous save of the session is intact/);
      expect(await readFile(file, 'utf8')).toBe(good);
      expect((await readdir(dir)).sort()).toEqual(['full.json']);
    } finally {
      spawnSync('umount', [dir]);
    }
  });
});

interface Racer {
  line: () => Promise<string>;
  send: (s: string) => void;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  pid: number;
}

function racer(file: string): Racer {
  const p = spawn(process.execPath, [RACER, DIST, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const queue: string[] = [];
  const waiting: ((s: string) => void)[] = [];
  let buf = '';
  p.stdout.on('data', (d: Buffer) => {
    buf += String(d);
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const l = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const w = waiting.shift();
      if (w) w(l);
      else queue.push(l);
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => p.on('exit', (code, signal) => r({ code, signal })));
  return {
    line: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r))),
    send: (s) => p.stdin.write(`${s}\n`),
    done,
    pid: p.pid!,
  };
}

describe('a stale lock has exactly one new owner', () => {
  it('6 processes started together on a stale lock, 10 trials: one owner each time, the others refused in one sentence', async () => {
    const dir = join(root, 'race');
    await mkdir(dir, { recursive: true });
    for (let trial = 0; trial < 10; trial++) {
      const file = sessionPath(dir, `t${trial}`);
      await writeFile(`${file}.lock`, JSON.stringify({ pid: deadPid(), host: hostname() }));
      const rs = Array.from({ length: 6 }, () => racer(file));
      for (const r of rs) expect(await r.line()).toBe('started');
      for (const r of rs) r.send('go');
      const answers = await Promise.all(rs.map((r) => r.line()));
      for (const r of rs) r.send('end');
      await Promise.all(rs.map((r) => r.done));
      expect(answers.filter((a) => a === 'owner'), answers.join('\n')).toHaveLength(1);
      for (const a of answers.filter((x) => x !== 'owner')) expect(a).toMatch(/^refused session .* is in use by another bms-wizard \(pid \d+\)/);
      expect((await readdir(dir)).filter((n) => n.startsWith(`t${trial}.`))).toEqual([]);
    }
  }, 120_000);

  it('SIGTERM while the lock is held releases it (the process still ends by the signal)', async () => {
    const dir = join(root, 'term');
    await mkdir(dir, { recursive: true });
    const file = sessionPath(dir, 'held');
    const r = racer(file);
    expect(await r.line()).toBe('started');
    r.send('go');
    expect(await r.line()).toBe('owner');
    expect(JSON.parse(await readFile(`${file}.lock`, 'utf8')).pid).toBe(r.pid);
    process.kill(r.pid, 'SIGTERM');
    expect((await r.done).signal).toBe('SIGTERM');
    expect(await readdir(dir)).toEqual([]);
  }, 30_000);
});
