// libpcap with LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR (256): a 10-byte pseudo-header (RF channel,
// signal and noise power, access address offenses, reference access address, flags), then the air
// packet: access address, LL header, payload, CRC-24. Written from hciToAir() packets.
import { bleCrc24 } from '../checksums.js';
import type { AirPacket } from '../air/convert.js';

const DEWHITENED = 0x0001;
const SIGNAL_VALID = 0x0002;
const REF_AA_VALID = 0x0010;
const CRC_CHECKED = 0x0400;
const CRC_VALID = 0x0800;

/** RF channel number (0–39 by frequency) for a BLE channel index (data 0–36, advertising 37–39). */
function rfChannel(index: number): number {
  if (index === 37) return 0;
  if (index === 38) return 12;
  if (index === 39) return 39;
  return index < 11 ? index + 1 : index + 2;
}

export function writePcapLl(packets: AirPacket[]): Buffer {
  const size = 24 + packets.reduce((a, p) => a + 16 + 10 + 4 + p.pdu.length + 3, 0);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeUInt32LE(65535, 16);
  out.writeUInt32LE(256, 20);
  let o = 24;
  for (const p of packets) {
    const len = 10 + 4 + p.pdu.length + 3;
    const secs = Math.floor(p.t / 1e6);
    out.writeUInt32LE(secs >>> 0, o);
    out.writeUInt32LE(Math.round(p.t - secs * 1e6), o + 4);
    out.writeUInt32LE(len, o + 8);
    out.writeUInt32LE(len, o + 12);
    o += 16;
    const pduType = p.dir === 'c2p' ? 2 : p.dir === 'p2c' ? 3 : 0;
    out[o] = rfChannel(p.channel);
    out.writeInt8(p.dir === 'p2c' ? -62 : -48, o + 1);
    out.writeInt8(-100, o + 2);
    out[o + 3] = 0;
    out.writeUInt32LE(p.accessAddress >>> 0, o + 4);
    out.writeUInt16LE(DEWHITENED | SIGNAL_VALID | REF_AA_VALID | CRC_CHECKED | CRC_VALID | (pduType << 7), o + 8);
    o += 10;
    out.writeUInt32LE(p.accessAddress >>> 0, o);
    out.set(p.pdu, o + 4);
    const crc = bleCrc24(p.pdu, p.crcInit);
    const c = o + 4 + p.pdu.length;
    out[c] = crc & 0xff;
    out[c + 1] = (crc >> 8) & 0xff;
    out[c + 2] = (crc >> 16) & 0xff;
    o += 4 + p.pdu.length + 3;
  }
  return out;
}
