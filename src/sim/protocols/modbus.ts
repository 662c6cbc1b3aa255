// A Modbus-RTU BMS behind a Nordic UART bridge whose register map starts with a status word.
// SYNTHETIC, but built from real parts: Modbus-RTU over BLE UART is what Daly's newer modules,
// Seplos v3, Li-Gen/batteread (Nordic UART 6e400001…) and Lumentree use; a status/flags register
// at address 0 is common in such maps. The point of this model: the switch sits in byte 3 of the
// answer (the high byte of register 0), inside the first 4 bytes, so grouping by a 4-byte prefix
// puts ON and OFF answers into different groups.
//   request  01 03 0000 000a CRC16  → 01 03 14 | r0..r9 (big-endian) | CRC16/Modbus (little-endian)
//   r0 status: high byte bit0 charge MOS, bit1 discharge MOS, bit2 balancing; low byte alarms (0)
//   r1 pack voltage 10 mV, r2 current 10 mA (signed), r3 SOC 0.1 %, r4 remaining 10 mAh,
//   r5 cycles, r6/r7 temperatures 0.1 °C, r8 max cell mV, r9 min cell mV
//   request  01 03 0020 0010 CRC16  → 01 03 20 | 16 cell voltages mV (0 when absent) | CRC16
// The bridge forwards at most 20 bytes per notification (ATT_MTU 23): 25 bytes arrive as 20 + 5.
import { isModbusRequest, modbusReadAnswer, modbusRequest } from '../modbus-frames.js';
import { chunk, u16be } from '../bytes.js';
import { buildGatt, standardServices } from '../gatt.js';
import type { BmsProtocol } from '../protocol.js';
import { BALANCE_MIN_MA, packMv, socPermille, type BmsState } from '../state.js';

const NUS = '6e400001-b5a3-f393-e0a9-e50e24dcca9e';
const NUS_RX = '6e400002-b5a3-f393-e0a9-e50e24dcca9e';
const NUS_TX = '6e400003-b5a3-f393-e0a9-e50e24dcca9e';
const ADDRESS = 0x01;
const CELL_BASE = 0x20;
/** The app always reads 16 cell registers; unused cells read 0. */
const CELL_COUNT = 16;

export function modbusRead(start: number, count: number, address = ADDRESS): Uint8Array {
  return modbusRequest(address, 0x03, start, count);
}

/** Write single register (0x06); register 0x0100 = discharge MOSFET control (1 on, 0 off). */
export function modbusWriteRegister(register: number, value: number, address = ADDRESS): Uint8Array {
  return modbusRequest(address, 0x06, register, value);
}
const DISCHARGE_REGISTER = 0x0100;

export function modbusAnswer(registers: number[], address = ADDRESS): Uint8Array {
  const data = new Uint8Array(2 * registers.length);
  registers.forEach((r, i) => u16be(data, 2 * i, r & 0xffff));
  return modbusReadAnswer(address, data);
}

export function statusRegisters(s: BmsState): number[] {
  const max = Math.max(...s.cellsMv);
  const min = Math.min(...s.cellsMv);
  const balancing = s.currentMa > BALANCE_MIN_MA && max - min > 12;
  const flags = (s.chargeOn ? 1 : 0) | (s.dischargeOn ? 2 : 0) | (balancing ? 4 : 0);
  return [
    flags << 8,
    Math.round(packMv(s) / 10),
    Math.round(s.currentMa / 10),
    socPermille(s),
    Math.round(s.remainingMah / 10),
    s.cycles,
    s.tempsDeciC[0]!,
    s.tempsDeciC[1]!,
    max,
    min,
  ];
}

const gatt = buildGatt(
  [
    ...standardServices('MBMS'),
    {
      uuid: NUS,
      name: 'Nordic UART',
      chars: [
        { uuid: NUS_RX, name: 'Nordic UART RX', properties: ['write', 'writeWithoutResponse'] },
        { uuid: NUS_TX, name: 'Nordic UART TX', properties: ['notify'] },
      ],
    },
  ],
  { service: NUS, notify: NUS_TX, write: NUS_RX, serverMtu: 23 },
);

export const modbus: BmsProtocol = {
  id: 'modbus',
  name: 'Modbus-RTU BMS over Nordic UART (status register first)',
  notes: 'Synthetic register map from real parts; the switch is in byte 3 (inside a 4-byte prefix).',
  advertisedName: (serial) => `MBMS-${serial.slice(-4)}`,
  addressPrefix: 'e4:5f:01',
  gatt,
  writeOpcode: 0x12,
  appConnect: () => [],
  appPoll: () => [modbusRead(0, 10), modbusRead(CELL_BASE, CELL_COUNT)],
  switchCommand: (on) => modbusWriteRegister(DISCHARGE_REGISTER, on ? 1 : 0),
  respond(s, w, mtu) {
    if (!isModbusRequest(w, ADDRESS)) return [];
    if (w[1] === 0x06 && ((w[2]! << 8) | w[3]!) === DISCHARGE_REGISTER) {
      s.dischargeOn = w[5] === 1;
      return [w.slice()]; // Modbus echoes a register write
    }
    if (w[1] !== 0x03) return [];
    const start = (w[2]! << 8) | w[3]!;
    const size = Math.min(20, mtu - 3);
    if (start === 0) return chunk(modbusAnswer(statusRegisters(s)), size);
    if (start === CELL_BASE) {
      const cells = Array.from({ length: CELL_COUNT }, (_, i) => s.cellsMv[i] ?? 0);
      return chunk(modbusAnswer(cells), size);
    }
    return [];
  },
  truth: {
    what: 'discharge MOSFET',
    handle: gatt.notifyHandle,
    prefix: '010314',
    length: 25,
    byte: 3,
    bit: 1,
    mask: 0x02,
    on: 1,
    rule: 'frame starting 01 03 14, byte 3, mask 0x02: 1 = discharge MOSFET on',
  },
};
