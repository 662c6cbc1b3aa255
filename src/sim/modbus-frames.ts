// Modbus-RTU frames as BMS protocols send them over BLE (address, function, data, CRC-16/MODBUS LE).
import { crc16Modbus } from './checksums.js';
import { u16be, u16le } from './bytes.js';

/** Fills the last two bytes with the CRC of the rest. */
export function withModbusCrc(f: Uint8Array): Uint8Array {
  u16le(f, f.length - 2, crc16Modbus(f, 0, f.length - 2));
  return f;
}

/** Read holding registers (0x03) or write single register (0x06): two 16-bit fields. */
export function modbusRequest(address: number, fn: 0x03 | 0x06, first: number, second: number): Uint8Array {
  const f = new Uint8Array(8);
  f[0] = address;
  f[1] = fn;
  u16be(f, 2, first);
  u16be(f, 4, second);
  return withModbusCrc(f);
}

/** Answer to a read (0x03): byte count, then the data bytes. */
export function modbusReadAnswer(address: number, data: Uint8Array): Uint8Array {
  const f = new Uint8Array(5 + data.length);
  f[0] = address;
  f[1] = 0x03;
  f[2] = data.length;
  f.set(data, 3);
  return withModbusCrc(f);
}

/** True when w is an 8-byte request to this address with a valid CRC. */
export function isModbusRequest(w: Uint8Array, address: number): boolean {
  return w.length === 8 && w[0] === address && crc16Modbus(w, 0, 6) === (w[6]! | (w[7]! << 8));
}
