// Shape: a polled 58-byte status frame (20 + 20 + 18 notifications) plus short acks that share its
// start byte: the app writes a keep-alive and a time sync between polls, each acknowledged with
// 4 bytes starting a5. The acks are messages of their own, not frame starts to join.
//   a5 01 | length 58 | 16 × u16be cell mV | … | byte 44 flags (bit3 discharge) | … | CRC-16/MODBUS le at 56
import { chunk, u16be, u16le } from '../bytes.js';
import { crc16Modbus } from '../checksums.js';
import type { BmsProtocol } from '../protocol.js';
import { shapeGatt } from './gatt.js';

const gatt = shapeGatt('ABMS', 'ff80');
const FRAME = 58;

export const statusAcks: BmsProtocol = {
  id: 'status-acks',
  name: 'A status frame plus short acks sharing its start byte',
  notes: 'SYNTHETIC frame shape: 4-byte acks a5 8x among 3-notification a5 01 frames.',
  advertisedName: (serial) => `ABMS-${serial.slice(-4)}`,
  addressPrefix: 'd0:3e:81',
  gatt,
  writeOpcode: 0x52,
  appConnect: () => [],
  appPoll: (k) => [Uint8Array.of(0xa5, 0x01, 0x00, 0xa6), Uint8Array.of(0xa5, 0x02, k & 0xff, (0xa7 + k) & 0xff), Uint8Array.of(0xa5, 0x03, 0x00, 0xa8)],
  requestGapMs: [120, 200],
  switchCommand: (on) => Uint8Array.of(0xa5, 0x10, on ? 1 : 0, 0xb5),
  respond(s, w, mtu) {
    if (w.length !== 4 || w[0] !== 0xa5) return [];
    if (w[1] === 0x10) s.dischargeOn = w[2] === 1;
    if (w[1] !== 0x01) return [Uint8Array.of(0xa5, 0x80 | w[1]!, 0x00, (0x25 + w[1]!) & 0xff)];
    const f = new Uint8Array(FRAME);
    f.set([0xa5, 0x01, FRAME]);
    for (let k = 0; k < 16; k++) u16be(f, 4 + 2 * k, s.cellsMv[k % s.cellsMv.length]!);
    u16be(f, 36, Math.round(s.currentMa / 10) & 0xffff);
    u16be(f, 38, s.tempsDeciC[0]!);
    f[44] = (s.dischargeOn ? 0x08 : 0) | (s.chargeOn ? 0x04 : 0);
    u16be(f, 46, s.cycles);
    u16le(f, 56, crc16Modbus(f, 0, 56));
    return chunk(f, Math.min(20, mtu - 3));
  },
  truth: { what: 'discharge MOSFET', handle: gatt.notifyHandle, prefix: 'a501', length: FRAME, byte: 44, bit: 3, mask: 0x08, on: 1, rule: 'frame starting a5 01, byte 44, mask 0x08: 1 = discharge MOSFET on' },
};
