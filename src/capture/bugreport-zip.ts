// Android bug reports (`adb bugreport x.zip`, or "Take bug report" on the phone) are zips.
// With the HCI snoop log enabled they hold the full log at FS/data/misc/bluetooth/logs/btsnoop_hci.log;
// the main bugreport-*.txt holds only the btsnooz summary (cut packets). We take the best one.
import { CaptureError } from '../errors.js';
import { btsnoozFormat, BTSNOOZ_BEGIN } from './btsnooz.js';
import type { CaptureFormat, PacketOut, RecordParser } from './format.js';
import { listZipEntries, looksLikeZip, MAX_INFLATED_BYTES, readZipEntry, type ZipEntry } from './zip.js';

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
  const all = listZipEntries(zip);
  let candidates = captureEntries(all);
  if (prefer) candidates = [...candidates.filter((e) => prefer(e.name)), ...candidates.filter((e) => !prefer(e.name))];
  // Every entry read counts against one allowance: many entries cannot add up to gigabytes.
  let allowance = MAX_INFLATED_BYTES;
  for (const entry of candidates) {
    const bytes = readZipEntry(zip, entry, allowance);
    allowance -= bytes.length;
    const summary = rank(entry.name) === SUMMARY;
    // A bug report text without the summary block is no capture: try the next entry.
    if (summary && bytes.indexOf(BTSNOOZ_BEGIN) < 0) continue;
    return { name: entry.name, bytes, summary, others: candidates.filter((c) => c !== entry).map((c) => c.name) };
  }
  throw new CaptureError(`this zip (${all.length} entries) holds no Bluetooth HCI log and no BTSNOOP_LOG_SUMMARY`, {
    format: 'zip',
    hint: 'Enable "Bluetooth HCI snoop log" in Developer options, toggle Bluetooth off and on, repeat the test, then take a new bug report',
  });
}

/** Buffers the whole zip (the directory is at its end), then reads the chosen entry with its own reader. */
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
    const format = found.summary ? btsnoozFormat : this.inner().find((f) => f.id !== 'bugreport-zip' && f.probe(head));
    if (!format) {
      throw new CaptureError(`${found.name} inside the zip is not a capture format this tool reads`, { format: 'zip' });
    }
    try {
      const opened = format.open(head);
      this.innerParser = opened.parser;
      opened.parser.parse(found.bytes, opened.headerLength, out, true, 0);
    } catch (e) {
      if (e instanceof CaptureError) {
        throw new CaptureError(`${e.problem} (in ${found.name} inside the zip)`, { ...e.detail, file: undefined });
      }
      throw e;
    }
    return buf.length;
  }
}

/**
 * The bug-report zip as a capture format. `inner` lists the readers for the file inside (the
 * registry passes itself lazily, which avoids an import cycle).
 */
export function createZipFormat(inner: () => CaptureFormat[]): CaptureFormat {
  return {
    id: 'bugreport-zip',
    name: 'zip (Android bug report)',
    probe: (head: Buffer) => looksLikeZip(head),
    open: () => ({ headerLength: 0, variant: 'zip', parser: new ZipParser(inner) }),
  };
}
