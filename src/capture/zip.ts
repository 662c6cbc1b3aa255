// Just enough of the zip format to take one file out of an Android bug report: the central
// directory (at the end of the file) lists the entries; each is stored or deflated. A zip is read
// from memory or straight from its file (the directory and headers by position, an entry's data
// as a stream of chunks, so that a bug report's log never sits whole in memory).
import { readSync } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { CaptureError } from '../errors.js';
import { zlib } from './builtins.js';

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const ZIP64_END_SIG = 0x06064b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Offset of the entry's local header. */
  localOffset: number;
}

/** True when the bytes start like a zip file (a local file header). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

function fail(problem: string, offset?: number, hint?: string): never {
  throw new CaptureError(problem, { format: 'zip', offset, hint });
}

/** Bytes of a zip by position: a Buffer in memory, or a file read where needed (zipInFile). */
export interface ZipBytes {
  readonly length: number;
  /** bytes [pos, pos + len), cut at the end of the zip. */
  at(pos: number, len: number): Buffer;
}

function zipBytes(zip: Buffer | ZipBytes): ZipBytes {
  if (!Buffer.isBuffer(zip)) return zip;
  return { length: zip.length, at: (pos, len) => zip.subarray(pos, pos + len) };
}

/** The zip that is the open file `fd` of `size` bytes. */
export function zipInFile(fd: number, size: number): ZipBytes {
  return {
    length: size,
    at(pos, len) {
      const n = Math.max(0, Math.min(len, size - pos));
      const buf = Buffer.alloc(n);
      for (let got = 0; got < n; ) {
        const r = readSync(fd, buf, got, n - got, pos + got);
        if (r === 0) return buf.subarray(0, got);
        got += r;
      }
      return buf;
    },
  };
}

/** The reads the directory parser makes, on bytes `part` that start at file offset `from`. */
function byFileOffset(part: Buffer, from: number) {
  return {
    readUInt16LE: (p: number): number => part.readUInt16LE(p - from),
    readUInt32LE: (p: number): number => part.readUInt32LE(p - from),
    readBigUInt64LE: (p: number): bigint => part.readBigUInt64LE(p - from),
    toString: (enc: BufferEncoding, a: number, b: number): string => part.toString(enc, a - from, b - from),
  };
}

/** Lists the entries of a zip (in memory, or read by position from its file). */
export function listZipEntries(source: Buffer | ZipBytes): ZipEntry[] {
  const z = zipBytes(source);
  // The end record is 22 bytes plus a comment of up to 65535 bytes: search backwards.
  const tailAt = Math.max(0, z.length - 22 - 0xffff - 20);
  const tail = z.at(tailAt, z.length - tailAt);
  const stop = Math.max(0, z.length - 22 - 0xffff);
  let end = -1;
  for (let i = z.length - 22; i >= stop; i--) {
    if (tail.readUInt32LE(i - tailAt) === END_SIG) {
      end = i;
      break;
    }
  }
  if (end < 0) {
    fail('no zip central directory found (the file is cut short)', z.length, 'Copy or download the bug report again');
  }
  const e0 = end - tailAt;
  let count = tail.readUInt16LE(e0 + 10);
  let dirSize = tail.readUInt32LE(e0 + 12);
  let dirOffset = tail.readUInt32LE(e0 + 16);
  if (dirOffset === 0xffffffff || count === 0xffff) {
    // Zip64: the locator just before the end record points to the zip64 end record.
    const loc = end - 20;
    if (loc < 0 || tail.readUInt32LE(loc - tailAt) !== ZIP64_LOCATOR_SIG) fail('zip64 end record locator missing', end);
    const z64 = Number(tail.readBigUInt64LE(loc - tailAt + 8));
    const rec = z64 + 56 > z.length ? null : z.at(z64, 56);
    if (!rec || rec.readUInt32LE(0) !== ZIP64_END_SIG) fail('zip64 end record missing', z64);
    count = Number(rec.readBigUInt64LE(32));
    dirSize = Number(rec.readBigUInt64LE(40));
    dirOffset = Number(rec.readBigUInt64LE(48));
  }
  if (dirOffset + dirSize > z.length || dirOffset + dirSize > end) fail('the zip central directory points past the end of the file', end);
  const d = byFileOffset(z.at(dirOffset, dirSize), dirOffset);
  const dirEnd = dirOffset + dirSize;
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dirEnd || d.readUInt32LE(p) !== CENTRAL_SIG) fail(`zip central directory entry ${i + 1} is damaged`, p);
    const method = d.readUInt16LE(p + 10);
    const crc32 = d.readUInt32LE(p + 16);
    let compressedSize = d.readUInt32LE(p + 20);
    let size = d.readUInt32LE(p + 24);
    const nameLen = d.readUInt16LE(p + 28);
    const extraLen = d.readUInt16LE(p + 30);
    const commentLen = d.readUInt16LE(p + 32);
    let localOffset = d.readUInt32LE(p + 42);
    if (p + 46 + nameLen + extraLen + commentLen > dirEnd) fail(`zip central directory entry ${i + 1} runs past the end of the directory`, p);
    const name = d.toString('utf8', p + 46, p + 46 + nameLen);
    // Zip64 extra field (id 1) carries the 64-bit values whose 32-bit field is 0xffffffff.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = d.readUInt16LE(x);
      const len = d.readUInt16LE(x + 2);
      if (x + 4 + len > xEnd) fail(`zip central directory entry ${i + 1} has a damaged extra field`, x);
      if (id === 1) {
        let q = x + 4;
        const take = (): number => {
          if (q + 8 > x + 4 + len) fail(`zip central directory entry ${i + 1} has a short zip64 field`, x);
          const v = Number(d.readBigUInt64LE(q));
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localOffset === 0xffffffff) localOffset = take();
      }
      x += 4 + len;
    }
    entries.push({ name, method, compressedSize, size, crc32, localOffset });
    p = xEnd + commentLen;
  }
  refuseOverlaps(z, entries, dirOffset);
  return entries;
}

