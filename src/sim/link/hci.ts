// HCI packet bodies (the bytes after the H4 type) for what a phone's controller exchanges with its host.
import { u16le } from '../bytes.js';

/** "aa:bb:cc:dd:ee:ff" → the 6 bytes HCI carries (least significant byte first). */
export function addressBytes(addr: string): Uint8Array {
  return Uint8Array.from(Buffer.from(addr.replace(/:/g, ''), 'hex')).reverse();
}

export function command(opcode: number, params: Uint8Array): Uint8Array {
  const b = new Uint8Array(3 + params.length);
  u16le(b, 0, opcode);
  b[2] = params.length;
  b.set(params, 3);
  return b;
}

export function event(code: number, params: Uint8Array): Uint8Array {
  const b = new Uint8Array(2 + params.length);
  b[0] = code;
  b[1] = params.length;
  b.set(params, 2);
  return b;
}

export const OP_LE_CREATE_CONNECTION = 0x200d;
export const OP_LE_SET_SCAN_ENABLE = 0x200c;

/** LE Set Scan Enable (enable, filter duplicates off). */
export function leSetScanEnable(on: boolean): Uint8Array {
  return command(OP_LE_SET_SCAN_ENABLE, new Uint8Array([on ? 1 : 0, 0]));
}

export function commandComplete(opcode: number, status = 0): Uint8Array {
  const p = new Uint8Array(4);
  p[0] = 1;
  u16le(p, 1, opcode);
  p[3] = status;
  return event(0x0e, p);
}

/** Advertising data: flags, the 16-bit service UUID when there is one, the complete local name. */
export function advertisingData(name: string, service16: string | null): Uint8Array {
  const parts: number[] = [0x02, 0x01, 0x06];
  if (service16) parts.push(0x03, 0x03, parseInt(service16.slice(2), 16), parseInt(service16.slice(0, 2), 16));
  const n = Buffer.from(name, 'utf8').subarray(0, 31 - parts.length - 2);
  parts.push(n.length + 1, 0x09, ...n);
  return Uint8Array.from(parts);
}

/** LE Advertising Report (LE Meta subevent 0x02) with one ADV_IND report. */
export function leAdvertisingReport(address: string, data: Uint8Array, rssi: number): Uint8Array {
  const p = new Uint8Array(12 + data.length);
  p[0] = 0x02;
  p[1] = 1;
  p[2] = 0x00; // ADV_IND
  p[3] = 0x00; // public
  p.set(addressBytes(address), 4);
  p[10] = data.length;
  p.set(data, 11);
  p[11 + data.length] = rssi & 0xff;
  return event(0x3e, p);
}
export const OP_DISCONNECT = 0x0406;

export function leCreateConnection(peer: string): Uint8Array {
  const p = new Uint8Array(25);
  u16le(p, 0, 0x0060); // scan interval
  u16le(p, 2, 0x0030); // scan window
  p[4] = 0; // no filter accept list
  p[5] = 0; // public peer address
  p.set(addressBytes(peer), 6);
  p[12] = 0; // own address public
  u16le(p, 13, 24); // conn interval min (1.25 ms units)
  u16le(p, 15, 40);
  u16le(p, 17, 0);
  u16le(p, 19, 500);
  return command(OP_LE_CREATE_CONNECTION, p);
}

export function commandStatus(opcode: number, status = 0): Uint8Array {
  const p = new Uint8Array(4);
  p[0] = status;
  p[1] = 1;
  u16le(p, 2, opcode);
  return event(0x0f, p);
}

/** LE Connection Complete (LE Meta subevent 0x01), the phone as central. */
export function leConnectionComplete(handle: number, peer: string, intervalUnits: number): Uint8Array {
  const p = new Uint8Array(19);
  p[0] = 0x01;
  p[1] = 0x00;
  u16le(p, 2, handle);
  p[4] = 0x00; // central
  p[5] = 0x00; // public address
  p.set(addressBytes(peer), 6);
  u16le(p, 12, intervalUnits);
  u16le(p, 14, 0);
  u16le(p, 16, 500);
  p[18] = 0x00;
  return event(0x3e, p);
}

/** LE Enhanced Connection Complete (subevent 0x0A), what newer Android controllers report. */
export function leEnhancedConnectionComplete(handle: number, peer: string, intervalUnits: number): Uint8Array {
  const p = new Uint8Array(31);
  p[0] = 0x0a;
  p[1] = 0x00;
  u16le(p, 2, handle);
  p[4] = 0x00;
  p[5] = 0x00;
  p.set(addressBytes(peer), 6);
  // local and peer resolvable private addresses: zero (not used)
  u16le(p, 24, intervalUnits);
  u16le(p, 26, 0);
  u16le(p, 28, 500);
  p[30] = 0x00;
  return event(0x3e, p);
}

export function leDataLengthChange(handle: number, octets: number): Uint8Array {
  const p = new Uint8Array(11);
  p[0] = 0x07;
  u16le(p, 1, handle);
  u16le(p, 3, octets);
  u16le(p, 5, (octets + 14) * 8);
  u16le(p, 7, octets);
  u16le(p, 9, (octets + 14) * 8);
  return event(0x3e, p);
}

export function numberOfCompletedPackets(handle: number, count: number): Uint8Array {
  const p = new Uint8Array(5);
  p[0] = 1;
  u16le(p, 1, handle);
  u16le(p, 3, count);
  return event(0x13, p);
}

export function disconnect(handle: number, reason = 0x13): Uint8Array {
  const p = new Uint8Array(3);
  u16le(p, 0, handle);
  p[2] = reason;
  return command(OP_DISCONNECT, p);
}

export function disconnectionComplete(handle: number, reason: number): Uint8Array {
  const p = new Uint8Array(4);
  p[0] = 0;
  u16le(p, 1, handle);
  p[3] = reason;
  return event(0x05, p);
}

/**
 * An ATT PDU in L2CAP (CID 4), cut into ACL packets of at most `maxData` bytes. The first fragment
 * has PB 0b00 from the host (non-flushable) or 0b10 from the controller; the rest PB 0b01.
 */
export function aclFragments(handle: number, att: Uint8Array, fromHost: boolean, maxData: number): Uint8Array[] {
  const l2 = new Uint8Array(4 + att.length);
  u16le(l2, 0, att.length);
  u16le(l2, 2, 0x0004);
  l2.set(att, 4);
  const out: Uint8Array[] = [];
  for (let o = 0; o < l2.length; o += maxData) {
    const part = l2.subarray(o, Math.min(l2.length, o + maxData));
    const pb = o === 0 ? (fromHost ? 0b00 : 0b10) : 0b01;
    const b = new Uint8Array(4 + part.length);
    u16le(b, 0, (handle & 0x0fff) | (pb << 12));
    u16le(b, 2, part.length);
    b.set(part, 4);
    out.push(b);
  }
  return out;
}
