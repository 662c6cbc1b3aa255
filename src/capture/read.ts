// The capture driver: picks the reader by content, streams the file through it in chunks and
// reports what it read. Packets are views into the current chunk: a consumer that keeps bytes
// after its emit callback returns must copy them.
import { hexNum } from '../hex.js';
import type { Hash } from 'node:crypto';
import { open as openFile, stat } from 'node:fs/promises';
import { CaptureError } from '../errors.js';
import { type Packet, showableMicros } from '../model.js';
import type { CaptureFormat, PacketOut, PacketSink, RecordParser } from './format.js';
import { FORMATS } from './formats.js';
import { corruptRecord, MAX_RECORD_BYTES } from './record-errors.js';
import { innerFormat, insideZip, streamCaptureFromZip, ZIP_FORMAT_ID } from './bugreport-zip.js';
import { crypto } from './builtins.js';
import { sinkOf } from './sink.js';
import { zipInFile } from './zip.js';

export interface CaptureInfo {
  file: string | null;
  /** CaptureFormat.id */
  format: string;
  formatName: string;
  /** e.g. 'btsnoop/1002', 'pklg-LE', 'pcap/201', 'pcapng/272'. */
  variant: string;
  bytes: number;
  /** Records read (including the ones that carry no packet), up to the damage if any. */
  records: number;
  /** Why reading stopped before the end of the file (truncated or corrupt record), or null. */
  damage: CaptureError | null;
  /** SHA-256 (hex) of the whole file, computed from the chunks as they are read; null unless asked for. */
  sha256: string | null;
}

export interface ReadOptions {
  chunkSize?: number;
  /** Hash the whole file while reading it (a damaged file is still hashed to its end). */
  hash?: boolean;
}

/** Formats look at no more than this many leading bytes. */
export const HEAD_BYTES = 64 * 1024;
const DEFAULT_CHUNK = 8 * 1024 * 1024;
/** Binary readers reject records over MAX_RECORD_BYTES; this stops any reader that never finds an end. */
const STUCK_BYTES = 2 * MAX_RECORD_BYTES;

function firstBytes(head: Buffer): string {
  if (head.length === 0) return 'it is empty';
  return `it starts with ${[...head.subarray(0, 8)].map((b) => hexNum(b)).join(' ')}`;
}

/** The reader for a file that starts with head. Throws CaptureError naming the file when none fits. */
export function detectFormat(head: Buffer, file?: string): CaptureFormat {
  const h = head.length > HEAD_BYTES ? head.subarray(0, HEAD_BYTES) : head;
  for (const f of FORMATS) if (f.probe(h)) return f;
  return fail(
    new CaptureError(`not a capture this tool reads (${firstBytes(h)})`, {
      notCapture: true,
      hint: `Supported: ${FORMATS.map((f) => f.name).join(', ')}`,
    }),
    file,
  );
}

function fail(e: CaptureError, file?: string): never {
  throw file === undefined ? e : e.inFile(file);
}

/** The same error with the file and format filled in. */
function located(e: unknown, file: string | null, format: CaptureFormat): CaptureError {
  if (!(e instanceof CaptureError)) throw e;
  return new CaptureError(e.problem, { ...e.detail, format: e.detail.format ?? format.id, ...(file !== null ? { file } : {}) });
}

function recordsOf(parser: RecordParser, highest: number): number {
  return parser.records ?? highest;
}

/**
 * out, as the driver hands it to a parser: times no clock can show become unknown, and the highest
 * record number is watched (for parsers that do not count their records).
 */
function counted(out: PacketOut, seen: (record: number) => void): PacketSink {
  const sink = sinkOf(out);
  return {
    hci(buf, start, end, type, sent, record, t, adapter, directionKnown) {
      seen(record);
      sink.hci(buf, start, end, type, sent, record, showableMicros(t), adapter, directionKnown);
    },
    packet(p: Packet) {
      seen(p.record);
      p.t = showableMicros(p.t);
      sink.packet(p);
    },
  };
}

/** Reads a whole capture held in memory. */
export function readCaptureBuffer(buf: Buffer, emit: PacketOut, name?: string, opts: Pick<ReadOptions, 'hash'> = {}): CaptureInfo {
  const file = name ?? null;
  if (buf.length === 0) fail(new CaptureError('the file is empty (0 bytes)', { hint: 'Copy the capture again', notCapture: true }), name);
  const format = detectFormat(buf, name);
  let opened: ReturnType<CaptureFormat['open']>;
  try {
    opened = format.open(buf.subarray(0, HEAD_BYTES));
  } catch (e) {
    throw located(e, file, format);
  }
  const { parser, variant, headerLength } = opened;
  let highest = 0;
  const counting = counted(emit, (r) => (highest = r));
  let damage: CaptureError | null = null;
  try {
    if (headerLength > buf.length) throw new CaptureError('the file ends inside its file header', { offset: buf.length });
    parser.parse(buf, headerLength, counting, true, 0);
  } catch (e) {
    damage = located(e, file, format);
  }
  const sha256 = opts.hash ? crypto().createHash('sha256').update(buf).digest('hex') : null;
  return { file, format: format.id, formatName: format.name, variant, bytes: buf.length, records: recordsOf(parser, highest), damage, sha256 };
}

