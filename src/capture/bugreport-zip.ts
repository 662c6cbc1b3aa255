// Android bug reports (`adb bugreport x.zip`, or "Take bug report" on the phone) are zips.
// With the HCI snoop log enabled they hold the full log at FS/data/misc/bluetooth/logs/btsnoop_hci.log;
// the main bugreport-*.txt holds only the btsnooz summary (cut packets). We take the best one.
import { CaptureError } from '../errors.js';
import { btsnoozFormat, BTSNOOZ_BEGIN } from './btsnooz.js';
import type { CaptureFormat, PacketOut, RecordParser } from './format.js';
import { listZipEntries, looksLikeZip, MAX_INFLATED_BYTES, readZipEntry, streamZipEntry, type ZipBytes, type ZipEntry } from './zip.js';

export { looksLikeZip };

const SUMMARY = 5;

/** Lower is better; null: not a capture. */
function rank(name: string): number | null {
  const base = name.split('/').pop() ?? name;
  if (/(^|\/)data\/misc\/bluetooth\/logs\/btsnoop_hci\.log$/.test(name)) return 0;
  if (/^btsnoop.*\.(log|cfa)$/i.test(base)) return 1;
  // Android 13+ "filtered" mode writes btsnooz_hci.log: a btsnoop file with cut packets.
  if (/^btsnooz.*\.(log|cfa)$/i.test(base)) return 2;
  if (/^btsnoo[pz].*\.(log|cfa)\.last$/i.test(base)) return 3;
  if (/\.(btsnoop|pklg|pcap|pcapng|cfa|snoop)$/i.test(base)) return 4;
  if (/^(bugreport|dumpstate).*\.txt$/i.test(base)) return SUMMARY;
  return null;
}

/** Entries that may hold HCI traffic, best first. */
export function captureEntries(entries: ZipEntry[]): ZipEntry[] {
  return entries
    .map((e) => ({ e, r: rank(e.name) }))
    .filter((x): x is { e: ZipEntry; r: number } => x.r !== null && x.e.size > 0)
    .sort((a, b) => a.r - b.r || b.e.size - a.e.size)
    .map((x) => x.e);
}

export interface ZipCapture {
  /** Name of the entry inside the zip. */
  name: string;
  bytes: Buffer;
  /** True when it is the bug report text (btsnooz summary), not a full log. */
  summary: boolean;
  /** The other capture entries, for messages. */
  others: string[];
}

/**
 * Takes the best capture out of a zip held in memory: the full snoop log when present, else the
 * bug report text with a BTSNOOP_LOG_SUMMARY block. Throws CaptureError when there is neither.
 */
export function extractCaptureFromZip(zip: Buffer, prefer?: (name: string) => boolean): ZipCapture {
  const found = findCapture(zip, prefer);
  const bytes = found.bytes ?? readZipEntry(zip, found.entry, found.allowance);
  return { name: found.name, bytes, summary: found.summary, others: found.others };
}

/** A zip's capture as a file reader takes it: a log as a stream of chunks, a bug report text whole. */
export interface ZipCaptureStream {
  name: string;
  /** The bug report text (btsnooz summary), in memory; null for a log. */
  summaryText: Buffer | null;
  /** The log's bytes, chunk by chunk (inflated as they are read); null for a summary. */
  chunks: AsyncGenerator<Buffer> | null;
}

/**
 * The best capture of a zip read from its file by position: the log is not inflated here but
 * streamed by the reader (bounded memory whatever its size); only a bug report text (the btsnooz
 * summary, which needs its whole text) is inflated whole. The caps are extractCaptureFromZip's.
 */
export function streamCaptureFromZip(zip: ZipBytes, prefer?: (name: string) => boolean): ZipCaptureStream {
  const found = findCapture(zip, prefer);
  if (found.bytes) return { name: found.name, summaryText: found.bytes, chunks: null };
  return { name: found.name, summaryText: null, chunks: streamZipEntry(zip, found.entry, found.allowance) };
}

/**
 * The entry to read: the first log by rank, else the first bug report text that holds a summary
 * block (such texts are read whole to be checked: `bytes`). Throws CaptureError when there is none.
 */
