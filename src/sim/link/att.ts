// ATT PDUs (opcode + parameters).
import * as A from '../../att.js';
import { u16le } from '../bytes.js';

/** The opcodes the simulated link speaks, by short names (the values are the one definition in src/att.ts). */
export const ATT = {
  ERROR: A.ATT_ERROR_RSP,
  MTU_REQ: A.ATT_MTU_REQ,
  MTU_RSP: A.ATT_MTU_RSP,
  FIND_INFO_REQ: A.ATT_FIND_INFO_REQ,
  FIND_INFO_RSP: A.ATT_FIND_INFO_RSP,
  READ_BY_TYPE_REQ: A.ATT_READ_BY_TYPE_REQ,
  READ_BY_TYPE_RSP: A.ATT_READ_BY_TYPE_RSP,
  READ_REQ: A.ATT_READ_REQ,
  READ_RSP: A.ATT_READ_RSP,
  READ_BY_GROUP_REQ: A.ATT_READ_BY_GROUP_REQ,
  READ_BY_GROUP_RSP: A.ATT_READ_BY_GROUP_RSP,
  WRITE_REQ: A.ATT_WRITE_REQ,
  WRITE_RSP: A.ATT_WRITE_RSP,
  NOTIFY: A.ATT_NOTIFICATION,
  INDICATE: A.ATT_INDICATION,
  CONFIRM: A.ATT_CONFIRMATION,
  WRITE_CMD: A.ATT_WRITE_CMD,
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
