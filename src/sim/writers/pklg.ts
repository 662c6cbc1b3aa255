// Apple PacketLogger (.pklg). Each record: length (4 bytes, counting what follows), seconds (4),
// microseconds (4), type (1), packet. iOS/macOS write the integers little-endian; older files
// (and BTstack's hci_dump) big-endian. Types: 0x00 command, 0x01 event, 0x02 ACL sent,
// 0x03 ACL received, 0x08/0x09 SCO sent/received, 0xFC note.
import { PKLG_NOTE, PKLG_RECORD_HEADER, PKLG_TYPES } from '../../capture/pklg.js';
import { HCI_COMMAND, HCI_EVENT, type HciPacket } from '../../model.js';

/** The record type of an HCI packet: the reader's table read backwards (commands and events have one each). */
function recordType(p: HciPacket): number {
  return PKLG_TYPES.findIndex((k) => k !== undefined && k[0] === p.type && (k[1] === p.sent || p.type === HCI_COMMAND || p.type === HCI_EVENT));
}

export interface PklgOptions {
  /** Default true (iOS). */
  littleEndian?: boolean;
  /** Text notes (type 0xFC) written first, like iOS's device/product lines. */
  notes?: string[];
}

export function writePklg(packets: HciPacket[], opts: PklgOptions = {}): Buffer {
  const le = opts.littleEndian ?? true;
  const recs: { type: number; t: number; body: Uint8Array }[] = [];
  const t0 = packets[0]?.t ?? Date.UTC(2025, 0, 1) * 1000;
  for (const n of opts.notes ?? ['Product: iPhone15,3', 'Firmware Version: 22.5.291.1050']) {
    recs.push({ type: PKLG_NOTE, t: t0, body: Buffer.from(n, 'utf8') });
  }
  for (const p of packets) {
    const t = p.t ?? t0;
    const type = recordType(p);
    if (type < 0) continue;
    recs.push({ type, t, body: p.data });
  }
  const out = Buffer.alloc(recs.reduce((a, r) => a + PKLG_RECORD_HEADER + r.body.length, 0));
  let o = 0;
  for (const r of recs) {
    const secs = Math.floor(r.t / 1e6);
    const usecs = Math.round(r.t - secs * 1e6);
    if (le) {
      out.writeUInt32LE(PKLG_RECORD_HEADER - 4 + r.body.length, o);
      out.writeUInt32LE(secs >>> 0, o + 4);
      out.writeUInt32LE(usecs, o + 8);
    } else {
      out.writeUInt32BE(PKLG_RECORD_HEADER - 4 + r.body.length, o);
      out.writeUInt32BE(secs >>> 0, o + 4);
      out.writeUInt32BE(usecs, o + 8);
    }
    out[o + 12] = r.type;
    out.set(r.body, o + PKLG_RECORD_HEADER);
    o += PKLG_RECORD_HEADER + r.body.length;
  }
  return out;
}