/**
 * Streams a capture file through its reader, giving every packet to emit (a function of Packet
 * objects, or a PacketSink that takes HCI packets as offsets). Memory stays bounded
 * by the chunk size (plus the largest record). A truncated or corrupt record ends the reading:
 * everything before it has been emitted and `damage` says where it stopped.
 */
export async function readCaptureFile(path: string, emit: PacketOut, opts: ReadOptions = {}): Promise<CaptureInfo> {
  const requested = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new CaptureError('is a directory, not a capture file', { hint: 'Give the path of a capture file inside it' });
    size = st.size;
  } catch (e) {
    throw e instanceof CaptureError ? e.inFile(path) : unreadable(e, path);
  }
  if (size === 0) fail(new CaptureError('the file is empty (0 bytes)', { hint: 'Copy the capture again', notCapture: true }), path);
  // Small files get small buffers (a folder of captures should not cost 16 MiB each); the slack
  // lets a capture that is still growing be read in a few more chunks.
  const chunk = Math.min(requested, size + 64 * 1024);

  let fh;
  try {
    fh = await openFile(path, 'r');
  } catch (e) {
    throw unreadable(e, path);
  }
  try {
    const headBuf = Buffer.allocUnsafe(Math.min(HEAD_BYTES, size));
    let headLen = 0;
    while (headLen < headBuf.length) {
      const { bytesRead } = await readAt(fh, headBuf, headLen, headBuf.length - headLen, headLen, path);
      if (bytesRead === 0) break;
      headLen += bytesRead;
    }
    const head = headBuf.subarray(0, headLen);
    const format = detectFormat(head, path);
    let opened: ReturnType<CaptureFormat['open']>;
    try {
      opened = format.open(head);
    } catch (e) {
      throw located(e, path, format);
    }
    const { parser, variant, headerLength } = opened;
    const hash = opts.hash ? crypto().createHash('sha256') : null;
    if (format.id === ZIP_FORMAT_ID) return await readZipFile(path, fh, size, format, variant, emit, chunk, hash);

    let highest = 0;
    const counting = counted(emit, (r) => (highest = r));
    let pos = 0;
    const fill: Fill = async (buf, off, len) => {
      const { bytesRead } = await readAt(fh, buf, off, len, pos, path);
      // The file is read front to back without gaps: the chunks are the file.
      hash?.update(buf.subarray(off, off + bytesRead));
      pos += bytesRead;
      return bytesRead;
    };
    const { bytes, damage, scratch } = await pump(fill, parser, headerLength, counting, chunk, (e) => located(e, path, format), () => (parser.records ?? highest) + 1);
    const sha256 = hash ? await hashRest(fh, hash, bytes, scratch, path) : null;
    return { file: path, format: format.id, formatName: format.name, variant, bytes, records: recordsOf(parser, highest), damage, sha256 };
  } finally {
    await fh.close();
  }
}

/** Gives buf[off, off + len) the next bytes of what is read; 0 at its end. */
type Fill = (buf: Buffer, off: number, len: number) => Promise<number>;

/**
 * Streams bytes from fill through parser in chunks, from offset `start` of the stream on. Memory
 * stays bounded by two chunks (plus the largest record). Returns the bytes read, the damage that
 * ended the reading (parser errors through locate), and the buffer (for reuse as scratch).
 */
async function pump(fill: Fill, parser: RecordParser, start: number, out: PacketSink, chunk: number, locate: (e: unknown) => CaptureError, nextRecord: () => number): Promise<{ bytes: number; damage: CaptureError | null; scratch: Buffer }> {
  // buf[start, filled) holds stream bytes [base + start, base + filled) not yet consumed.
  let buf = Buffer.allocUnsafe(Math.max(chunk * 2, 64));
  let base = 0;
  let filled = 0;
  let bytes = 0;
  let damage: CaptureError | null = null;
  for (;;) {
    if (buf.length - filled < chunk) {
      // Move the unconsumed tail to the front; grow only when one record is larger than a chunk.
      const keep = start < filled ? filled - start : 0;
      const skip = start < filled ? start : filled;
      if (keep + chunk > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, keep + chunk));
        buf.copy(bigger, 0, skip, filled);
        buf = bigger;
      } else {
        buf.copy(buf, 0, skip, filled);
      }
      base += skip;
      start -= skip;
      filled = keep;
      if (keep > STUCK_BYTES) {
        damage = locate(corruptRecord(nextRecord(), base + start, `no record ends within ${keep} bytes`));
        break;
      }
    }
    const bytesRead = await fill(buf, filled, chunk);
    filled += bytesRead;
    bytes = base + filled;
    const final = bytesRead === 0;
    if (start <= filled) {
      try {
        start = parser.parse(buf.subarray(0, filled), start, out, final, base);
      } catch (e) {
        damage = locate(e);
        break;
      }
    } else if (final) {
      damage = locate(new CaptureError('the file ends inside its file header', { offset: base + filled }));
      break;
    }
    if (final) break;
  }
  return { bytes, damage, scratch: buf };
}

