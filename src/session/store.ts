// Session files on disk: where they live, atomic saves, validated loads, listing, and a
// lock so that two processes never write the same session.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { tempNameFor, writeFileDurably, type WriteFn } from '../durable-write.js';
import { InputError } from '../errors.js';
import { completeResult } from './complete.js';
import { migrateSession } from './migrate.js';
import { attachRoundEvents, externalizeRoundEvents, removeUnnamedEventFiles } from './round-events.js';
import { type Session } from './schema.js';
import { validateSession } from './validate.js';

/** --sessions-dir, then BMS_WIZARD_SESSIONS, then ./sessions. */
export function resolveSessionsDir(option: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  const dir = resolve(cwd, option ?? (env.BMS_WIZARD_SESSIONS || undefined) ?? 'sessions');
  let st: Stats | undefined;
  try {
    st = statSync(dir);
  } catch {
    // Missing: created on the first save.
  }
  if (st && !st.isDirectory()) {
    const named = option !== undefined ? '--sessions-dir' : env.BMS_WIZARD_SESSIONS ? 'BMS_WIZARD_SESSIONS' : 'the default sessions folder';
    throw new InputError(`${named} names ${dir}, which is a file, not a folder: name a folder (it is created when missing)`);
  }
  return dir;
}

export function sessionPath(dir: string, id: string): string {
  return join(dir, `${id}.json`);
}

/** Exports and capture folders sit next to the session, named after it. */
export function sessionArtifacts(file: string): { md: string; json: string; html: string; captures: string } {
  const base = file.replace(/\.json$/, '');
  return { md: `${base}.report.md`, json: `${base}.report.json`, html: `${base}.report.html`, captures: base };
}

/** "20261129-035600-a1b2": sortable, unique enough, safe as a file name. */
export function newSessionId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

function isSessionFileName(name: string): boolean {
  return name.endsWith('.json') && !name.endsWith('.report.json') && !name.startsWith('.');
}

/**
 * Writes the session atomically (temporary file, every byte checked, fsync, rename, folder fsync).
 * A crash or a full disk at any point leaves the old or the new file, whole.
 */
export async function saveSession(file: string, session: Session, now: Date = new Date(), opts: { write?: WriteFn; inlineEvents?: number } = {}): Promise<void> {
  const before = session.updated;
  session.updated = now.toISOString();
  const folder = sessionArtifacts(file).captures;
  try {
    // Big rounds' events first (side files), then the JSON that names them.
    const { doc, names } = await externalizeRoundEvents(session, folder, { write: opts.write, inlineMax: opts.inlineEvents });
    await writeFileDurably(file, `${JSON.stringify(doc, null, 1)}\n`, { write: opts.write, previous: 'the previous save of the session' });
    await removeUnnamedEventFiles(folder, names);
  } catch (err) {
    session.updated = before;
    throw err;
  }
  await removeStaleTemps(dirname(file), basename(file));
}

/** Temporary files of saves that a killed process left behind (its pid no longer runs). */
async function removeStaleTemps(dir: string, name: string): Promise<void> {
  const prefix = `.${name}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
    const pid = Number(n.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid)) await unlink(join(dir, n)).catch(() => undefined);
  }
}

/** Reads, migrates and validates; any problem is one InputError naming the file. */
export async function loadSession(file: string): Promise<{ session: Session; migratedFrom: number | null }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${file}: no such session file. Run 'bms-wizard sessions' to list them`);
    if (code === 'EISDIR') throw new InputError(`${file} is a folder, not a session file`);
    throw new InputError(`${file} cannot be read (${code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const where = m ? ` near byte ${m[1]}` : '';
    throw new InputError(`${file} is not valid JSON${where} (${text.trim() === '' ? 'the file is empty' : (err as Error).message.replace(/^.*?: /, '')}). Fix or remove the file, or start a new session`);
  }
  const { doc: current, from } = migrateSession(doc, file);
  const session = validateSession(current, file);
  // One type after load: what an older file lacks is filled in (session/complete.ts).
  if (session.analysis) session.analysis.result = completeResult(session.analysis.result);
  attachRoundEvents(session, sessionArtifacts(file).captures, file);
  return { session, migratedFrom: from === session.schemaVersion ? null : from };
}

export interface SessionListing {
  id: string;
  file: string;
  session: Session | null;
  /** Why the file could not be loaded. */
  error: string | null;
  updated: string;
}

/** Every session file in the folder, newest first; unreadable ones are listed with their error. */
export async function listSessions(dir: string): Promise<SessionListing[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(`cannot list the sessions folder ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const out: SessionListing[] = [];
  for (const name of names.filter(isSessionFileName)) {
    const file = join(dir, name);
    try {
      const { session } = await loadSession(file);
      out.push({ id: session.id, file, session, error: null, updated: session.updated });
    } catch (err) {
      const mtime = await stat(file).then((s) => s.mtime.toISOString()).catch(() => new Date(0).toISOString());
      out.push({ id: name.replace(/\.json$/, ''), file, session: null, error: (err as Error).message, updated: mtime });
    }
  }
  return out.sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : a.id < b.id ? 1 : -1));
}

