// btsnooz: the compressed HCI summary Android puts in bug reports and `dumpsys bluetooth_manager`
// between "--- BEGIN:BTSNOOP_LOG_SUMMARY" and "--- END:BTSNOOP_LOG_SUMMARY" lines, base64:
//   u8 version (1 or 2), u64 LE last timestamp (µs since 1970, despite AOSP calling it "ms"),
//   zlib stream of records, oldest first:
//     v1: u16 included length (H4 type byte counted), u32 delta µs, u8 type, data
//     v2: u16 included length, u16 original length, u32 delta µs, u8 type, data
// The delta is the time since the previous record, so the first record's time comes from
// subtracting every delta from the last timestamp. Android cuts ACL packets (other than L2CAP
// signalling) to 14 bytes here, so ATT values are mostly cut: the full snoop log is better.
import { CaptureError } from '../errors.js';
import { HCI_ACL, HCI_COMMAND, HCI_EVENT, HCI_ISO, HCI_SCO, type HciPacket } from '../model.js';
import type { CaptureFormat, PacketOut, RecordParser } from './format.js';
import { zlib } from './builtins.js';
import { emitterOf } from './sink.js';

/** Largest inflated summary block read (Android's is far smaller). */
const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;
export const BTSNOOZ_BEGIN = '--- BEGIN:BTSNOOP_LOG_SUMMARY';
export const BTSNOOZ_END = '--- END:BTSNOOP_LOG_SUMMARY';

const FORMAT_NAME = 'btsnooz (Android bug report HCI summary)';

/** btsnooz record type (the stack's message type >> 8) → H4 type and direction. */
const TYPES: Record<number, { type: number; sent: boolean }> = {
  0x10: { type: HCI_EVENT, sent: false },
  0x11: { type: HCI_ACL, sent: false },
  0x12: { type: HCI_SCO, sent: false },
  0x17: { type: HCI_ISO, sent: false },
  0x20: { type: HCI_COMMAND, sent: true },
  0x21: { type: HCI_ACL, sent: true },
  0x22: { type: HCI_SCO, sent: true },
  0x2d: { type: HCI_ISO, sent: true },
};

export interface BtsnoozSummary {
  version: number;
  /** Packets emitted. */
  packets: number;
  /** Records whose bytes Android cut (included length < original length; v2 only). */
  truncated: number;
  /** Records of an unknown type, skipped. */
  skipped: number;
}

/**
 * Walks the binary btsnooz blob (after base64), calling emit for each packet in order. Packet data
 * are views into one inflated buffer, which stays valid after emit returns.
 */
export function walkBtsnooz(snooz: Buffer, emit: (p: HciPacket) => void): BtsnoozSummary {
  if (snooz.length < 9) throw new CaptureError('the BTSNOOP_LOG_SUMMARY block is too short', { format: FORMAT_NAME });
  const version = snooz[0]!;
  if (version !== 1 && version !== 2) {
    throw new CaptureError(`unknown btsnooz version ${version} (known: 1, 2)`, {
      format: FORMAT_NAME,
      offset: 0,
      hint: 'Get the full HCI snoop log instead (bug report zip: FS/data/misc/bluetooth/logs/btsnoop_hci.log)',
    });
  }
  const lastUs = Number(snooz.readBigUInt64LE(1));
  let body: Buffer;
  try {
    // Android keeps a few hundred KB here; the bound stops a block that inflates without end.
    body = zlib().inflateSync(snooz.subarray(9), { maxOutputLength: MAX_SUMMARY_BYTES });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CaptureError(`the BTSNOOP_LOG_SUMMARY block inflates to more than ${MAX_SUMMARY_BYTES} bytes`, { format: FORMAT_NAME, offset: 9, hint: 'Get the full HCI snoop log instead (bug report zip: FS/data/misc/bluetooth/logs/btsnoop_hci.log)' });
    }
    throw new CaptureError(`the BTSNOOP_LOG_SUMMARY block does not inflate (${(e as Error).message})`, {
      format: FORMAT_NAME,
      offset: 9,
      hint: 'The bug report text may be cut or re-encoded; take a new bug report',
    });
  }
  const headerLen = version === 1 ? 7 : 9;
  const deltaAt = version === 1 ? 2 : 4;
  // First pass: sum of deltas, to place the first record in time.
  let total = 0;
  let p = 0;
  while (p + headerLen <= body.length) {
    const included = body.readUInt16LE(p);
    if (included < 1 || p + headerLen + included - 1 > body.length) break;
    total += body.readUInt32LE(p + deltaAt);
    p += headerLen + included - 1;
  }
  let packets = 0;
  let truncated = 0;
  let skipped = 0;
  let t = lastUs - total;
  p = 0;
  let record = 0;
  while (p + headerLen <= body.length) {
    const included = body.readUInt16LE(p);
    if (included < 1 || p + headerLen + included - 1 > body.length) {
      throw new CaptureError('the last btsnooz record is cut short', { format: FORMAT_NAME, record: record + 1, offset: p });
    }
    const original = version === 1 ? included : body.readUInt16LE(p + 2);
    t += body.readUInt32LE(p + deltaAt);
    const kind = TYPES[body[p + headerLen - 1]!];
    const start = p + headerLen;
    p = start + included - 1;
    record++;
    if (!kind) {
      skipped++;
      continue;
    }
    if (original > included) truncated++;
    packets++;
    emit({ kind: 'hci', record, t, type: kind.type, sent: kind.sent, data: body.subarray(start, p) });
  }
  return { version, packets, truncated, skipped };
}

