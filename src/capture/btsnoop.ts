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

const FILE_HEADER = 16;
const RECORD_HEADER = 24;

// btsnoop counts µs from midnight 1 Jan of year 0; this is 1970-01-01 in that clock, split into two
// 32-bit halves because the full value is beyond exact double precision (2^53).
const EPOCH_HI = 0x00dcddb3;
const EPOCH_LO = 0x0f2f8000;
const TWO_32 = 4294967296;

const DATALINKS: Record<number, string> = {
  1001: 'HCI without H4 type byte',
  1002: 'HCI UART (H4)',
  2001: 'Linux monitor (btmon -w)',
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
    while (end - off >= RECORD_HEADER) {
      const orig = dv.getUint32(off);
      const incl = dv.getUint32(off + 4);
      const record = this.records + 1;
      if (incl > MAX_RECORD_BYTES) throw corruptRecord(record, base + off, `included length ${incl} is impossible`);
      if (incl > orig) throw corruptRecord(record, base + off, `included length ${incl} exceeds original length ${orig}`);
      if (end - off - RECORD_HEADER < incl) break;
      const flags = dv.getUint32(off + 8);
      const hi = dv.getUint32(off + 16);
      const lo = dv.getUint32(off + 20);
      const t: Micros = hi === 0 && lo === 0 ? null : (hi - EPOCH_HI) * TWO_32 + (lo - EPOCH_LO);
      const data = off + RECORD_HEADER;
      this.records = record;
      off = data + incl;
      if (datalink === 1002) {
        h4Packet(sink, buf, data, incl, record, t, (flags & 1) === 0);
      } else if (datalink === 1001) {
        // bit 0: received; bit 1: command/event (else ACL data)
        const received = (flags & 1) !== 0;
        const type = (flags & 2) !== 0 ? (received ? HCI_EVENT : HCI_COMMAND) : HCI_ACL;
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
    // "btsnoop\0"
    return head.length >= 8 && head.readUInt32BE(0) === 0x6274736e && head.readUInt32BE(4) === 0x6f6f7000;
  },
  open(head) {
    if (head.length < FILE_HEADER) throw truncatedHeader('btsnoop', FILE_HEADER, head.length);
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
    return { headerLength: FILE_HEADER, variant: `btsnoop/${datalink}`, parser: new BtsnoopParser(datalink) };
  },
};