/**
 * A bug report zip, read from its file: the directory by position, the log streamed out of it in
 * chunks through its own reader (memory bounded by the chunks, not by the log's size); a bug report
 * text whole (its btsnooz summary needs it). The info names the zip (its size and hash); records,
 * damage and offsets are the inner capture's, as when the zip is read in memory.
 */
async function readZipFile(path: string, fh: Handle, size: number, format: CaptureFormat, variant: string, emit: PacketOut, chunk: number, hash: Hash | null): Promise<CaptureInfo> {
  const info = (records: number, damage: CaptureError | null, sha256: string | null): CaptureInfo => ({ file: path, format: format.id, formatName: format.name, variant, bytes: size, records, damage, sha256 });
  const fileHash = async (): Promise<string | null> => (hash ? hashRest(fh, hash, 0, Buffer.allocUnsafe(Math.min(chunk, 1 << 20)), path) : null);
  let highest = 0;
  const counting = counted(emit, (r) => (highest = r));
  let inner: RecordParser | null = null;
  const records = (): number => inner?.records ?? highest;
  let found: ReturnType<typeof streamCaptureFromZip>;
  try {
    found = streamCaptureFromZip(zipInFile(fh.fd, size));
  } catch (e) {
    return info(0, located(e, path, format), await fileHash());
  }
  const { name } = found;
  const chunks = found.chunks;
  // The entry's bytes as a Fill: the summary text from memory, the log from its chunks.
  let piece: Buffer = found.summaryText ?? Buffer.alloc(0);
  let at = 0;
  const fill: Fill = async (buf, off, len) => {
    while (at >= piece.length) {
      const next = chunks ? await chunks.next() : null;
      if (!next || next.done) return 0;
      piece = next.value;
      at = 0;
    }
    const n = Math.min(len, piece.length - at);
    piece.copy(buf, off, at, at + n);
    at += n;
    return n;
  };
  let damage: CaptureError | null = null;
  try {
    const head = Buffer.allocUnsafe(HEAD_BYTES);
    let headLen = 0;
    for (let n = 1; n > 0 && headLen < HEAD_BYTES; headLen += n) n = await fill(head, headLen, HEAD_BYTES - headLen);
    const first = head.subarray(0, headLen);
    const innerFmt = innerFormat(name, found.summaryText !== null, first, FORMATS);
    let opened: ReturnType<CaptureFormat['open']>;
    try {
      opened = innerFmt.open(first);
    } catch (e) {
      throw insideZip(e, name);
    }
    inner = opened.parser;
    // The head is read again from the front: it is handed back before the rest of the entry.
    let replayed = 0;
    const replay: Fill = async (buf, off, len) => {
      if (replayed < headLen) {
        const n = Math.min(len, headLen - replayed);
        head.copy(buf, off, replayed, replayed + n);
        replayed += n;
        return n;
      }
      return fill(buf, off, len);
    };
    const result = await pump(replay, opened.parser, opened.headerLength, counting, chunk, (e) => located(insideZip(e, name), path, format), () => records() + 1);
    damage = result.damage;
  } catch (e) {
    damage = located(e, path, format);
  } finally {
    await chunks?.return(undefined);
  }
  return info(records(), damage, await fileHash());
}

type Handle = Awaited<ReturnType<typeof openFile>>;

/** Hashes what reading left unread (after damage) through the same handle, then the digest. */
async function hashRest(fh: Handle, hash: Hash, from: number, scratch: Buffer, path: string): Promise<string> {
  for (let pos = from; ; ) {
    const { bytesRead } = await readAt(fh, scratch, 0, scratch.length, pos, path);
    if (bytesRead === 0) break;
    hash.update(scratch.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return hash.digest('hex');
}

async function readAt(fh: Handle, buf: Buffer, off: number, len: number, pos: number, path: string): Promise<{ bytesRead: number }> {
  try {
    return await fh.read(buf, off, len, pos);
  } catch (e) {
    throw unreadable(e, path);
  }
}

function unreadable(e: unknown, path: string): CaptureError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const problem =
    code === 'ENOENT' ? 'no such file'
    : code === 'ENOTDIR' ? 'no such file (a part of the path is not a folder)'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied: the file cannot be read'
    : code === 'EISDIR' ? 'is a directory, not a capture file'
    : `cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
  const hint = code === 'ENOENT' || code === 'ENOTDIR' ? 'Check the path' : code === 'EACCES' || code === 'EPERM' ? 'Check the file permissions or copy it somewhere readable' : undefined;
  return new CaptureError(problem, { file: path, ...(hint ? { hint } : {}) });
}