/**
 * Each entry's data must lie before the directory and apart from every other entry's: a zip
 * whose entries share their bytes (a "zip bomb" of many names for one deflate stream) is refused.
 */
function refuseOverlaps(z: ZipBytes, entries: ZipEntry[], dirOffset: number): void {
  const spans = entries.map((e) => ({ e, from: e.localOffset, to: dataStart(z, e) + e.compressedSize }));
  spans.sort((a, b) => a.from - b.from);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (s.to > dirOffset) fail(`zip entry ${s.e.name} runs into the central directory`, s.from, 'The zip is damaged or hostile: unzip it by hand and open the file inside');
    const next = spans[i + 1];
    if (next && next.from < s.to) fail(`zip entries ${s.e.name} and ${next.e.name} share their bytes`, next.from, 'The zip is damaged or hostile: unzip it by hand and open the file inside');
  }
}

/** The most a zip is unpacked to, all entries read together (memory stays well under 1 GB). */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

/** Where the entry's data start (after its local header), checked to be inside the zip. */
function dataStart(z: ZipBytes, entry: ZipEntry): number {
  const p = entry.localOffset;
  const local = p + 30 > z.length ? null : z.at(p, 30);
  if (!local || local.readUInt32LE(0) !== LOCAL_SIG) fail(`zip entry ${entry.name} has no local header`, p);
  return p + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
}

/** The entry's data span, its method checked and (deflated) its declared size within the allowance. */
function dataOf(z: ZipBytes, entry: ZipEntry, allowance: number): { start: number; end: number } {
  const start = dataStart(z, entry);
  const end = start + entry.compressedSize;
  if (end > z.length) fail(`zip entry ${entry.name} is cut short`, start, 'Copy or download the bug report again');
  if (entry.method === 0) return { start, end };
  if (entry.method !== 8) {
    fail(`zip entry ${entry.name} uses compression method ${entry.method}, only stored and deflate are supported`, entry.localOffset, 'Unzip it by hand and open the file inside');
  }
  // Inflate no further than the size the entry declares: a hostile zip cannot claim 4 KB and
  // unpack to gigabytes (memory stays bounded by what the directory says, within the allowance).
  if (entry.size > allowance) fail(`zip entry ${entry.name} declares ${entry.size} bytes, more than this tool unpacks from one zip (${MAX_INFLATED_BYTES} in all)`, entry.localOffset, 'Unzip it by hand and open the file inside');
  return { start, end };
}

const tooLarge = (entry: ZipEntry, start: number): never => fail(`zip entry ${entry.name} inflates to more than the ${entry.size} bytes it declares`, start, 'Copy or download the bug report again');
const noInflate = (entry: ZipEntry, start: number, e: unknown): never => fail(`zip entry ${entry.name} does not inflate (${(e as Error).message})`, start, 'Copy or download the bug report again');

/** The uncompressed bytes of one entry, at most `allowance` of them (what is left of MAX_INFLATED_BYTES). */
export function readZipEntry(zip: Buffer | ZipBytes, entry: ZipEntry, allowance = MAX_INFLATED_BYTES): Buffer {
  const z = zipBytes(zip);
  const { start, end } = dataOf(z, entry, allowance);
  const raw = z.at(start, end - start);
  if (entry.method === 0) return raw;
  try {
    return zlib().inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') tooLarge(entry, start);
    return noInflate(entry, start, e);
  }
}

/** Compressed bytes read from the file per step of a stream. */
const STREAM_PIECE = 1024 * 1024;

/**
 * The uncompressed bytes of one entry of a zip in its file, as chunks: memory stays bounded by a
 * chunk whatever the entry's size. The same checks as readZipEntry (method, the declared size
 * within the allowance, no more bytes than declared); a failure is thrown from the iteration.
 */
export async function* streamZipEntry(z: ZipBytes, entry: ZipEntry, allowance = MAX_INFLATED_BYTES): AsyncGenerator<Buffer> {
  const { start, end } = dataOf(z, entry, allowance);
  function* pieces(): Generator<Buffer> {
    for (let p = start; p < end; p += STREAM_PIECE) yield z.at(p, Math.min(STREAM_PIECE, end - p));
  }
  if (entry.method === 0) {
    yield* pieces();
    return;
  }
  const inflater = zlib().createInflateRaw({ chunkSize: 256 * 1024 });
  pipeline(Readable.from(pieces()), inflater, () => undefined);
  let total = 0;
  try {
    for await (const out of inflater as AsyncIterable<Buffer>) {
      total += out.length;
      if (total > Math.max(1, entry.size)) tooLarge(entry, start);
      yield out;
    }
  } catch (e) {
    if (e instanceof CaptureError) throw e;
    noInflate(entry, start, e);
  } finally {
    inflater.destroy();
  }
}
