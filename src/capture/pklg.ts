// Apple PacketLogger binary (.pklg): records of [length u32][seconds u32][microseconds u32][type u8][data].
// iOS/macOS PacketLogger writes the numbers little-endian; BTstack's hci_dump writes them big-endian.
// There is no magic number, so the byte order is found by walking the first records both ways.
import { HCI_ACL, HCI_COMMAND, HCI_EVENT, HCI_SCO } from '../model.js';
import { dataView } from './bytes.js';
import type { CaptureFormat, PacketOut, RecordParser } from './format.js';
import { sinkOf } from './sink.js';
import { corruptRecord, MAX_RECORD_BYTES, truncatedRecord } from './record-errors.js';

// The format's facts, exported for the simulator's writer (one definition for reading and writing).
/** The length field and the 9 bytes it counts before the data. */
export const PKLG_RECORD_HEADER = 13;
/** seconds, microseconds, type */
const MIN_LENGTH = 9;
/** Record type of a text note (device, firmware lines). */
export const PKLG_NOTE = 0xfc;

/** PacketLogger record types that carry HCI traffic: [H4 type, sent]. Notes, syslog, power… are skipped. */
export const PKLG_TYPES: ReadonlyArray<readonly [number, boolean] | undefined> = (() => {
  const m: Array<readonly [number, boolean] | undefined> = [];
  m[0x00] = [HCI_COMMAND, true];
  m[0x01] = [HCI_EVENT, false];
  m[0x02] = [HCI_ACL, true];
  m[0x03] = [HCI_ACL, false];
  m[0x08] = [HCI_SCO, true];
  m[0x09] = [HCI_SCO, false];
  return m;
})();

/** Types a first record can have: HCI traffic, LMP (0x0a/0x0b) and the 0xf7–0xfe log records. */
function plausibleType(type: number): boolean {
  return type <= 0x03 || (type >= 0x08 && type <= 0x0b) || (type >= 0xf7 && type <= 0xfe);
}

// HCI packets are at most 64 KiB; a larger first record means this is not PacketLogger.
const PROBE_MAX_LENGTH = 1 << 17;
const PROBE_RECORDS = 32;

/**
 * How many leading records of head chain consistently in this byte order (0 = not PacketLogger):
 * plausible lengths, and a first record with a known type and microseconds below one million.
 * One record is accepted only when it is the whole head (a one-record file).
 */
function chainedRecords(head: Buffer, le: boolean): number {
  let off = 0;
  let n = 0;
  while (n < PROBE_RECORDS && head.length - off >= PKLG_RECORD_HEADER) {
    const len = le ? head.readUInt32LE(off) : head.readUInt32BE(off);
    // A bad length after two good records is damage for the parser to report, not another format.
    if (len < MIN_LENGTH || len > PROBE_MAX_LENGTH) return n >= 2 ? n : 0;
    if (n === 0) {
      const usec = le ? head.readUInt32LE(off + 8) : head.readUInt32BE(off + 8);
      if (usec >= 1_000_000 || !plausibleType(head[off + 12])) return 0;
    }
    off += 4 + len;
    n++;
  }
  if (n === 1 && off !== head.length) return 0;
  return n;
}

/** 'LE', 'BE' or null when head is not PacketLogger. */
export function pklgByteOrder(head: Buffer): 'LE' | 'BE' | null {
  const le = chainedRecords(head, true);
  const be = chainedRecords(head, false);
  if (le === 0 && be === 0) return null;
  return le >= be ? 'LE' : 'BE';
}

class PklgParser implements RecordParser {
  records = 0;
  constructor(private readonly le: boolean) {}

  parse(buf: Buffer, offset: number, out: PacketOut, final: boolean, base: number): number {
    const sink = sinkOf(out);
    const end = buf.length;
    const le = this.le;
    const dv = dataView(buf);
    let off = offset;
    while (end - off >= PKLG_RECORD_HEADER) {
      const len = dv.getUint32(off, le);
      const record = this.records + 1;
      if (len < MIN_LENGTH) throw corruptRecord(record, base + off, `record length ${len} is shorter than the 9-byte record header`);
      if (len > MAX_RECORD_BYTES) throw corruptRecord(record, base + off, `record length ${len} is impossible`);
      if (end - off - 4 < len) break;
      const kind = PKLG_TYPES[buf[off + 12]];
      this.records = record;
      const at = off;
      off += 4 + len;
      if (kind !== undefined) {
        const sec = dv.getUint32(at + 4, le);
        const usec = dv.getUint32(at + 8, le);
        sink.hci(buf, at + PKLG_RECORD_HEADER, off, kind[0], kind[1], record, sec * 1_000_000 + usec, -1, true);
      }
    }
    if (final && off < end) throw truncatedRecord(this.records + 1, base + off);
    return off;
  }
}

export const pklg: CaptureFormat = {
  id: 'pklg',
  name: 'Apple PacketLogger (.pklg)',
  probe(head) {
    return pklgByteOrder(head) !== null;
  },
  open(head) {
    const order = pklgByteOrder(head) ?? 'LE';
    return { headerLength: 0, variant: `pklg-${order}`, parser: new PklgParser(order === 'LE') };
  },
};
