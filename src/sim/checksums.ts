// The checksums the simulated protocols use (each device computes its own the same way).

/** Sum of bytes modulo 256 (Daly, JK). */
export function sum8(b: Uint8Array, from = 0, to = b.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += b[i]!;
  return s & 0xff;
}

/** JBD: 0x10000 − (sum of bytes from..to), as a 16-bit big-endian value. */
export function jbdChecksum(b: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += b[i]!;
  return (0x10000 - s) & 0xffff;
}

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF); sent little-endian. */
export function crc16Modbus(b: Uint8Array, from = 0, to = b.length): number {
  let crc = 0xffff;
  for (let i = from; i < to; i++) {
    crc ^= b[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
