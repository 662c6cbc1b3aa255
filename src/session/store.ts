// Session files on disk: where they live, atomic saves, validated loads, listing, and a
// lock so that two processes never write the same session.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { migrateSession } from './migrate.js';
import { type Session } from './schema.js';
import { validateSession } from './validate.js';

/** --sessions-dir, then BMS_WIZARD_SESSIONS, then ./sessions. */
export function resolveSessionsDir(option: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  const dir = option ?? (env.BMS_WIZARD_SESSIONS || undefined) ?? 'sessions';
  return resolve(cwd, dir);
}

export function sessionPath(dir: string, id: string): string {
  return join(dir, `${id}.json`);
}

/** Exports and capture folders sit next to the session, named after it. */
export function sessionArtifacts(file: string): { md: string; json: string; captures: string } {
  const base = file.replace(/\.json$/, '');
  return { md: `${base}.report.md`, json: `${base}.report.json`, captures: base };
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
 * Writes the session atomically: a temporary file in the same folder, fsync, rename over the
 * old file, fsync of the folder. A crash at any point leaves the old or the new file, whole.
 */
export async function saveSession(file: string, session: Session, now: Date = new Date()): Promise<void> {
  session.updated = now.toISOString();
  const text = `${JSON.stringify(session, null, 1)}\n`;
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await removeStaleTemps(dir, basename(file));
  try {
    const dfd = await open(dir, 'r');
    await dfd.sync().catch(() => undefined);
    await dfd.close();
  } catch {
    // Some platforms cannot open a directory for fsync; the rename is still atomic.
  }
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

/**
 * An exclusive lock file (SESSION.lock, holding pid and host). A lock left by a process that is
 * gone (same host, pid not running) is stale and taken over; a live one is refused.
 */
export async function lockSession(file: string): Promise<SessionLock> {
  const lockFile = `${file}.lock`;
  await mkdir(dirname(lockFile), { recursive: true });
  const me = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o644);
      writeSync(fd, me);
      fsyncSync(fd);
      closeSync(fd);
      let released = false;
      return {
        file: lockFile,
        async release() {
          if (released) return;
          released = true;
          await unlink(lockFile).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new InputError(`cannot lock ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    let holder: { pid?: unknown; host?: unknown } = {};
    try {
      holder = JSON.parse(await readFile(lockFile, 'utf8')) as typeof holder;
    } catch {
      // Unreadable or half-written lock: a writer died between open and write. Stale.
    }
    const pid = typeof holder.pid === 'number' ? holder.pid : null;
    const sameHost = holder.host === undefined || holder.host === hostname();
    if (pid !== null && (!sameHost || alive(pid))) {
      throw new InputError(`session ${file} is in use by another bms-wizard (pid ${pid}${sameHost ? '' : ` on ${String(holder.host)}`}). Close it first, or delete ${lockFile} if that process is gone`);
    }
    await unlink(lockFile).catch(() => undefined);
  }
  throw new InputError(`cannot lock ${file}: another process keeps taking the lock`);
}
