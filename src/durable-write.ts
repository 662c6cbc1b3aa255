// One way to replace a file on disk so that a fault never leaves a half-written file in its place:
// a temporary file in the same folder, every byte written and checked, fsync, rename, fsync of
// the folder. A full disk (or any failed write) removes the temporary file and leaves the old
// file as it was.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from './errors.js';

/** The write primitive (replaceable in tests to inject short writes). */
export type WriteFn = (fd: number, buf: Uint8Array, offset: number, length: number) => number;
const realWrite: WriteFn = (fd, buf, offset, length) => writeSync(fd, buf, offset, length);

/** The name of a temporary file beside `file` (pid first, so that leftovers of dead writers can be found). */
export function tempNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`);
}

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Writes the whole buffer or throws: a write that makes no progress means the disk is full. */
function writeAll(fd: number, data: Uint8Array, write: WriteFn): void {
  let done = 0;
  while (done < data.length) {
    const n = write(fd, data, done, data.length - done);
    if (!(n > 0)) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    done += n;
  }
}

function failure(file: string, err: unknown, existed: string): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code && FULL.has(code)) return new InputError(`the disk holding ${file} is full: nothing was written${existed}. Free some space and try again`, { cause: err });
  return new InputError(`cannot write ${file} (${code ?? (err as Error).message})${existed}`, { cause: err });
}

/**
 * Replaces `file` with `data`, whole or not at all. On failure the temporary file is removed and
 * an InputError says what happened and that the previous file is intact.
 */
export async function writeFileDurably(file: string, data: string | Uint8Array, options: { write?: WriteFn; previous?: string } = {}): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const existed = `; ${options.previous ?? 'the previous version of the file'} is intact`;
  try {
    await mkdir(dirname(file), { recursive: true });
  } catch (err) {
    throw failure(file, err, '');
  }
  const tmp = tempNameFor(file);
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeAll(fd, bytes, options.write ?? realWrite);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    await rename(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created, or already renamed */
    }
    throw failure(file, err, existed);
  }
  try {
    const dfd = await open(dirname(file), 'r');
    await dfd.sync().catch(() => undefined);
    await dfd.close();
  } catch {
    // Some platforms cannot open a folder for fsync; the rename is still atomic.
  }
}
