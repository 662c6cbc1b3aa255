// ATT PDUs rebuilt from what text exports show: operation names, handles and values.
import type { AttPacket, Direction, Micros } from '../model.js';

export const ATT_WRITE_COMMAND = 0x52;
export const ATT_NOTIFICATION = 0x1b;

/** ATT operations by the names exports print (Bluetooth Core Vol 3 Part F 3.4.8). */
const OPCODES: Record<string, number> = {
  'error response': 0x01,
  'exchange mtu request': 0x02,
  'exchange mtu response': 0x03,
  'read request': 0x0a,
  'read response': 0x0b,
  'read blob request': 0x0c,
  'read blob response': 0x0d,
  'read multiple response': 0x0f,
  'write request': 0x12,
  'write response': 0x13,
  'prepare write request': 0x16,
  'prepare write response': 0x17,
  'execute write request': 0x18,
  'execute write response': 0x19,
  'handle value notification': 0x1b,
  'handle value indication': 0x1d,
  'handle value confirmation': 0x1e,
  'read multiple variable response': 0x21,
  'multiple handle value notification': 0x23,
  'write command': 0x52,
  'signed write command': 0xd2,
};

/** Opcode for an operation name (case-insensitive), or undefined. */
export function attOpcode(name: string): number | undefined {
  return OPCODES[name.trim().toLowerCase()];
}

/** Operations sent by the GATT client (requests and commands): the phone/app is the client. */
export function isClientOpcode(opcode: number): boolean {
  if (opcode === 0x52 || opcode === 0xd2) return true;
  if (opcode >= 0x1e) return opcode === 0x1e || opcode === 0x20;
  // Requests have even opcodes from 0x02 to 0x18; responses, notifications and errors are odd.
  return opcode % 2 === 0 && opcode >= 0x02;
}

/** Opcodes whose PDU starts with an attribute handle. */
function hasHandle(opcode: number): boolean {
  switch (opcode) {
    case 0x0a: case 0x0c: case 0x12: case 0x16: case 0x17: case 0x1b: case 0x1d: case 0x52: case 0xd2:
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
