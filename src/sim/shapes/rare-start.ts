// Shape: a 300-byte frame in 15 notifications of 20 bytes whose start byte (0x7b) is 1 value in 15,
// beaten as a first byte by the data: float32 cell voltages (their high halves repeat) and zero
// padding (issue 10, failure 2). The app polls; the frame has a 16-bit length and a CRC-16/MODBUS.
//   7b | 01 | u16le length 300 | 24 × float32le cell V | 24 × float32le cell V (again, balancer view) |
//   u16le temps … | zero padding | byte 290 flags (bit2 discharge) | … | CRC-16/MODBUS le at 298
import { chunk, u16le } from '../bytes.js';
import { crc16Modbus } from '../checksums.js';
import type { BmsProtocol } from '../protocol.js';
import { isStart, shapeGatt } from './gatt.js';

const gatt = shapeGatt('RBMS', 'ffb0');
const FRAME = 300;
const POLL = Uint8Array.of(0x7b, 0x01, 0x00, 0x7d);

export const rareStart: BmsProtocol = {
  id: 'rare-start',
  name: '300-byte frames of 15 notifications with a rare start byte',
  notes: 'SYNTHETIC frame shape: float cell voltages and zero padding outnumber the start byte as first bytes.',
  advertisedName: (serial) => `RBMS-${serial.slice(-4)}`,
  addressPrefix: 'd0:3e:7e',
  gatt,
  writeOpcode: 0x52,
  appConnect: () => [],
  appPoll: () => [POLL],
  switchCommand: (on) => Uint8Array.of(0x7b, 0x02, on ? 1 : 0, 0x7d),
  respond(s, w, mtu) {
    if (isStart(w)) return [];
    if (w.length === 4 && w[0] === 0x7b && w[1] === 0x02) {
      s.dischargeOn = w[2] === 1;
      return [];
    }
    if (w.length !== 4 || w[0] !== 0x7b || w[1] !== 0x01) return [];
    const f = new Uint8Array(FRAME);
    const v = new DataView(f.buffer);
    f[0] = 0x7b;
    f[1] = 0x01;
    u16le(f, 2, FRAME);
    for (let k = 0; k < 48; k++) v.setFloat32(4 + 4 * k, s.cellsMv[k % s.cellsMv.length]! / 1000, true);
    for (let k = 0; k < 4; k++) u16le(f, 196 + 2 * k, s.tempsDeciC[k % s.tempsDeciC.length]!);
    v.setFloat32(204, s.currentMa / 1000, true);
    f[290] = (s.chargeOn ? 0x02 : 0) | (s.dischargeOn ? 0x04 : 0);
    u16le(f, 292, s.cycles);
    u16le(f, 298, crc16Modbus(f, 0, 298));
    return chunk(f, Math.min(20, mtu - 3));
  },
  truth: { what: 'discharge MOSFET', handle: gatt.notifyHandle, prefix: '7b01', length: FRAME, byte: 290, bit: 2, mask: 0x04, on: 1, rule: 'frame starting 7b 01, byte 290, mask 0x04: 1 = discharge MOSFET on' },
};
