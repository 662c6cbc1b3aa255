// Apple PacketLogger (.pklg). Each record: length (4 bytes, counting what follows), seconds (4),
// microseconds (4), type (1), packet. iOS/macOS write the integers little-endian; older files
// (and BTstack's hci_dump) big-endian. Types: 0x00 command, 0x01 event, 0x02 ACL sent,
// 0x03 ACL received, 0x08/0x09 SCO sent/received, 0xFC note.
import { HCI_ACL, HCI_COMMAND, HCI_EVENT, HCI_SCO, type HciPacket } from '../../model.js';

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
    recs.push({ type: 0xfc, t: t0, body: Buffer.from(n, 'utf8') });
  }
  for (const p of packets) {
    const t = p.t ?? t0;
    let type: number;
    if (p.type === HCI_COMMAND) type = 0x00;
    else if (p.type === HCI_EVENT) type = 0x01;
    else if (p.type === HCI_ACL) type = p.sent ? 0x02 : 0x03;
    else if (p.type === HCI_SCO) type = p.sent ? 0x08 : 0x09;
    else continue;
    recs.push({ type, t, body: p.data });
  }
  const out = Buffer.alloc(recs.reduce((a, r) => a + 13 + r.body.length, 0));
  let o = 0;
  for (const r of recs) {
    const secs = Math.floor(r.t / 1e6);
    const usecs = Math.round(r.t - secs * 1e6);
    if (le) {
      out.writeUInt32LE(9 + r.body.length, o);
      out.writeUInt32LE(secs >>> 0, o + 4);
      out.writeUInt32LE(usecs, o + 8);
    } else {
      out.writeUInt32BE(9 + r.body.length, o);
      out.writeUInt32BE(secs >>> 0, o + 4);
      out.writeUInt32BE(usecs, o + 8);
    }
    out[o + 12] = r.type;
    out.set(r.body, o + 13);
    o += 13 + r.body.length;
  }
  return out;
}
