// Shape: Modbus-RTU answers forwarded by a UART bridge in pieces of 1–9 bytes, while the app keeps
// writing its next requests: writes fall between the pieces of an answer (issue 10, failure 4, as
// lumentree_inverter.btsnoop). Two reads per poll: status (16 registers) and cells (24 registers).
//   01 03 20 | r0..r15 | CRC16 → 37 bytes; r5 low byte (byte 14) bit 0 = discharge MOSFET
//   01 03 30 | 24 cells mV | CRC16 → 53 bytes
import { u16be } from '../bytes.js';
import { modbusReadAnswer, modbusRequest, isModbusRequest } from '../modbus-frames.js';
import type { BmsProtocol } from '../protocol.js';
import { packMv, socPermille, type BmsState } from '../state.js';
import { Prng } from '../prng.js';
import { shapeGatt } from './gatt.js';

const gatt = shapeGatt('LBMS', 'ffa0');
const ADDRESS = 0x01;

function registers(values: number[]): Uint8Array {
  const d = new Uint8Array(2 * values.length);
  values.forEach((x, i) => u16be(d, 2 * i, x & 0xffff));
  return d;
}

function status(s: BmsState): number[] {
  return [Math.round(packMv(s) / 10), Math.round(s.currentMa / 10), socPermille(s), s.cycles, Math.round(s.remainingMah / 10), s.dischargeOn ? 1 : 0, s.chargeOn ? 1 : 0, ...s.tempsDeciC.slice(0, 2), 0, 0, 5000, 3650, 2800, 0, Math.round(s.uptimeS / 60)];
}

/** Pieces of 1–9 bytes; the sizes follow the device's state (deterministic for a seed). */
function pieces(s: BmsState, f: Uint8Array): Uint8Array[] {
  const p = new Prng((Math.round(s.uptimeS * 1000) ^ Math.imul(s.frameCounter++, 0x9e3779b1)) >>> 0);
  const out: Uint8Array[] = [];
  for (let o = 0; o < f.length; ) {
    const n = p.int(1, 9);
    out.push(f.slice(o, Math.min(f.length, o + n)));
    o += n;
  }
  return out;
}

export const modbusPieces: BmsProtocol = {
  id: 'modbus-pieces',
  name: 'Modbus-RTU answers in 1–9-byte pieces with the app writing between them',
  notes: 'SYNTHETIC frame shape after lumentree_inverter.btsnoop: answers fragmented by a UART bridge, requests interleaved.',
  advertisedName: (serial) => `LBMS-${serial.slice(-4)}`,
  addressPrefix: 'd0:3e:7f',
  gatt,
  writeOpcode: 0x52,
  appConnect: () => [],
  appPoll: () => [modbusRequest(ADDRESS, 0x03, 0, 16), modbusRequest(ADDRESS, 0x03, 0x40, 24)],
  // Short gaps between the requests: the next one leaves while the last answer still arrives.
  requestGapMs: [25, 60],
  switchCommand: (on) => modbusRequest(ADDRESS, 0x06, 5, on ? 1 : 0),
  respond(s, w) {
    if (!isModbusRequest(w, ADDRESS)) return [];
    const first = (w[2]! << 8) | w[3]!;
    if (w[1] === 0x06 && first === 5) {
      s.dischargeOn = w[5] === 1;
      return pieces(s, w.slice());
    }
    if (w[1] !== 0x03) return [];
    if (first === 0) return pieces(s, modbusReadAnswer(ADDRESS, registers(status(s))));
    if (first === 0x40) return pieces(s, modbusReadAnswer(ADDRESS, registers(Array.from({ length: 24 }, (_, i) => s.cellsMv[i % s.cellsMv.length]!))));
    return [];
  },
  truth: { what: 'discharge MOSFET', handle: gatt.notifyHandle, prefix: '010320', length: 37, byte: 14, bit: 0, mask: 0x01, on: 1, rule: 'frame starting 01 03 20, byte 14, mask 0x01: 1 = discharge MOSFET on' },
};
