// ATT PDUs rebuilt from what text exports show: operation names, handles and values.
import {
  ATT_CONFIRMATION, ATT_ERROR_RSP, ATT_EXECUTE_WRITE_REQ, ATT_EXECUTE_WRITE_RSP, ATT_INDICATION, ATT_MTU_REQ, ATT_MTU_RSP,
  ATT_MULTIPLE_NOTIFICATION, ATT_NOTIFICATION, ATT_PREPARE_WRITE_REQ, ATT_PREPARE_WRITE_RSP, ATT_READ_BLOB_REQ, ATT_READ_BLOB_RSP,
  ATT_READ_MULTIPLE_RSP, ATT_READ_MULTIPLE_VAR_RSP, ATT_READ_REQ, ATT_READ_RSP, ATT_SIGNED_WRITE_CMD, ATT_WRITE_CMD, ATT_WRITE_REQ,
  ATT_WRITE_RSP, attOpName, attSender,
} from '../att.js';
import type { AttPacket, Direction, Micros } from '../model.js';

/** The operations text exports print that are rebuilt as PDUs (others are not read). */
const REBUILT = [
  ATT_ERROR_RSP, ATT_MTU_REQ, ATT_MTU_RSP, ATT_READ_REQ, ATT_READ_RSP, ATT_READ_BLOB_REQ, ATT_READ_BLOB_RSP, ATT_READ_MULTIPLE_RSP,
  ATT_WRITE_REQ, ATT_WRITE_RSP, ATT_PREPARE_WRITE_REQ, ATT_PREPARE_WRITE_RSP, ATT_EXECUTE_WRITE_REQ, ATT_EXECUTE_WRITE_RSP,
  ATT_NOTIFICATION, ATT_INDICATION, ATT_CONFIRMATION, ATT_READ_MULTIPLE_VAR_RSP, ATT_MULTIPLE_NOTIFICATION, ATT_WRITE_CMD, ATT_SIGNED_WRITE_CMD,
];
/** ATT operations by the names exports print (Bluetooth Core Vol 3 Part F 3.4.8), lowercase. */
const OPCODES: Record<string, number> = Object.fromEntries(REBUILT.map((op) => [attOpName(op).toLowerCase(), op]));

/** Opcode for an operation name (case-insensitive), or undefined. */
export function attOpcode(name: string): number | undefined {
  return OPCODES[name.trim().toLowerCase()];
}

/** Operations sent by the GATT client (requests and commands): the phone/app is the client. */
export function isClientOpcode(opcode: number): boolean {
  return attSender(opcode) === 'client';
}

/** Opcodes whose PDU starts with an attribute handle. */
function hasHandle(opcode: number): boolean {
  switch (opcode) {
    case ATT_READ_REQ: case ATT_READ_BLOB_REQ: case ATT_WRITE_REQ: case ATT_PREPARE_WRITE_REQ: case ATT_PREPARE_WRITE_RSP: case ATT_NOTIFICATION: case ATT_INDICATION: case ATT_WRITE_CMD: case ATT_SIGNED_WRITE_CMD:
      return true;
    default:
      return false;
  }
}

/**
 * The PDU bytes for an operation: opcode, then the handle (little-endian) for the operations that
 * carry one, then the value. Read (Blob) Responses carry no handle in ATT, so none is written.
 */
export function attPdu(opcode: number, handle: number, value: Uint8Array): Buffer {
  const withHandle = hasHandle(opcode);
  const pdu = Buffer.allocUnsafe(1 + (withHandle ? 2 : 0) + value.length);
  pdu[0] = opcode;
  let at = 1;
  if (withHandle) {
    pdu[1] = handle & 0xff;
    pdu[2] = (handle >> 8) & 0xff;
    at = 3;
  }
  pdu.set(value, at);
  return pdu;
}

export function attPacket(
  record: number,
  t: Micros,
  dir: Direction,
  pdu: Uint8Array,
  peer: string | null,
  uuid: string | null,
): AttPacket {
  return { kind: 'att', record, t, dir, pdu, peer, uuid };
}

const BASE_UUID_TAIL = '-0000-1000-8000-00805f9b34fb';

/** Lowercase UUID; 16-bit when it is the Bluetooth base UUID (0000XXXX-0000-1000-8000-00805f9b34fb). */
export function normalizeUuid(uuid: string): string {
  const u = uuid.toLowerCase();
  if (u.length === 36 && u.endsWith(BASE_UUID_TAIL) && u.startsWith('0000')) return u.slice(4, 8);
  return u;
}

/** Peer address lowercase, or null for the all-zero placeholder and anything that is not an address. */
export function normalizeAddress(text: string): string | null {
  const a = text.trim().toLowerCase();
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(a)) return null;
  return a === '00:00:00:00:00:00' ? null : a;
}
