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

/** Bluetooth LE link-layer CRC-24 (polynomial 0x00065B, bits sent LSB first); init 0x555555 for advertising. */
export function bleCrc24(pdu: Uint8Array, init: number): number {
  const rev = (b: number) => {
    let v = 0;
    for (let i = 0; i < 8; i++) if (b & (1 << i)) v |= 0x80 >> i;
    return v;
  };
  let state = rev(init & 0xff) | (rev((init >> 8) & 0xff) << 8) | (rev((init >> 16) & 0xff) << 16);
  for (let byte of pdu) {
    for (let j = 0; j < 8; j++) {
      const next = (state ^ byte) & 1;
      byte >>= 1;
      state >>>= 1;
      if (next) {
        state |= 1 << 23;
        state ^= 0x5a6000;
      }
    }
  }
  return state & 0xffffff;
}
