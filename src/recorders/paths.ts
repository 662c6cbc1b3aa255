// Capture paths as people give them: a file, a glob in the file name ('caps/*.btsnoop') or a
// folder. Files that came from a glob or a folder are "listed": one that is not a capture (a
// README beside the logs) is skipped and named, not a reason to refuse the others.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CaptureError, InputError } from '../errors.js';

export interface ListedPath {
  path: string;
  /** From a glob or a folder (not named one by one). */
  listed: boolean;
}

function globRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** One path, glob or folder → existing files, sorted. */
export async function expandPath(part: string, cwd: string): Promise<ListedPath[]> {
  const full = resolve(cwd, part.replace(/^~(?=\/)/, process.env.HOME ?? '~'));
  if (/[*?]/.test(basename(full))) {
    const dir = dirname(full);
    if (/[*?]/.test(dir)) throw new InputError(`${part}: wildcards are allowed in the file name only`);
    const re = globRegex(basename(full));
    const names = await readdir(dir).catch(() => {
      throw new InputError(`${part}: folder ${dir} not found`);
    });
    const hits = names.filter((n) => re.test(n) && !n.startsWith('.')).sort();
    if (hits.length === 0) throw new InputError(`${part}: no file matches`);
    return hits.map((n) => ({ path: join(dir, n), listed: true }));
  }
  const st = await stat(full).catch(() => null);
  if (!st) {
    // "cap.btsnoop@abc": a window that is not one, rather than a missing file.
    const at = part.lastIndexOf('@');
    if (at > 0 && (await stat(resolve(cwd, part.slice(0, at))).catch(() => null))) {
      throw new InputError(`window '${part.slice(at + 1)}' of '${part.slice(0, at)}' is not understood; write FILE@12.5..20 (seconds) or FILE@#195..#209 (records)`);
    }
    throw new InputError(`${part}: no such file or folder`);
  }
  if (!st.isDirectory()) return [{ path: full, listed: false }];
  const names = (await readdir(full)).filter((n) => !n.startsWith('.')).sort();
  const inside: ListedPath[] = [];
  for (const n of names) if ((await stat(join(full, n))).isFile()) inside.push({ path: join(full, n), listed: true });
  if (inside.length === 0) throw new InputError(`${part}: the folder holds no files`);
  return inside;
}

/** A listed file whose content is no capture (or empty): skipped, where a named one is refused. */
export function skippable(err: unknown, p: ListedPath): err is CaptureError {
  return p.listed && err instanceof CaptureError && err.detail.notCapture === true;
}

/** "skipped 2 files that are not captures: README.md, notes.txt". */
export function skippedSentence(names: string[]): string {
  return `skipped ${names.length} file${names.length === 1 ? '' : 's'} that ${names.length === 1 ? 'is' : 'are'} not a capture: ${names.map((n) => basename(n)).join(', ')}`;
}
