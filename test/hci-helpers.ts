// Hand-built HCI and link-layer packets for the hci/ unit tests.
import type { AttEvent, Direction, HciPacket, LinkLayerPacket } from '../src/model.js';
import { HCI_ACL, HCI_EVENT } from '../src/model.js';
import { createAttExtractor } from '../src/hci/extractor.js';
import type { ExtractResult } from '../src/hci/types.js';

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];

/** L2CAP basic frame: length, CID, payload. */
export function l2cap(cid: number, payload: Uint8Array): Uint8Array {
  return Uint8Array.from([...le16(payload.length), ...le16(cid), ...payload]);
}

/** An ATT PDU on CID 4: opcode, optional 16-bit handle, value. */
export function att(opcode: number, handle: number | null, value: Uint8Array | string = new Uint8Array()): Uint8Array {
  const v = typeof value === 'string' ? hex(value) : value;
  return Uint8Array.from([opcode, ...(handle === null ? [] : le16(handle)), ...v]);
}

let record = 0;
export function resetRecords(): void {
  record = 0;
}

/** One HCI ACL packet; pb 0b10 = first flushable, 0b01 = continuation, 0b00 = first non-flushable. */
export function acl(handle: number, fragment: Uint8Array, sent: boolean, pb = 0b10): HciPacket {
  const data = Uint8Array.from([...le16((handle & 0x0fff) | (pb << 12)), ...le16(fragment.length), ...fragment]);
  return { kind: 'hci', type: HCI_ACL, sent, data, record: ++record, t: 1_700_000_000_000_000 + record * 1000 };
}

/** A complete ATT PDU in one ACL packet. */
export function attAcl(handle: number, pdu: Uint8Array, sent: boolean): HciPacket {
  return acl(handle, l2cap(4, pdu), sent);
}

export function hciEvent(code: number, params: number[]): HciPacket {
  const data = Uint8Array.from([code, params.length, ...params]);
  return { kind: 'hci', type: HCI_EVENT, sent: false, data, record: ++record, t: 1_700_000_000_000_000 + record * 1000 };
}

/** Address bytes as sent over HCI/air (little-endian) for 'aa:bb:cc:dd:ee:ff'. */
export function addr(text: string): number[] {
  return text.split(':').map((h) => parseInt(h, 16)).reverse();
}

export function leConnectionComplete(handle: number, peer: string, status = 0): HciPacket {
  return hciEvent(0x3e, [0x01, status, ...le16(handle), 0x00, 0x00, ...addr(peer), ...le16(24), 0, 0, ...le16(72), 0]);
}

export function disconnectionComplete(handle: number): HciPacket {
  return hciEvent(0x05, [0x00, ...le16(handle), 0x13]);
}

export function llPacket(aa: number, pdu: Uint8Array, dir: Direction | null, extra: Partial<LinkLayerPacket> = {}): LinkLayerPacket {
  return { kind: 'll', accessAddress: aa, channel: 0, dir, pdu, crcOk: true, encrypted: false, record: ++record, t: null, ...extra };
}

/** LL data PDU header: LLID, SN, length. */
export function llData(llid: number, payload: Uint8Array, sn = 0): Uint8Array {
  return Uint8Array.from([llid | (sn << 3), payload.length, ...payload]);
}

export function run(packets: (HciPacket | LinkLayerPacket)[]): { events: AttEvent[]; result: ExtractResult } {
  const events: AttEvent[] = [];
  const x = createAttExtractor((e) => events.push(e));
  for (const p of packets) x.push(p);
  return { events, result: x.finish() };
}

export const valueHex = (e: AttEvent): string => Buffer.from(e.value).toString('hex');
