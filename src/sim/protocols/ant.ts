// ANT BMS, BLE protocol of the newer boards (service ffe0, one characteristic ffe1 for write and
// notify), as in syssi/esphome-ant-bms and /work/shared/captures/ant_ble16zmub.btsnoop:
// request 7e a1 FUNC ADDR(2) LEN CRC16 aa 55 (status: 7e a1 01 0000 be 1855 aa55), answer
// 7e a1 11 0000 LEN DATA… CRC16/Modbus over bytes 1..end of data (little-endian) aa 55.
// With 16 cells and 2 sensors the status answer is 152 bytes: 7 × 20 + 12 notifications (MTU 23).
// Layout from the real frames: byte 8 sensor count, 9 cell count, 34.. cells (u16 LE mV), then
// sensor, MOSFET and balancer temperatures, total voltage (0.01 V), current (0.1 A), SOC, SOH,
// then the charge MOSFET at 34 + 2N + 2T + 12 and the discharge MOSFET right after (82/83 here).
// Switches: 7e a1 51 REG 0000 CRC aa 55 with REG 0x03 discharge on, 0x01 off (esphome-ant-bms).
import { crc16Modbus } from '../checksums.js';
import { ascii, chunk, u16le, u32le } from '../bytes.js';
import { buildGatt, standardServices } from '../gatt.js';
import type { BmsProtocol } from '../protocol.js';
import { BALANCE_MIN_MA, packMv, socPermille, type BmsState } from '../state.js';

const CELLS = 16;
const SENSORS = 2;

function frame(func: number, address: number, data: Uint8Array): Uint8Array {
  const f = new Uint8Array(data.length + 10);
  f.set([0x7e, 0xa1, func], 0);
  u16le(f, 3, address);
  f[5] = data.length;
  f.set(data, 6);
  u16le(f, 6 + data.length, crc16Modbus(f, 1, 6 + data.length));
  f[8 + data.length] = 0xaa;
  f[9 + data.length] = 0x55;
  return f;
}

/** A request: no data, the LEN byte holds the length wanted. */
export function antRequest(func: number, address: number, length: number): Uint8Array {
  const f = new Uint8Array(10);
  f.set([0x7e, 0xa1, func], 0);
  u16le(f, 3, address);
  f[5] = length;
  u16le(f, 6, crc16Modbus(f, 1, 6));
  f[8] = 0xaa;
  f[9] = 0x55;
  return f;
}

export function antStatus(s: BmsState): Uint8Array {
  const n = s.cellsMv.length;
  const d = new Uint8Array(2 * n + 110);
  const max = Math.max(...s.cellsMv);
  const min = Math.min(...s.cellsMv);
  const balancing = s.currentMa > BALANCE_MIN_MA && max - min > 12;
  d[0] = s.currentMa > 100 ? 0x02 : s.currentMa < -100 ? 0x03 : 0x05; // battery status
  d[1] = 0x01;
  d[2] = SENSORS;
  d[3] = n;
  if (balancing) u32le(d, 20, 1 << s.cellsMv.indexOf(max));
  let o = 28; // frame byte 34
  for (const v of s.cellsMv) (u16le(d, o, v), (o += 2));
  for (let i = 0; i < SENSORS; i++) (u16le(d, o, Math.round(s.tempsDeciC[i]! / 10)), (o += 2));
  u16le(d, o, Math.round(s.mosDeciC / 10)); // MOSFET temperature
  u16le(d, o + 2, Math.round(s.tempsDeciC[2]! / 10)); // balancer temperature
  u16le(d, o + 4, Math.round(packMv(s) / 10));
  u16le(d, o + 6, Math.round(s.currentMa / 100) & 0xffff);
  u16le(d, o + 8, Math.round(socPermille(s) / 10));
  u16le(d, o + 10, 100); // SOH
  d[o + 12] = s.chargeOn ? 1 : 0;
  d[o + 13] = s.dischargeOn ? 1 : 0;
  d[o + 14] = balancing ? 1 : 0;
  o += 16;
  u32le(d, o, s.nominalMah * 1000);
  u32le(d, o + 4, Math.round(s.remainingMah * 1000));
  u32le(d, o + 8, s.cycles * s.nominalMah);
  u32le(d, o + 12, Math.round((packMv(s) * s.currentMa) / 1e6) >>> 0);
  u32le(d, o + 16, Math.floor(s.uptimeS));
  u16le(d, o + 24, max);
  u16le(d, o + 26, s.cellsMv.indexOf(max) + 1);
  u16le(d, o + 28, min);
  u16le(d, o + 30, s.cellsMv.indexOf(min) + 1);
  u16le(d, o + 32, max - min);
  u16le(d, o + 34, Math.round(packMv(s) / n));
  return frame(0x11, 0x0000, d);
}

