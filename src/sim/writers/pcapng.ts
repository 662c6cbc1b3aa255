// pcapng (what Wireshark saves by default): a Section Header Block, one Interface Description
// Block with LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR (201), and one Enhanced Packet Block per packet
// (timestamps in microseconds, the default resolution). Little-endian.
import type { HciPacket } from '../../model.js';

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export function writePcapng(packets: HciPacket[]): Buffer {
  const shb = 28;
  const idb = 20;
  const size = shb + idb + packets.reduce((a, p) => a + 32 + pad4(4 + 1 + p.data.length), 0);
  const out = Buffer.alloc(size);
  let o = 0;
  out.writeUInt32LE(0x0a0d0d0a, o);
  out.writeUInt32LE(shb, o + 4);
  out.writeUInt32LE(0x1a2b3c4d, o + 8);
  out.writeUInt16LE(1, o + 12);
  out.writeUInt16LE(0, o + 14);
  out.writeBigInt64LE(-1n, o + 16); // section length unknown
  out.writeUInt32LE(shb, o + 24);
  o += shb;
  out.writeUInt32LE(1, o);
  out.writeUInt32LE(idb, o + 4);
  out.writeUInt16LE(201, o + 8);
  out.writeUInt16LE(0, o + 10);
  out.writeUInt32LE(65535, o + 12);
  out.writeUInt32LE(idb, o + 16);
  o += idb;
  const t0 = packets[0]?.t ?? Date.UTC(2025, 0, 1) * 1000;
  for (const p of packets) {
    const len = 4 + 1 + p.data.length;
    const total = 32 + pad4(len);
    const t = BigInt(Math.round(p.t ?? t0));
    out.writeUInt32LE(6, o);
    out.writeUInt32LE(total, o + 4);
    out.writeUInt32LE(0, o + 8);
    out.writeUInt32LE(Number(t >> 32n), o + 12);
    out.writeUInt32LE(Number(t & 0xffffffffn), o + 16);
    out.writeUInt32LE(len, o + 20);
    out.writeUInt32LE(len, o + 24);
    out.writeUInt32BE(p.sent ? 0 : 1, o + 28);
    out[o + 32] = p.type;
    out.set(p.data, o + 33);
    out.writeUInt32LE(total, o + total - 4);
    o += total;
  }
  return out;
}
