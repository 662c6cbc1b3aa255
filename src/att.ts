// ATT opcodes (Core spec Vol 3 Part F 3.4): names, and which PDUs carry a client or server value.
// The one definition, on the ground floor: readers, the HCI layer, sources and the simulator use it.
import { hex0x } from './hex.js';

export const ATT_ERROR_RSP = 0x01;
export const ATT_MTU_REQ = 0x02;
export const ATT_MTU_RSP = 0x03;
export const ATT_FIND_INFO_REQ = 0x04;
export const ATT_FIND_INFO_RSP = 0x05;
export const ATT_FIND_BY_TYPE_REQ = 0x06;
export const ATT_FIND_BY_TYPE_RSP = 0x07;
export const ATT_READ_BY_TYPE_REQ = 0x08;
export const ATT_READ_BY_TYPE_RSP = 0x09;
export const ATT_READ_REQ = 0x0a;
export const ATT_READ_RSP = 0x0b;
export const ATT_READ_BLOB_REQ = 0x0c;
export const ATT_READ_BLOB_RSP = 0x0d;
export const ATT_READ_MULTIPLE_REQ = 0x0e;
export const ATT_READ_MULTIPLE_RSP = 0x0f;
export const ATT_READ_BY_GROUP_REQ = 0x10;
export const ATT_READ_BY_GROUP_RSP = 0x11;
export const ATT_WRITE_REQ = 0x12;
export const ATT_WRITE_RSP = 0x13;
export const ATT_PREPARE_WRITE_REQ = 0x16;
export const ATT_PREPARE_WRITE_RSP = 0x17;
export const ATT_EXECUTE_WRITE_REQ = 0x18;
export const ATT_EXECUTE_WRITE_RSP = 0x19;
export const ATT_NOTIFICATION = 0x1b;
export const ATT_INDICATION = 0x1d;
export const ATT_CONFIRMATION = 0x1e;
export const ATT_READ_MULTIPLE_VAR_REQ = 0x20;
export const ATT_READ_MULTIPLE_VAR_RSP = 0x21;
export const ATT_MULTIPLE_NOTIFICATION = 0x23;
export const ATT_WRITE_CMD = 0x52;
export const ATT_SIGNED_WRITE_CMD = 0xd2;

/** The op name of a reassembled Prepare Write … Execute Write sequence (opcode ATT_EXECUTE_WRITE_REQ). */
export const OP_PREPARED_WRITE = 'Prepare/Execute Write';

const NAMES: Record<number, string> = {
  0x01: 'Error Response',
  0x02: 'Exchange MTU Request',
  0x03: 'Exchange MTU Response',
  0x04: 'Find Information Request',
  0x05: 'Find Information Response',
  0x06: 'Find By Type Value Request',
  0x07: 'Find By Type Value Response',
  0x08: 'Read By Type Request',
  0x09: 'Read By Type Response',
  0x0a: 'Read Request',
  0x0b: 'Read Response',
  0x0c: 'Read Blob Request',
  0x0d: 'Read Blob Response',
  0x0e: 'Read Multiple Request',
  0x0f: 'Read Multiple Response',
  0x10: 'Read By Group Type Request',
  0x11: 'Read By Group Type Response',
  0x12: 'Write Request',
  0x13: 'Write Response',
  0x16: 'Prepare Write Request',
  0x17: 'Prepare Write Response',
  0x18: 'Execute Write Request',
  0x19: 'Execute Write Response',
  0x1b: 'Handle Value Notification',
  0x1d: 'Handle Value Indication',
  0x1e: 'Handle Value Confirmation',
  0x20: 'Read Multiple Variable Request',
  0x21: 'Read Multiple Variable Response',
  0x23: 'Multiple Handle Value Notification',
  0x52: 'Write Command',
  0xd2: 'Signed Write Command',
};

/** 'Handle Value Notification', or 'ATT 0x42' for an opcode the spec does not define. */
export function attOpName(opcode: number): string {
  return NAMES[opcode] ?? `ATT ${hex0x(opcode)}`;
}

/**
 * Who sends an opcode: 'client' (requests, commands, confirmations) or 'server' (responses,
 * notifications, indications). The app is nearly always the GATT client, so this gives the
 * direction when a capture does not (air sniffers without a direction bit).
 */
export function attSender(opcode: number): 'client' | 'server' {
  // Commands have bit 6 set. Otherwise requests (and the confirmation 0x1e) are even; responses,
  // the error response, notifications (0x1b, 0x23) and indications (0x1d) are odd.
  if (opcode & 0x40) return 'client';
  return opcode % 2 === 1 ? 'server' : 'client';
}
