// Well-known READ-ONLY queries of BMS protocols, and the guard that refuses anything that looks like
// a settings write. A blind write to a BMS can switch its MOSFETs: the tool only sends requests that
// read, and only with the user's consent.
import { crc16Modbus, sum16Complement, sum8 } from '../analysis/checksums.js';
import { hex0x, toHex } from '../hex.js';

export interface KnownQuery {
  protocol: string;
  /** What the device answers with. */
  what: string;
  value: Uint8Array;
}

function jbdRead(register: number): Uint8Array {
  // DD A5 REG 00 CHK_HI CHK_LO 77; checksum = 0x10000 − (REG + LEN).
  const b = Uint8Array.from([0xdd, 0xa5, register, 0x00, 0, 0, 0x77]);
  const chk = sum16Complement(b, 2, 4);
  b[4] = chk >> 8;
  b[5] = chk & 0xff;
  return b;
}

function jkCommand(cmd: number): Uint8Array {
  // AA 55 90 EB CMD LEN VALUE(4) 00×9 SUM8 — 20 bytes.
  const b = new Uint8Array(20);
  b.set([0xaa, 0x55, 0x90, 0xeb, cmd, 0x00]);
  b[19] = sum8(b, 0, 19);
  return b;
}

function dalyRead(cmd: number, address = 0x80): Uint8Array {
  // A5 ADDR CMD 08 DATA(8) SUM8 — 13 bytes; address 0x80 is the Bluetooth module, 0x40 the PC port.
  const b = new Uint8Array(13);
  b.set([0xa5, address, cmd, 0x08]);
  b[12] = sum8(b, 0, 12);
  return b;
}

/** Modbus RTU read (function 3) with its CRC: the shape of Daly's newer firmware and Seplos V3. */
export function modbusRead(unit: number, register: number, count: number): Uint8Array {
  const b = new Uint8Array(8);
  b.set([unit, 0x03, register >> 8, register & 0xff, count >> 8, count & 0xff]);
  const crc = crc16Modbus(b, 0, 6);
  b[6] = crc & 0xff;
  b[7] = crc >> 8;
  return b;
}

function antRead(func: number, address: number, length: number): Uint8Array {
  // 7E A1 FUNC ADDR(2, LE) LEN CRC16/Modbus over bytes 1..5 (LE) AA 55.
  const b = Uint8Array.from([0x7e, 0xa1, func, address & 0xff, address >> 8, length, 0, 0, 0xaa, 0x55]);
  const crc = crc16Modbus(b, 1, 6);
  b[6] = crc & 0xff;
  b[7] = crc >> 8;
  return b;
}

export const KNOWN_QUERIES: KnownQuery[] = [
  { protocol: 'jbd', what: 'basic info (pack voltage, current, capacity, MOSFET status)', value: jbdRead(0x03) },
  { protocol: 'jbd', what: 'cell voltages', value: jbdRead(0x04) },
  { protocol: 'jbd', what: 'hardware version', value: jbdRead(0x05) },
  { protocol: 'jk', what: 'device info', value: jkCommand(0x97) },
  { protocol: 'jk', what: 'cell info (starts the frame stream)', value: jkCommand(0x96) },
  { protocol: 'daly', what: 'SOC, pack voltage and current', value: dalyRead(0x90) },
  { protocol: 'daly', what: 'min/max cell voltage', value: dalyRead(0x91) },
  { protocol: 'daly', what: 'min/max temperature', value: dalyRead(0x92) },
  { protocol: 'daly', what: 'MOSFET status', value: dalyRead(0x93) },
  { protocol: 'daly', what: 'status info', value: dalyRead(0x94) },
  { protocol: 'daly', what: 'cell voltages', value: dalyRead(0x95) },
  { protocol: 'daly', what: 'temperatures', value: dalyRead(0x96) },
  { protocol: 'daly', what: 'cell balance state', value: dalyRead(0x97) },
  { protocol: 'daly', what: 'failure codes', value: dalyRead(0x98) },
  { protocol: 'daly-modbus', what: 'status registers 0x00–0x3D (newer Daly modules)', value: modbusRead(0xd2, 0x0000, 0x003e) },
  { protocol: 'daly-modbus', what: 'settings registers 0x80–0xA8', value: modbusRead(0xd2, 0x0080, 0x0029) },
  { protocol: 'daly-modbus', what: 'version and serial registers 0xA9–0xC8', value: modbusRead(0xd2, 0x00a9, 0x0020) },
  { protocol: 'ant', what: 'status (cells, temperatures, MOSFETs)', value: antRead(0x01, 0x0000, 0xbe) },
  { protocol: 'ant', what: 'device info', value: antRead(0x02, 0x026c, 0x20) },
];

