// BLE link-layer air captures: LINKTYPE_BLUETOOTH_LE_LL (251), LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR
// (256) and LINKTYPE_NORDIC_BLE (272, the nRF Sniffer). All three end in the on-air packet:
// access address (4, little-endian), [CI byte on the coded PHY], PDU header (2), payload, CRC (3).
import type { Direction, LinkLayerPacket, Micros } from '../model.js';
import { view } from './bytes.js';

const ADVERTISING_AA = 0x8e89bed6;
const MIC = 4;
const CODED_PHY = 2;

/**
 * The packet whose access address is at buf[aa] (the record ends at end). Null when too short to
 * hold an access address and a PDU header. The PDU length comes from its header (plus the CTEInfo
 * byte that a data PDU with the CP bit carries uncounted), clipped to the bytes present.
 * `micStrip`: the sniffer checked a MIC that is still in the payload.
 */
function airPacket(
  buf: Buffer, dv: DataView, aa: number, end: number, codedPhy: boolean, dataPdu: boolean, record: number, t: Micros,
  channel: number, dir: Direction | null, crcOk: boolean, encrypted: boolean, micStrip: boolean,
): LinkLayerPacket | null {
  const start = aa + 4 + (codedPhy ? 1 : 0);
  if (end - start < 2) return null;
  let pduEnd = start + 2 + buf[start + 1] + (dataPdu && (buf[start] & 0x20) !== 0 ? 1 : 0);
  if (pduEnd > end) pduEnd = end;
  if (micStrip && pduEnd - start - 2 >= MIC) pduEnd -= MIC;
  return {
    kind: 'll', record, t, accessAddress: dv.getUint32(aa, true), channel, dir,
    pdu: view(buf, start, pduEnd), crcOk, encrypted,
  };
}

/** LINKTYPE_BLUETOOTH_LE_LL (251): the bare air packet, nothing known about direction or CRC. */
export function decodeLeLl(buf: Buffer, dv: DataView, off: number, len: number, record: number, t: Micros): LinkLayerPacket | null {
  if (len < 6) return null;
  return airPacket(buf, dv, off, off + len, false, dv.getUint32(off, true) !== ADVERTISING_AA, record, t, -1, null, true, false, false);
}

// LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR flags (little-endian u16 at byte 8 of the 10-byte pseudo-header)
const LE_CRC_CHECKED = 0x0400;
const LE_CRC_VALID = 0x0800;
const LE_MIC_CHECKED = 0x1000;
const LE_MIC_VALID = 0x2000;
const PHDR = 10;

/** RF channel (0–39, 2402 + 2k MHz) to the link-layer channel index (data 0–36, advertising 37–39). */
function channelIndex(rf: number): number {
  if (rf === 0) return 37;
  if (rf === 12) return 38;
  if (rf === 39) return 39;
  if (rf >= 1 && rf <= 11) return rf - 1;
  if (rf >= 13 && rf <= 38) return rf - 2;
  return -1;
}

/** LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR (256): RF channel, powers, AA offenses, reference AA, flags. */
export function decodeLeLlPhdr(buf: Buffer, dv: DataView, off: number, len: number, record: number, t: Micros): LinkLayerPacket | null {
  if (len < PHDR + 6) return null;
  const flags = dv.getUint16(off + 8, true);
  const pduType = (flags >> 7) & 7; // 2/4: central → peripheral, 3/5: peripheral → central
  const dir: Direction | null = pduType === 2 || pduType === 4 ? 'app-to-device' : pduType === 3 || pduType === 5 ? 'device-to-app' : null;
  const crcOk = (flags & LE_CRC_CHECKED) === 0 || (flags & LE_CRC_VALID) !== 0;
  // Auxiliary advertising (type 1) reuses the MIC bits; advertising PDUs never carry a MIC.
  const micChecked = pduType !== 1 && (flags & LE_MIC_CHECKED) !== 0 && dv.getUint32(off + PHDR, true) !== ADVERTISING_AA;
  const micValid = (flags & LE_MIC_VALID) !== 0;
  const dataPdu = pduType === 2 || pduType === 3 || (pduType === 0 && dv.getUint32(off + PHDR, true) !== ADVERTISING_AA);
  return airPacket(buf, dv, off + PHDR, off + len, flags >> 14 === CODED_PHY, dataPdu, record, t, channelIndex(buf[off]), dir, crcOk,
    micChecked && !micValid, micChecked && micValid);
}

/**
 * LINKTYPE_NORDIC_BLE (272). Board id, then a 6-byte UART header whose layout depends on the
 * protocol version (byte 3), then an event header (its own length first, normally 10: length,
 * flags, channel, RSSI, event counter u16, time u32), then the air packet. Legacy files (before
 * version 1) start with 0xBEEF and have a fixed 17-byte header instead.
 * Flags for data PDUs: bit 0 CRC ok, bit 1 central → peripheral, bit 2 encrypted, bit 3 MIC ok,
 * bits 4–6 PHY. Protocol version 3 tells advertising (packet id 2) from data (id 6); older
 * versions by the access address.
 */
export function decodeNordic(buf: Buffer, dv: DataView, off: number, len: number, record: number, t: Micros): LinkLayerPacket | null {
  const end = off + len;
  let event: number; // offset of the flags byte
  let aa: number;
  let version: number;
  let id: number;
  if (len >= 23 && buf[off] === 0xbe && buf[off + 1] === 0xef) {
    version = 0;
    id = buf[off + 2];
    event = off + 8;
    aa = off + 17;
  } else {
    if (len < 8) return null;
    version = buf[off + 3];
    id = buf[off + 6];
    const eventLength = buf[off + 7];
    if (eventLength < 10) return null;
    event = off + 8;
    aa = off + 7 + eventLength;
  }
  if (end - aa < 6) return null;
  let data: boolean;
  if (version >= 3) {
    if (id === 0x06) data = true;
    else if (id === 0x02) data = false;
    else return null; // not a packet event (follow, connect, ping…)
  } else {
    data = dv.getUint32(aa, true) !== ADVERTISING_AA;
  }
  const flags = buf[event];
  const channel = buf[event + 1];
  const crcOk = (flags & 1) !== 0;
  const coded = ((flags >> 4) & 7) === CODED_PHY;
  if (!data) return airPacket(buf, dv, aa, end, coded, false, record, t, channel, null, crcOk, false, false);
  const dir: Direction = (flags & 2) !== 0 ? 'app-to-device' : 'device-to-app';
  const encrypted = (flags & 4) !== 0;
  const micOk = (flags & 8) !== 0;
  return airPacket(buf, dv, aa, end, coded, true, record, t, channel, dir, crcOk, encrypted && !micOk, encrypted && micOk);
}
