// Shape: 172-byte frames streamed in 9 notifications (8 × 20 + 12) whose 7th notification always
// starts with the same two bytes (a settings block), keep-alive acks that share the start bytes,
// and rounds that begin mid-frame (the capture started while the device streamed). Together
// these made a middle chunk win the marker vote (issue 10, failure 1).
//   a5 5a | 01 | counter | 24 × u16be cell mV | … | byte 120: 01 10 (settings block) … |
//   byte 150 flags (bit0 discharge) | … | sum8 at 171
import { chunk, u16be } from '../bytes.js';
import { sum8 } from '../checksums.js';
import type { BmsProtocol } from '../protocol.js';
import { isStart, shapeGatt, START_STREAM } from './gatt.js';

const gatt = shapeGatt('SBMS', 'ff90');
const FRAME = 172;
const KEEPALIVE = Uint8Array.of(0xa5, 0x5a, 0x7f, 0x00);
const ACK = Uint8Array.of(0xa5, 0x5a, 0x80, 0x00);

export const longStream: BmsProtocol = {
  id: 'long-stream',
  name: '172-byte frames streamed in 9 notifications, a constant 7th chunk, acks sharing the start',
  notes: 'SYNTHETIC frame shape: the failure modes of a capture started mid-stream.',
  advertisedName: (serial) => `SBMS-${serial.slice(-4)}`,
  addressPrefix: 'd0:3e:80',
  gatt,
  writeOpcode: 0x52,
  appConnect: () => [START_STREAM],
  appPoll: () => [KEEPALIVE],
  switchCommand: (on) => Uint8Array.of(0xa5, 0x5a, 0x10, on ? 1 : 0),
  respond(s, w) {
    if (isStart(w)) s.session.streaming = true;
    if (w.length === 4 && w[0] === 0xa5 && w[1] === 0x5a && w[2] === 0x10) s.dischargeOn = w[3] === 1;
    return w.length === 4 && w[0] === 0xa5 ? [ACK] : [];
  },
  stream(s, mtu) {
    const f = new Uint8Array(FRAME);
    f.set([0xa5, 0x5a, 0x01, s.frameCounter++ & 0xff]);
    for (let k = 0; k < 24; k++) u16be(f, 4 + 2 * k, s.cellsMv[k % s.cellsMv.length]!);
    for (let k = 0; k < 4; k++) u16be(f, 52 + 2 * k, s.tempsDeciC[k % s.tempsDeciC.length]!);
    u16be(f, 60, Math.round(s.currentMa / 10) & 0xffff);
    // The settings block: constant, and the start of the 7th notification at MTU 23.
    f.set([0x01, 0x10, 0x0e, 0x10, 0x0c, 0x80, 0x00, 0x64], 120);
    f[150] = (s.dischargeOn ? 0x01 : 0) | (s.chargeOn ? 0x02 : 0);
    u16be(f, 152, s.cycles);
    f[171] = sum8(f, 0, 171);
    return chunk(f, Math.min(20, mtu - 3));
  },
  streamIntervalMs: 700,
  truth: { what: 'discharge MOSFET', handle: gatt.notifyHandle, prefix: 'a55a01', length: FRAME, byte: 150, bit: 0, mask: 0x01, on: 1, rule: 'frame starting a5 5a 01, byte 150, mask 0x01: 1 = discharge MOSFET on' },
};