function findCapture(zip: Buffer | ZipBytes, prefer?: (name: string) => boolean): { name: string; entry: ZipEntry; bytes: Buffer | null; allowance: number; summary: boolean; others: string[] } {
  const all = listZipEntries(zip);
  let candidates = captureEntries(all);
  if (prefer) candidates = [...candidates.filter((e) => prefer(e.name)), ...candidates.filter((e) => !prefer(e.name))];
  // Every entry read counts against one allowance: many entries cannot add up to gigabytes.
  let allowance = MAX_INFLATED_BYTES;
  for (const entry of candidates) {
    const others = candidates.filter((c) => c !== entry).map((c) => c.name);
    const summary = rank(entry.name) === SUMMARY;
    if (!summary) return { name: entry.name, entry, bytes: null, allowance, summary, others };
    const bytes = readZipEntry(zip, entry, allowance);
    allowance -= bytes.length;
    // A bug report text without the summary block is no capture: try the next entry.
    if (bytes.indexOf(BTSNOOZ_BEGIN) < 0) continue;
    return { name: entry.name, entry, bytes, allowance, summary, others };
  }
  throw new CaptureError(`this zip (${all.length} entries) holds no Bluetooth HCI log and no BTSNOOP_LOG_SUMMARY`, {
    format: 'zip',
    hint: 'Enable "Bluetooth HCI snoop log" in Developer options, toggle Bluetooth off and on, repeat the test, then take a new bug report',
  });
}

/** Buffers the whole zip (the directory is at its end), then reads the chosen entry with its own reader. */
/** The zip format's id: the driver streams the log out of such a file (read.ts). */
export const ZIP_FORMAT_ID = 'bugreport-zip';

class ZipParser implements RecordParser {
  private chunks: Buffer[] = [];
  private innerParser: RecordParser | null = null;
  constructor(private readonly inner: () => CaptureFormat[]) {}

  get records(): number | undefined {
    return this.innerParser?.records;
  }

  parse(buf: Buffer, offset: number, out: PacketOut, final: boolean): number {
    // The driver reuses its buffer: keep a copy.
    this.chunks.push(Buffer.from(buf.subarray(offset)));
    if (!final) return buf.length;
    const zip = Buffer.concat(this.chunks);
    this.chunks = [];
    const found = extractCaptureFromZip(zip);
    const head = found.bytes.subarray(0, 65536);
    const format = innerFormat(found.name, found.summary, head, this.inner());
    try {
      const opened = format.open(head);
      this.innerParser = opened.parser;
      opened.parser.parse(found.bytes, opened.headerLength, out, true, 0);
    } catch (e) {
      throw insideZip(e, found.name);
    }
    return buf.length;
  }
}

/** The reader of the capture inside a zip: btsnooz for a bug report text, else by the first bytes. */
export function innerFormat(name: string, summary: boolean, head: Buffer, formats: CaptureFormat[]): CaptureFormat {
  const format = summary ? btsnoozFormat : formats.find((f) => f.id !== ZIP_FORMAT_ID && f.probe(head));
  if (!format) throw new CaptureError(`${name} inside the zip is not a capture format this tool reads`, { format: 'zip' });
  return format;
}

/** A reading error of the capture inside a zip, naming it (the zip's own path is added by the driver). */
export function insideZip(e: unknown, name: string): unknown {
  if (!(e instanceof CaptureError)) return e;
  return new CaptureError(`${e.problem} (in ${name} inside the zip)`, { ...e.detail, file: undefined });
}

/**
 * The bug-report zip as a capture format. `inner` lists the readers for the file inside (the
 * registry passes itself lazily, which avoids an import cycle).
 */
export function createZipFormat(inner: () => CaptureFormat[]): CaptureFormat {
  return {
    id: ZIP_FORMAT_ID,
    name: 'zip (Android bug report)',
    probe: (head: Buffer) => looksLikeZip(head),
    open: () => ({ headerLength: 0, variant: 'zip', parser: new ZipParser(inner) }),
  };
}
