// The checksums the simulated protocols use (each device computes its own the same way).

// The sums and CRCs are the analysis' own (one definition; what the simulator writes, the analysis checks).
export { crc16Modbus, sum8, sum16Complement as jbdChecksum } from '../analysis/checksums.js';

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
