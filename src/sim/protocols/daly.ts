// Daly smart BMS, classic 13-byte protocol over the BLE module (service fff0, notify fff1, write fff2).
// As documented for the Daly UART/BLE protocol (python-daly-bms, esphome-daly-bms, daly-bms-uart):
// request a5 80 CMD 08 00×8 SUM8 (host address 0x80 = Bluetooth, 0x40 = PC/UART), answer
// a5 01 CMD 08 DATA(8) SUM8. Every 13-byte answer frame is one notification; 0x95 (cells) and 0x96
// (temperatures) answer with several frames numbered from 1.
import { sum8 } from '../checksums.js';
import { u16be, u32le } from '../bytes.js';
import { buildGatt, standardServices } from '../gatt.js';
import type { BmsProtocol } from '../protocol.js';
import { BALANCE_MIN_MA, packMv, socPermille, type BmsState } from '../state.js';

export function dalyRequest(cmd: number, address = 0x80): Uint8Array {
  const f = new Uint8Array(13);
  f[0] = 0xa5;
  f[1] = address;
  f[2] = cmd;
  f[3] = 0x08;
  f[12] = sum8(f, 0, 12);
  return f;
}

/** 0xD9 discharge MOSFET switch: data byte 0 = 1 on, 0 off; the BMS echoes it. */
export function dalySwitch(on: boolean, address = 0x80): Uint8Array {
  const f = dalyRequest(0xd9, address);
  f[4] = on ? 1 : 0;
  f[12] = sum8(f, 0, 12);
  return f;
}

export function dalyFrame(cmd: number, data: Uint8Array): Uint8Array {
  const f = new Uint8Array(13);
  f[0] = 0xa5;
  f[1] = 0x01;
  f[2] = cmd;
  f[3] = 0x08;
  f.set(data.subarray(0, 8), 4);
  f[12] = sum8(f, 0, 12);
  return f;
}

/** 0x93 MOSFET status: byte 4 state (0 idle, 1 charging, 2 discharging), 5 charge MOS, 6 discharge MOS. */
export function dalyMosfet(s: BmsState): Uint8Array {
  const d = new Uint8Array(8);
  d[0] = s.currentMa > 100 ? 1 : s.currentMa < -100 ? 2 : 0;
  d[1] = s.chargeOn ? 1 : 0;
  d[2] = s.dischargeOn ? 1 : 0;
  d[3] = s.cycles & 0xff; // "BMS life" cycles
  const rem = Math.round(s.remainingMah);
  // Remaining capacity, mAh, big-endian 32-bit.
  d[4] = (rem >>> 24) & 0xff;
  d[5] = (rem >>> 16) & 0xff;
  d[6] = (rem >>> 8) & 0xff;
  d[7] = rem & 0xff;
  return dalyFrame(0x93, d);
}

function answer(s: BmsState, cmd: number): Uint8Array[] {
  const d = new Uint8Array(8);
  const cells = s.cellsMv;
  switch (cmd) {
    case 0x90: {
      u16be(d, 0, Math.round(packMv(s) / 100));
      u16be(d, 2, Math.round(packMv(s) / 100));
      u16be(d, 4, 30000 + Math.round(s.currentMa / 100));
      u16be(d, 6, socPermille(s));
      return [dalyFrame(cmd, d)];
    }
    case 0x91: {
      const max = Math.max(...cells);
      const min = Math.min(...cells);
      u16be(d, 0, max);
      d[2] = cells.indexOf(max) + 1;
      u16be(d, 3, min);
      d[5] = cells.indexOf(min) + 1;
      return [dalyFrame(cmd, d)];
    }
    case 0x92: {
      const t = s.tempsDeciC.map((v) => Math.round(v / 10) + 40);
      d[0] = Math.max(...t);
      d[1] = t.indexOf(d[0]) + 1;
      d[2] = Math.min(...t);
      d[3] = t.indexOf(d[2]) + 1;
      return [dalyFrame(cmd, d)];
    }
    case 0x93:
      return [dalyMosfet(s)];
    case 0x94: {
      d[0] = cells.length;
      d[1] = s.tempsDeciC.length;
      d[2] = s.currentMa > 100 ? 1 : 0; // charger detected
      d[3] = s.currentMa < -100 ? 1 : 0; // load detected
      d[4] = 0x00; // DI/DO states
      u16be(d, 5, s.cycles);
      return [dalyFrame(cmd, d)];
    }
    case 0x95: {
      const out: Uint8Array[] = [];
      for (let i = 0; i * 3 < cells.length; i++) {
        const c = new Uint8Array(8);
        c[0] = i + 1;
        for (let k = 0; k < 3 && i * 3 + k < cells.length; k++) u16be(c, 1 + 2 * k, cells[i * 3 + k]!);
        out.push(dalyFrame(cmd, c));
      }
      return out;
    }
    case 0x96: {
      d[0] = 1;
      s.tempsDeciC.forEach((v, i) => (d[1 + i] = Math.round(v / 10) + 40));
      return [dalyFrame(cmd, d)];
    }
    case 0x97: {
      const min = Math.min(...cells);
      let bits = 0;
      if (s.currentMa > BALANCE_MIN_MA) cells.forEach((v, i) => (bits |= v - min > 12 && i < 32 ? 1 << i : 0));
      u32le(d, 0, bits >>> 0);
      return [dalyFrame(cmd, d)];
    }
    case 0x98:
      return [dalyFrame(cmd, d)];
    default:
      return [];
  }
}

const gatt = buildGatt(
  [
    ...standardServices('DL-BMS'),
    {
      uuid: 'fff0',
      name: 'Daly BMS',
      start: 0x0e,
      chars: [
        { uuid: 'fff2', name: 'Daly write', properties: ['writeWithoutResponse', 'write'] },
        { uuid: 'fff1', name: 'Daly notify', properties: ['notify'] },
      ],
    },
  ],
  { service: 'fff0', notify: 'fff1', write: 'fff2', serverMtu: 23 },
);

export const daly: BmsProtocol = {
  id: 'daly',
  name: 'Daly smart BMS (13-byte frames)',
  notes: 'Real protocol (Daly UART/BLE, address 0x80 for Bluetooth); handles as in daly_dsg_onoff (write 0x10, notify 0x12).',
  advertisedName: (serial) => `DL-4118120${serial}`,
  addressPrefix: '41:18:12',
  gatt,
  writeOpcode: 0x52,
  // Nine requests per poll: the app sends them quickly, each right after the answer.
  requestGapMs: [70, 110],
  appConnect: () => [],
  appPoll: () => [0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98].map((c) => dalyRequest(c)),
  switchCommand: (on) => dalySwitch(on),
  respond(s, w) {
    if (w.length !== 13 || w[0] !== 0xa5 || w[3] !== 0x08 || sum8(w, 0, 12) !== w[12]) return [];
    if (w[2] === 0xd9) {
      s.dischargeOn = w[4] === 1;
      return [dalyFrame(0xd9, w.subarray(4, 12))];
    }
    return answer(s, w[2]!);
  },
  truth: {
    what: 'discharge MOSFET',
    handle: gatt.notifyHandle,
    prefix: 'a5019308',
    length: 13,
    byte: 6,
    bit: 0,
    mask: 0x01,
    on: 1,
    rule: 'frame starting A5 01 93 08, byte 6, mask 0x01: 1 = discharge MOSFET on',
  },
};