/** A session named by id, by file path, or the newest one when `ref` is undefined/'latest'. */
export async function findSessionFile(dir: string, ref: string | undefined): Promise<string> {
  if (ref === undefined || ref === 'latest') {
    const all = (await listSessions(dir)).filter((s) => s.session !== null);
    if (all.length === 0) throw new InputError(`no sessions in ${dir}. Run 'bms-wizard' to start one`);
    return all[0]!.file;
  }
  if (ref.endsWith('.json') || ref.includes('/') || ref.includes('\\')) return resolve(ref);
  if (!/^[A-Za-z0-9._-]+$/.test(ref)) throw new InputError(`'${ref}' is neither a session id nor a session file`);
  const file = sessionPath(dir, ref);
  const exists = await stat(file).then(() => true, () => false);
  if (exists) return file;
  // A unique prefix of an id is enough.
  const matches = (await listSessions(dir)).filter((s) => s.id.startsWith(ref));
  if (matches.length === 1) return matches[0]!.file;
  if (matches.length > 1) throw new InputError(`'${ref}' matches ${matches.length} sessions in ${dir}: ${matches.map((m) => m.id).join(', ')}`);
  throw new InputError(`no session '${ref}' in ${dir}. Run 'bms-wizard sessions' to list them`);
}

export interface SessionLock {
  file: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Ends a signal the way the default action would, once our own clean-up ran. */
function reraise(signal: NodeJS.Signals): void {
  process.kill(process.pid, signal);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A takeover marker older than this was left by a process killed in the few calls it is held for. */
const MARKER_STALE_MS = 5000;

/**
 * An exclusive lock file (SESSION.lock, holding pid, host and a token). A lock left by a process
 * that is gone (same host, pid not running) is stale and taken over; a live one is refused.
 * The takeover is atomic: only the process that creates SESSION.lock.takeover exclusively may
 * remove a stale lock, and only after reading it again unchanged; everyone else waits and looks
 * again. The lock is released on exit and on SIGTERM/SIGHUP, so only SIGKILL leaves one behind.
 */
export async function lockSession(file: string): Promise<SessionLock> {
  const lockFile = `${file}.lock`;
  const marker = `${lockFile}.takeover`;
  await mkdir(dirname(lockFile), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new InputError(`cannot create the sessions folder ${dirname(lockFile)} (${err.code ?? err.message})`);
  });
  const token = randomBytes(8).toString('hex');
  const me = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString(), token });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (createExclusive(lockFile, me, file)) return heldLock(lockFile, me);
    let text: string | null = null;
    try {
      text = await readFile(lockFile, 'utf8');
    } catch {
      continue; // released between our create and our read: try again
    }
    refuseLiveHolder(text, file, lockFile);
    // Stale: claim the takeover, check that the lock did not change, remove it.
    if (createExclusive(marker, me, file)) {
      try {
        const again = await readFile(lockFile, 'utf8').catch(() => null);
        if (again === text) await unlink(lockFile).catch(() => undefined);
      } finally {
        await unlink(marker).catch(() => undefined);
      }
      continue;
    }
    const age = await stat(marker).then((st) => Date.now() - st.mtimeMs, () => 0);
    if (age > MARKER_STALE_MS) await unlink(marker).catch(() => undefined);
    await sleep(5 + Math.random() * 20);
  }
  throw new InputError(`cannot lock ${file}: another process keeps taking the lock`);
}

/**
 * Creates `path` holding `text` if it does not exist; false when it does. The text is written to
 * a temporary file first and linked into place, so a lock is never seen half-written.
 */
function createExclusive(path: string, text: string, session: string): boolean {
  const tmp = tempNameFor(path);
  const fail = (err: unknown): InputError => new InputError(`cannot lock ${session} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw fail(err);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fail(err);
  } finally {
    unlinkSync(tmp);
  }
}

/** Throws when the lock text names a process that still runs (or one on another host). */
function refuseLiveHolder(text: string, file: string, lockFile: string): void {
  let holder: { pid?: unknown; host?: unknown } = {};
  try {
    holder = JSON.parse(text) as typeof holder;
  } catch {
    // Unreadable or half-written lock: a writer died between open and write. Stale.
  }
  const pid = typeof holder.pid === 'number' ? holder.pid : null;
  const sameHost = holder.host === undefined || holder.host === hostname();
  if (pid !== null && (!sameHost || alive(pid))) {
    const host = sameHost ? '' : ` on ${JSON.stringify(String(holder.host))}`;
    throw new InputError(`session ${file} is in use by another bms-wizard (pid ${pid}${host}). Close it first, or delete ${lockFile} if that process is gone`);
  }
}

/** The lock we hold: released once, only while the file is still ours, also on exit and SIGTERM/SIGHUP. */
function heldLock(lockFile: string, me: string): SessionLock {
  let released = false;
  const releaseSync = (): void => {
    if (released) return;
    released = true;
    process.off('exit', releaseSync);
    for (const sig of SIGNALS) process.off(sig, onSignal);
    try {
      if (readFileSync(lockFile, 'utf8') === me) unlinkSync(lockFile);
    } catch {
      /* already gone */
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    releaseSync();
    // Others (the wizard) handle the signal themselves; alone, we end the process as the default would.
    if (process.listenerCount(signal) === 0) reraise(signal);
  };
  process.on('exit', releaseSync);
  for (const sig of SIGNALS) process.on(sig, onSignal);
  return {
    file: lockFile,
    async release() {
      releaseSync();
    },
  };
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];