function deviceInfo(s: BmsState): Uint8Array {
  const d = new Uint8Array(38);
  ascii(d, 0, '16ZMUB', 16);
  ascii(d, 16, `16ZMUB00-2110${s.serial.slice(-2)}A`, 16);
  return frame(0x12, 0x026c, d);
}

const gatt = buildGatt(
  [
    ...standardServices('ANT-BLE16ZMUB'),
    {
      uuid: 'ffe0',
      name: 'ANT BMS',
      start: 0x0e,
      chars: [
        { uuid: 'ffe1', name: 'ANT write/notify', properties: ['writeWithoutResponse', 'write', 'notify'] },
        { uuid: 'ffe2', properties: ['writeWithoutResponse'] },
      ],
    },
  ],
  { service: 'ffe0', notify: 'ffe1', write: 'ffe1', serverMtu: 23 },
);

export const ant: BmsProtocol = {
  id: 'ant',
  name: 'ANT BMS (7e a1 frames, 152-byte status as 7 × 20 + 12)',
  notes: 'Real protocol (esphome-ant-bms, ant_ble16zmub capture); the layout after byte 86 is filled plausibly.',
  advertisedName: (serial) => `ANT-BLE16ZMUB-${serial.slice(-4)}`,
  addressPrefix: 'aa:c2:37',
  gatt,
  writeOpcode: 0x52,
  cells: CELLS,
  appConnect: () => [antRequest(0x02, 0x026c, 0x20)],
  appPoll: () => [antRequest(0x01, 0x0000, 0xbe)],
  switchCommand: (on) => antRequest(0x51, on ? 0x0003 : 0x0001, 0x00),
  respond(s, w, mtu) {
    if (w.length !== 10 || w[0] !== 0x7e || w[1] !== 0xa1 || w[8] !== 0xaa || w[9] !== 0x55) return [];
    if (crc16Modbus(w, 1, 6) !== (w[6]! | (w[7]! << 8))) return [];
    const size = mtu - 3;
    if (w[2] === 0x01) return chunk(antStatus(s), size);
    if (w[2] === 0x02) return chunk(deviceInfo(s), size);
    if (w[2] === 0x51) {
      if (w[3] === 0x03 || w[3] === 0x01) s.dischargeOn = w[3] === 0x03;
      if (w[3] === 0x06 || w[3] === 0x04) s.chargeOn = w[3] === 0x06;
      return [w.slice()];
    }
    return [];
  },
  truth: {
    what: 'discharge MOSFET',
    handle: gatt.notifyHandle,
    prefix: '7ea1110000',
    length: 6 + 2 * CELLS + 110 + 4,
    byte: 34 + 2 * CELLS + 2 * SENSORS + 13,
    bit: 0,
    mask: 0x01,
    on: 1,
    rule: `frame starting 7E A1 11, byte ${34 + 2 * CELLS + 2 * SENSORS + 13}, mask 0x01: 1 = discharge MOSFET on`,
  },
};
