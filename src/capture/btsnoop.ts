// btsnoop v1 (RFC 1761 style, big-endian): Android HCI snoop logs (datalink 1002, sometimes 1001)
// and Linux btmon -w files (datalink 2001, the monitor format with opcodes in the record flags).
import { CaptureError } from '../errors.js';
import { HCI_ACL, HCI_COMMAND, HCI_EVENT, type Micros } from '../model.js';
import { dataView } from './bytes.js';
import type { CaptureFormat, PacketOut, RecordParser } from './format.js';
import { h4Packet } from './h4.js';
import { sinkOf } from './sink.js';
import { MONITOR_OPCODES } from './monitor.js';
import { corruptRecord, MAX_RECORD_BYTES, truncatedHeader, truncatedRecord } from './record-errors.js';

// The format's facts, exported for the simulator's writer (one definition for reading and writing).
export const BTSNOOP_MAGIC = 'btsnoop\0';
export const BTSNOOP_FILE_HEADER = 16;
/** original length, included length, flags, cumulative drops (4 bytes each), timestamp (8). */
export const BTSNOOP_RECORD_HEADER = 24;
/** µs between 0000-01-01 (the btsnoop clock's zero) and 1970-01-01. */
export const BTSNOOP_EPOCH_DELTA = 0x00dcddb30f2f8000n;
export const BTSNOOP_DATALINK = { HCI: 1001, H4: 1002, MONITOR: 2001 } as const;
/** Datalinks 1001/1002: record flag bits. */
export const BTSNOOP_FLAG_RECEIVED = 1;
export const BTSNOOP_FLAG_COMMAND_OR_EVENT = 2;

// The epoch in two 32-bit halves: the full value is beyond exact double precision (2^53).
const EPOCH_HI = Number(BTSNOOP_EPOCH_DELTA >> 32n);
const EPOCH_LO = Number(BTSNOOP_EPOCH_DELTA & 0xffffffffn);
const TWO_32 = 4294967296;

const DATALINKS: Record<number, string> = {
  [BTSNOOP_DATALINK.HCI]: 'HCI without H4 type byte',
  [BTSNOOP_DATALINK.H4]: 'HCI UART (H4)',
  [BTSNOOP_DATALINK.MONITOR]: 'Linux monitor (btmon -w)',
};

class BtsnoopParser implements RecordParser {
  records = 0;
  constructor(private readonly datalink: number) {}

  parse(buf: Buffer, offset: number, out: PacketOut, final: boolean, base: number): number {
    const sink = sinkOf(out);
    const end = buf.length;
    const datalink = this.datalink;
    const dv = dataView(buf);
    let off = offset;
    while (end - off >= BTSNOOP_RECORD_HEADER) {
      const orig = dv.getUint32(off);
      const incl = dv.getUint32(off + 4);
      const record = this.records + 1;
      if (incl > MAX_RECORD_BYTES) throw corruptRecord(record, base + off, `included length ${incl} is impossible`);
      if (incl > orig) throw corruptRecord(record, base + off, `included length ${incl} exceeds original length ${orig}`);
      if (end - off - BTSNOOP_RECORD_HEADER < incl) break;
      const flags = dv.getUint32(off + 8);
      const hi = dv.getUint32(off + 16);
      const lo = dv.getUint32(off + 20);
      const t: Micros = hi === 0 && lo === 0 ? null : (hi - EPOCH_HI) * TWO_32 + (lo - EPOCH_LO);
      const data = off + BTSNOOP_RECORD_HEADER;
      this.records = record;
      off = data + incl;
      if (datalink === BTSNOOP_DATALINK.H4) {
        h4Packet(sink, buf, data, incl, record, t, (flags & BTSNOOP_FLAG_RECEIVED) === 0);
      } else if (datalink === BTSNOOP_DATALINK.HCI) {
        // bit 0: received; bit 1: command/event (else ACL data)
        const received = (flags & BTSNOOP_FLAG_RECEIVED) !== 0;
        const type = (flags & BTSNOOP_FLAG_COMMAND_OR_EVENT) !== 0 ? (received ? HCI_EVENT : HCI_COMMAND) : HCI_ACL;
        sink.hci(buf, data, data + incl, type, !received, record, t, -1, true);
      } else {
        const op = MONITOR_OPCODES[flags & 0xffff];
        if (op !== undefined) sink.hci(buf, data, data + incl, op[0], op[1], record, t, flags >>> 16, true);
      }
    }
    if (final && off < end) throw truncatedRecord(this.records + 1, base + off);
    return off;
  }
}

export const btsnoop: CaptureFormat = {
  id: 'btsnoop',
  name: 'btsnoop (Android HCI log, btmon -w)',
  probe(head) {
    return head.length >= 8 && head.toString('latin1', 0, 8) === BTSNOOP_MAGIC;
  },
  open(head) {
    if (head.length < BTSNOOP_FILE_HEADER) throw truncatedHeader('btsnoop', BTSNOOP_FILE_HEADER, head.length);
    const version = head.readUInt32BE(8);
    if (version !== 1) {
      throw new CaptureError(`btsnoop version ${version} is not supported`, { offset: 8, hint: 'Only btsnoop version 1 exists in practice; the header may be damaged' });
    }
    const datalink = head.readUInt32BE(12);
    if (DATALINKS[datalink] === undefined) {
      throw new CaptureError(`btsnoop datalink ${datalink} is not supported`, {
        offset: 12,
        hint: `Supported datalinks: ${Object.entries(DATALINKS).map(([k, v]) => `${k} (${v})`).join(', ')}`,
      });
    }
    return { headerLength: BTSNOOP_FILE_HEADER, variant: `btsnoop/${datalink}`, parser: new BtsnoopParser(datalink) };
  },
};