export function knownQueries(protocols: string[]): KnownQuery[] {
  return KNOWN_QUERIES.filter((q) => protocols.includes(q.protocol));
}

export interface QueryVerdict {
  /** true: a known read-only query; false: looks like a settings write (refuse); null: unknown frame. */
  readOnly: boolean | null;
  /** Protocol the frame belongs to when recognised. */
  protocol: string | null;
  /** One sentence for the user. */
  reason: string;
}

/** Recognises frames of the known protocols and says whether they only read. */
export function checkQuery(value: Uint8Array): QueryVerdict {
  const known = KNOWN_QUERIES.find((q) => toHex(q.value) === toHex(value));
  if (known) return { readOnly: true, protocol: known.protocol, reason: `${known.protocol.toUpperCase()} read: ${known.what}` };
  const b = value;
  // JBD: DD A5 … reads a register, DD 5A … writes one (MOSFET control is DD 5A E1 …).
  if (b[0] === 0xdd && b.length >= 4 && b[b.length - 1] === 0x77) {
    if (b[1] === 0xa5) return { readOnly: true, protocol: 'jbd', reason: `JBD read of register ${hex0x(b[2]!)}` };
    return { readOnly: false, protocol: 'jbd', reason: 'a JBD write (DD 5A …) changes settings or switches MOSFETs' };
  }
  // JK02: AA 55 90 EB CMD …: 0x96/0x97 ask for data, every other command writes a setting or a switch.
  if (b[0] === 0xaa && b[1] === 0x55 && b[2] === 0x90 && b[3] === 0xeb && b.length >= 5) {
    if (b[4] === 0x96 || b[4] === 0x97) return { readOnly: true, protocol: 'jk', reason: `JK request 0x${b[4]!.toString(16)}` };
    return { readOnly: false, protocol: 'jk', reason: `JK command ${hex0x(b[4]!)} writes a setting or a switch` };
  }
  // Daly: A5 ADDR CMD 08 …: 0x90–0x98 read; 0xD9/0xDA switch MOSFETs, 0x00 resets, others set values.
  if (b[0] === 0xa5 && b.length === 13 && b[3] === 0x08) {
    if (b[2]! >= 0x90 && b[2]! <= 0x98) return { readOnly: true, protocol: 'daly', reason: `Daly read 0x${b[2]!.toString(16)}` };
    return { readOnly: false, protocol: 'daly', reason: `Daly command ${hex0x(b[2]!)} writes a setting or a switch` };
  }
  // ANT: 7E A1 FUNC …: 0x01 status and 0x02 device info read; 0x51 switches, 0x2x/0x5x write settings.
  if (b[0] === 0x7e && b[1] === 0xa1 && b.length >= 10 && b[b.length - 2] === 0xaa && b[b.length - 1] === 0x55) {
    if (b[2] === 0x01 || b[2] === 0x02) return { readOnly: true, protocol: 'ant', reason: `ANT read ${hex0x(b[2]!)}` };
    return { readOnly: false, protocol: 'ant', reason: `ANT function ${hex0x(b[2]!)} writes a setting or a switch` };
  }
  // Modbus RTU (Daly newer firmware, Seplos): function 3/4 read, 5/6/15/16 write.
  if (b.length >= 8 && (b[1] === 0x03 || b[1] === 0x04) && b.length === 8 && modbusCrcOk(b)) {
    return { readOnly: true, protocol: b[0] === 0xd2 ? 'daly-modbus' : 'modbus', reason: `Modbus read of ${(b[4]! << 8) | b[5]!} registers from 0x${((b[2]! << 8) | b[3]!).toString(16)}` };
  }
  if (b.length >= 8 && [0x05, 0x06, 0x0f, 0x10].includes(b[1]!) && modbusCrcOk(b)) {
    return { readOnly: false, protocol: b[0] === 0xd2 ? 'daly-modbus' : 'modbus', reason: `a Modbus write (function ${b[1]}) changes registers` };
  }
  return { readOnly: null, protocol: null, reason: 'not a frame of a protocol the tool knows' };
}

function modbusCrcOk(b: Uint8Array): boolean {
  const crc = crc16Modbus(b, 0, b.length - 2);
  return b[b.length - 2] === (crc & 0xff) && b[b.length - 1] === crc >> 8;
}
