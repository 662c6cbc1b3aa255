// Daly smart BMS with the newer BLE module ("D2" Modbus protocol): service fff0, notify fff1,
// write fff2 (Write Command). As documented in syssi/esphome-daly-bms (docs/protocol-register-map.md)
// and seen in /work/shared/captures/daly_balancer_switch.btsnoop: the app reads 62 registers from 0
// with d2 03 0000 003e CRC and the BMS answers d2 03 7c … CRC16/Modbus (129 bytes) in one
// notification. Register 0x36 is the discharging MOSFET: byte 3 + 2·0x36 + 1 = 112 of the answer.
import { isModbusRequest, modbusReadAnswer, modbusRequest } from '../modbus-frames.js';
import { ascii, chunk, u16be } from '../bytes.js';
import { buildGatt, standardServices } from '../gatt.js';
import type { BmsProtocol } from '../protocol.js';
import { BALANCE_MIN_MA, packMv, socPermille, type BmsState } from '../state.js';

const ADDR = 0xd2;

export function d2Read(start: number, count: number): Uint8Array {
  return modbusRequest(ADDR, 0x03, start, count);
}

export function d2Write(register: number, value: number): Uint8Array {
  return modbusRequest(ADDR, 0x06, register, value);
}

function answer(data: Uint8Array): Uint8Array {
  return modbusReadAnswer(ADDR, data);
}

/** Real-time block, registers 0x00–0x3D. */
export function d2Status(s: BmsState): Uint8Array {
  const r = new Array<number>(62).fill(0);
  s.cellsMv.forEach((v, i) => (r[i] = v));
  const t = s.tempsDeciC.map((v) => Math.round(v / 10) + 40);
  t.forEach((v, i) => (r[0x20 + i] = v));
  const max = Math.max(...s.cellsMv);
  const min = Math.min(...s.cellsMv);
  r[0x28] = Math.round(packMv(s) / 100);
  r[0x29] = 30000 + Math.round(s.currentMa / 100);
  r[0x2a] = socPermille(s);
  r[0x2b] = max;
  r[0x2c] = min;
  r[0x2d] = Math.max(...t);
  r[0x2e] = Math.min(...t);
  r[0x2f] = s.currentMa > 100 ? 1 : s.currentMa < -100 ? 2 : 0;
  r[0x30] = Math.round(s.remainingMah / 100);
  r[0x31] = s.cellsMv.length;
  r[0x32] = t.length;
  r[0x33] = s.cycles;
  r[0x34] = s.currentMa > BALANCE_MIN_MA && max - min > 12 ? 1 : 0;
  r[0x35] = s.chargeOn ? 1 : 0;
  r[0x36] = s.dischargeOn ? 1 : 0;
  r[0x37] = Math.round(packMv(s) / s.cellsMv.length);
  r[0x38] = max - min;
  r[0x39] = Math.abs(Math.round((packMv(s) * s.currentMa) / 1e6));
  const d = new Uint8Array(124);
  r.forEach((v, i) => u16be(d, 2 * i, v & 0xffff));
  return answer(d);
}

/** Settings block 0x80–0xA8 (41 registers); 0xA5/0xA6 are the charge/discharge MOS switches. */
function d2Settings(s: BmsState): Uint8Array {
  const r = new Array<number>(41).fill(0);
  r[0x00] = Math.round(s.nominalMah / 100);
  r[0x01] = 3200;
  r[0x02] = 1;
  r[0x03] = s.cellsMv.length;
  r[0x06] = 3;
  r[0x0b] = 3600;
  r[0x0c] = 3650;
  r[0x0d] = 2800;
  r[0x0e] = 2600;
  r[0x25] = s.chargeOn ? 1 : 0;
  r[0x26] = s.dischargeOn ? 1 : 0;
  r[0x27] = socPermille(s);
  const d = new Uint8Array(82);
  r.forEach((v, i) => u16be(d, 2 * i, v & 0xffff));
  return answer(d);
}

function d2Version(): Uint8Array {
  const d = new Uint8Array(64);
  ascii(d, 0, 'B002_111132_03', 32);
  ascii(d, 32, 'DL-R16L-24S100A', 32);
  return answer(d);
}

const gatt = buildGatt(
  [
    ...standardServices('DL-BMS'),
    {
      uuid: 'fff0',
      name: 'Daly BMS',
      start: 0x0e,
      chars: [
        { uuid: 'fff1', name: 'Daly notify', properties: ['notify'], userDescription: 'notify' },
        { uuid: 'fff2', name: 'Daly write', properties: ['writeWithoutResponse', 'write'] },
      ],
    },
  ],
  { service: 'fff0', notify: 'fff1', write: 'fff2', serverMtu: 247 },
);

export const dalyModbus: BmsProtocol = {
  id: 'daly-modbus',
  name: 'Daly smart BMS (newer BLE module, Modbus "D2")',
  notes: 'Real protocol (esphome-daly-bms D2 register map); handles as in daly_balancer_switch (notify 0x10, write 0x14).',
  advertisedName: (serial) => `DL-41181201${serial.slice(-4)}`,
  addressPrefix: '41:18:12',
  gatt,
  writeOpcode: 0x52,
  appConnect: () => [d2Read(0xa9, 0x20), d2Read(0x80, 0x29)],
  appPoll: () => [d2Read(0x00, 0x3e)],
  switchCommand: (on) => d2Write(0xa6, on ? 1 : 0),
  respond(s, w, mtu) {
    if (!isModbusRequest(w, ADDR)) return [];
    const reg = (w[2]! << 8) | w[3]!;
    const size = mtu - 3;
    if (w[1] === 0x06) {
      if (reg === 0xa6) s.dischargeOn = w[5] === 1;
      else if (reg === 0xa5) s.chargeOn = w[5] === 1;
      return [w.slice()];
    }
    if (w[1] !== 0x03) return [];
    if (reg === 0x00) return chunk(d2Status(s), size);
    if (reg === 0x80) return chunk(d2Settings(s), size);
    if (reg === 0xa9) return chunk(d2Version(), size);
    return [];
  },
  truth: {
    what: 'discharge MOSFET',
    handle: gatt.notifyHandle,
    prefix: 'd2037c',
    length: 129,
    byte: 112,
    bit: 0,
    mask: 0x01,
    on: 1,
    rule: 'frame starting D2 03 7C, byte 112 (register 0x36), mask 0x01: 1 = discharge MOSFET on',
  },
};