export interface DecodedBtsnooz extends Omit<BtsnoozSummary, 'packets'> {
  packets: HciPacket[];
}

/** Decodes the binary btsnooz blob (after base64) into a packet list. */
export function decodeBtsnooz(snooz: Buffer): DecodedBtsnooz {
  const packets: HciPacket[] = [];
  const summary = walkBtsnooz(snooz, (p) => packets.push(p));
  return { ...summary, packets };
}

/** The base64 text between the markers of the first summary block, or null. */
export function findBtsnoozBlock(text: string): string | null {
  const b = text.indexOf(BTSNOOZ_BEGIN);
  if (b < 0) return null;
  const lineEnd = text.indexOf('\n', b);
  if (lineEnd < 0) return null;
  const e = text.indexOf(BTSNOOZ_END, lineEnd);
  if (e < 0) return null;
  return text.slice(lineEnd + 1, e).replace(/\s+/g, '');
}

/** Decodes the summary block of a bug report or dumpsys text. Throws when there is none. */
export function decodeBtsnoozText(text: string): DecodedBtsnooz {
  const block = findBtsnoozBlock(text);
  if (block === null) throw noBlock();
  return decodeBtsnooz(Buffer.from(block, 'base64'));
}

function noBlock(): CaptureError {
  return new CaptureError('this Android bug report text has no BTSNOOP_LOG_SUMMARY block', {
    format: FORMAT_NAME,
    hint: 'Enable "Bluetooth HCI snoop log" in Developer options, toggle Bluetooth off and on, repeat the test and take a new bug report (its zip holds the full log)',
  });
}

const BEGIN = Buffer.from(BTSNOOZ_BEGIN, 'latin1');
const END = Buffer.from(BTSNOOZ_END, 'latin1');
// A bug report text starts with a dumpstate banner; `dumpsys bluetooth_manager` with its status
// (the summary block sits at the end of both, beyond the probe's 64 KiB).
const DUMPSTATE = /^\s*=+\r?\n== dumpstate:/;
const DUMPSYS_BLUETOOTH = /^\s*Bluetooth Status\r?\n\s+enabled: /;

/** Streams over the text: skips to the block, keeps its base64 lines, decodes at the end marker. */
class BtsnoozParser implements RecordParser {
  private state: 'seek' | 'block' | 'done' = 'seek';
  private base64: string[] = [];

  parse(buf: Buffer, offset: number, out: PacketOut, final: boolean, base: number): number {
    let p = offset;
    if (this.state === 'seek') {
      const b = buf.indexOf(BEGIN, p);
      if (b < 0) {
        if (final) throw noBlock();
        // Keep a tail in case the marker is split between two chunks.
        return Math.max(p, buf.length - BEGIN.length);
      }
      const nl = buf.indexOf(0x0a, b);
      if (nl < 0) {
        if (final) throw new CaptureError('the BTSNOOP_LOG_SUMMARY block is cut short', { format: FORMAT_NAME, offset: base + b });
        return b;
      }
      this.state = 'block';
      p = nl + 1;
    }
    if (this.state === 'block') {
      const e = buf.indexOf(END, p);
      if (e < 0) {
        if (final) throw new CaptureError('the BTSNOOP_LOG_SUMMARY block has no end marker (the text is cut short)', { format: FORMAT_NAME, offset: base + buf.length });
        const lastNl = buf.lastIndexOf(0x0a);
        if (lastNl < p) return p;
        this.base64.push(buf.toString('latin1', p, lastNl + 1));
        return lastNl + 1;
      }
      this.base64.push(buf.toString('latin1', p, e));
      this.state = 'done';
      const blob = Buffer.from(this.base64.join('').replace(/\s+/g, ''), 'base64');
      this.base64 = [];
      walkBtsnooz(blob, emitterOf(out));
    }
    return buf.length;
  }
}

export const btsnoozFormat: CaptureFormat = {
  id: 'btsnooz',
  name: FORMAT_NAME,
  probe(head: Buffer): boolean {
    if (head.indexOf(BEGIN) >= 0) return true;
    const start = head.toString('latin1', 0, Math.min(head.length, 256));
    return DUMPSTATE.test(start) || DUMPSYS_BLUETOOTH.test(start);
  },
  open(): { headerLength: number; variant: string; parser: RecordParser } {
    return { headerLength: 0, variant: 'bug report summary', parser: new BtsnoozParser() };
  },
};
