// ATT PDUs (opcode + parameters).
import { u16le } from '../bytes.js';

export const ATT = {
  ERROR: 0x01,
  MTU_REQ: 0x02,
  MTU_RSP: 0x03,
  FIND_INFO_REQ: 0x04,
  FIND_INFO_RSP: 0x05,
  READ_BY_TYPE_REQ: 0x08,
  READ_BY_TYPE_RSP: 0x09,
  READ_REQ: 0x0a,
  READ_RSP: 0x0b,
  READ_BY_GROUP_REQ: 0x10,
  READ_BY_GROUP_RSP: 0x11,
  WRITE_REQ: 0x12,
  WRITE_RSP: 0x13,
  NOTIFY: 0x1b,
  INDICATE: 0x1d,
  CONFIRM: 0x1e,
  WRITE_CMD: 0x52,
} as const;

export function pdu(opcode: number, ...parts: (Uint8Array | number[])[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 1);
  const b = new Uint8Array(n);
  b[0] = opcode;
  let o = 1;
  for (const p of parts) {
    b.set(p, o);
    o += p.length;
  }
  return b;
}

export function le16(v: number): Uint8Array {
  const b = new Uint8Array(2);
  u16le(b, 0, v);
  return b;
}

export const mtuRequest = (mtu: number) => pdu(ATT.MTU_REQ, le16(mtu));
export const mtuResponse = (mtu: number) => pdu(ATT.MTU_RSP, le16(mtu));
export const errorResponse = (reqOpcode: number, handle: number, code: number) =>
  pdu(ATT.ERROR, [reqOpcode], le16(handle), [code]);
export const readRequest = (handle: number) => pdu(ATT.READ_REQ, le16(handle));
export const readResponse = (value: Uint8Array) => pdu(ATT.READ_RSP, value);
export const writeRequest = (handle: number, value: Uint8Array) => pdu(ATT.WRITE_REQ, le16(handle), value);
export const writeResponse = () => pdu(ATT.WRITE_RSP);
export const writeCommand = (handle: number, value: Uint8Array) => pdu(ATT.WRITE_CMD, le16(handle), value);
export const notification = (handle: number, value: Uint8Array) => pdu(ATT.NOTIFY, le16(handle), value);
