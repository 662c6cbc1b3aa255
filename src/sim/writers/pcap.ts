// libpcap files with Bluetooth HCI link types: 187 LINKTYPE_BLUETOOTH_HCI_H4 (H4 type + packet)
// and 201 LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR (4-byte big-endian direction: 0 sent, 1 received,
// then H4). Little-endian header (magic d4 c3 b2 a1 on disk), microsecond timestamps.
import type { HciPacket } from '../../model.js';

export interface PcapOptions {
  linktype?: 187 | 201;
}

export function writePcap(packets: HciPacket[], opts: PcapOptions = {}): Buffer {
  const lt = opts.linktype ?? 201;
  const ph = lt === 201 ? 4 : 0;
  const out = Buffer.alloc(24 + packets.reduce((a, p) => a + 16 + ph + 1 + p.data.length, 0));
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeInt32LE(0, 8);
  out.writeUInt32LE(0, 12);
  out.writeUInt32LE(65535, 16);
  out.writeUInt32LE(lt, 20);
  let o = 24;
  const t0 = packets[0]?.t ?? Date.UTC(2025, 0, 1) * 1000;
  for (const p of packets) {
    const t = p.t ?? t0;
    const secs = Math.floor(t / 1e6);
    const len = ph + 1 + p.data.length;
    out.writeUInt32LE(secs >>> 0, o);
    out.writeUInt32LE(Math.round(t - secs * 1e6), o + 4);
    out.writeUInt32LE(len, o + 8);
    out.writeUInt32LE(len, o + 12);
    o += 16;
    if (ph) {
      out.writeUInt32BE(p.sent ? 0 : 1, o);
      o += 4;
    }
    out[o++] = p.type;
    out.set(p.data, o);
    o += p.data.length;
  }
  return out;
}
