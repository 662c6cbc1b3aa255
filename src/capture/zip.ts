// Just enough of the zip format to take one file out of an Android bug report: the central
// directory (at the end of the file) lists the entries; each is stored or deflated.
import { inflateRawSync } from 'node:zlib';
import { CaptureError } from '../errors.js';

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

/** Lists the entries of a whole zip file held in memory. */
export function listZipEntries(zip: Buffer): ZipEntry[] {
  // The end record is 22 bytes plus a comment of up to 65535 bytes: search backwards.
  const stop = Math.max(0, zip.length - 22 - 0xffff);
  let end = -1;
  for (let i = zip.length - 22; i >= stop; i--) {
    if (zip.readUInt32LE(i) === END_SIG) {
      end = i;
      break;
    }
  }
  if (end < 0) {
    fail('no zip central directory found (the file is cut short)', zip.length, 'Copy or download the bug report again');
  }
  let count = zip.readUInt16LE(end + 10);
  let dirSize = zip.readUInt32LE(end + 12);
  let dirOffset = zip.readUInt32LE(end + 16);
  if (dirOffset === 0xffffffff || count === 0xffff) {
    // Zip64: the locator just before the end record points to the zip64 end record.
    const loc = end - 20;
    if (loc < 0 || zip.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG) fail('zip64 end record locator missing', end);
    const z64 = Number(zip.readBigUInt64LE(loc + 8));
    if (z64 + 56 > zip.length || zip.readUInt32LE(z64) !== ZIP64_END_SIG) fail('zip64 end record missing', z64);
    count = Number(zip.readBigUInt64LE(z64 + 32));
    dirSize = Number(zip.readBigUInt64LE(z64 + 40));
    dirOffset = Number(zip.readBigUInt64LE(z64 + 48));
  }
  if (dirOffset + dirSize > zip.length || dirOffset + dirSize > end) fail('the zip central directory points past the end of the file', end);
  const dirEnd = dirOffset + dirSize;
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dirEnd || zip.readUInt32LE(p) !== CENTRAL_SIG) fail(`zip central directory entry ${i + 1} is damaged`, p);
    const method = zip.readUInt16LE(p + 10);
    const crc32 = zip.readUInt32LE(p + 16);
    let compressedSize = zip.readUInt32LE(p + 20);
    let size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    let localOffset = zip.readUInt32LE(p + 42);
    if (p + 46 + nameLen + extraLen + commentLen > dirEnd) fail(`zip central directory entry ${i + 1} runs past the end of the directory`, p);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    // Zip64 extra field (id 1) carries the 64-bit values whose 32-bit field is 0xffffffff.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = zip.readUInt16LE(x);
      const len = zip.readUInt16LE(x + 2);
      if (x + 4 + len > xEnd) fail(`zip central directory entry ${i + 1} has a damaged extra field`, x);
      if (id === 1) {
        let q = x + 4;
        const take = (): number => {
          if (q + 8 > x + 4 + len) fail(`zip central directory entry ${i + 1} has a short zip64 field`, x);
          const v = Number(zip.readBigUInt64LE(q));
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
  refuseOverlaps(zip, entries, dirOffset);
  return entries;
}

/**
 * Each entry's data must lie before the directory and apart from every other entry's: a zip
 * whose entries share their bytes (a "zip bomb" of many names for one deflate stream) is refused.
 */
function refuseOverlaps(zip: Buffer, entries: ZipEntry[], dirOffset: number): void {
  const spans = entries.map((e) => {
    const p = e.localOffset;
    if (p + 30 > zip.length || zip.readUInt32LE(p) !== LOCAL_SIG) fail(`zip entry ${e.name} has no local header`, p);
    return { e, from: p, to: p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28) + e.compressedSize };
  });
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

/** The uncompressed bytes of one entry, at most `allowance` of them (what is left of MAX_INFLATED_BYTES). */
export function readZipEntry(zip: Buffer, entry: ZipEntry, allowance = MAX_INFLATED_BYTES): Buffer {
  const p = entry.localOffset;
  if (p + 30 > zip.length || zip.readUInt32LE(p) !== LOCAL_SIG) fail(`zip entry ${entry.name} has no local header`, p);
  const start = p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
  const end = start + entry.compressedSize;
  if (end > zip.length) fail(`zip entry ${entry.name} is cut short`, start, 'Copy or download the bug report again');
  const raw = zip.subarray(start, end);
  if (entry.method === 0) return raw;
  if (entry.method !== 8) {
    fail(`zip entry ${entry.name} uses compression method ${entry.method}, only stored and deflate are supported`, p, 'Unzip it by hand and open the file inside');
  }
  // Inflate no further than the size the entry declares: a hostile zip cannot claim 4 KB and
  // unpack to gigabytes (memory stays bounded by what the directory says, within the allowance).
  if (entry.size > allowance) fail(`zip entry ${entry.name} declares ${entry.size} bytes, more than this tool unpacks from one zip (${MAX_INFLATED_BYTES} in all)`, p, 'Unzip it by hand and open the file inside');
  try {
    return inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      fail(`zip entry ${entry.name} inflates to more than the ${entry.size} bytes it declares`, start, 'Copy or download the bug report again');
    }
    fail(`zip entry ${entry.name} does not inflate (${(e as Error).message})`, start, 'Copy or download the bug report again');
  }
}
