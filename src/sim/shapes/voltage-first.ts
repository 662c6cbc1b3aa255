// Shape: every notification is a whole message of one fixed length (20 bytes, the full MTU) that
// starts with a number (the pack voltage in 10 mV), streamed twice a second. No marker, no length
// field, no checksum: the most common voltage must not become a "marker" (issue 10, failure 3).
//   u16be pack 10 mV | i16be current 10 mA | u16be SOC 0.1 % | u16be remaining 10 mAh |
//   u16be cycles | flags (bit0 charge, bit1 discharge) | temps 3 × (°C + 40) | u16be max/min cell mV... (20 bytes)
import { u16be } from '../bytes.js';
import type { BmsProtocol } from '../protocol.js';
import { packMv, socPermille } from '../state.js';
import { isStart, shapeGatt, START_STREAM } from './gatt.js';

const gatt = shapeGatt('VBMS', 'ffc0');

export const voltageFirst: BmsProtocol = {
  id: 'voltage-first',
  name: 'Fixed 20-byte status messages starting with the pack voltage',
  notes: 'SYNTHETIC frame shape: whole fixed-length messages whose first bytes are a varying number.',
  advertisedName: (serial) => `VBMS-${serial.slice(-4)}`,
  addressPrefix: 'd0:3e:7d',
  gatt,
  writeOpcode: 0x52,
  appConnect: () => [START_STREAM],
  appPoll: () => [],
  switchCommand: (on) => Uint8Array.of(0x53, 0x57, on ? 1 : 0),
  respond(s, w) {
    if (isStart(w)) s.session.streaming = true;
    if (w.length === 3 && w[0] === 0x53 && w[1] === 0x57) s.dischargeOn = w[2] === 1;
    return [];
  },
  stream(s) {
    const f = new Uint8Array(20);
    u16be(f, 0, Math.round(packMv(s) / 10));
    u16be(f, 2, Math.round(s.currentMa / 10) & 0xffff);
    u16be(f, 4, socPermille(s));
    u16be(f, 6, Math.round(s.remainingMah / 10));
    u16be(f, 8, s.cycles);
    f[10] = (s.chargeOn ? 1 : 0) | (s.dischargeOn ? 2 : 0);
    for (let i = 0; i < 3; i++) f[11 + i] = Math.round((s.tempsDeciC[i % s.tempsDeciC.length]! / 10) + 40);
    u16be(f, 14, Math.max(...s.cellsMv));
    u16be(f, 16, Math.min(...s.cellsMv));
    u16be(f, 18, Math.round(s.uptimeS) & 0xffff);
    return [f];
  },
  streamIntervalMs: 500,
  truth: { what: 'discharge MOSFET', handle: gatt.notifyHandle, prefix: '', length: 20, byte: 10, bit: 1, mask: 0x02, on: 1, rule: 'byte 10, mask 0x02: 1 = discharge MOSFET on' },
};
