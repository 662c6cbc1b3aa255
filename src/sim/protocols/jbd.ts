// JBD / Xiaoxiang smart BMS over BLE (service ff00, notify ff01, write ff02).
// Frames as documented by syssi/esphome-jbd-bms and seen in /work/shared/captures/jbd_*.btsnoop:
// request  dd a5 CMD 00 CHK(2) 77, answer dd CMD STATUS LEN DATA… CHK(2) 77 where CHK = 0x10000 −
// sum(bytes from CMD/STATUS through the data). The device sends at most 20 bytes per notification,
// so the 36-byte 0x03 answer arrives as 20 + 16.
import { jbdChecksum } from '../checksums.js';
import { ascii, chunk, u16be } from '../bytes.js';
import { buildGatt, standardServices } from '../gatt.js';
import type { BmsProtocol } from '../protocol.js';
import { BALANCE_MIN_MA, packMv, socPermille, type BmsState } from '../state.js';

export function jbdRequest(cmd: number): Uint8Array {
  const f = new Uint8Array([0xdd, 0xa5, cmd, 0x00, 0, 0, 0x77]);
  u16be(f, 4, jbdChecksum(f, 2, 4));
  return f;
}

export function jbdFrame(cmd: number, data: Uint8Array): Uint8Array {
  const f = new Uint8Array(data.length + 7);
  f[0] = 0xdd;
  f[1] = cmd;
  f[2] = 0x00; // status OK
  f[3] = data.length;
  f.set(data, 4);
  u16be(f, 4 + data.length, jbdChecksum(f, 2, 4 + data.length));
  f[f.length - 1] = 0x77;
  return f;
}

/** Basic info (0x03): byte 24 of the frame is the MOSFET status, bit 0 charge, bit 1 discharge. */
export function jbdBasicInfo(s: BmsState): Uint8Array {
  const ntc = s.tempsDeciC.length;
  const d = new Uint8Array(23 + 2 * ntc);
  u16be(d, 0, Math.round(packMv(s) / 10));
  u16be(d, 2, Math.round(s.currentMa / 10) & 0xffff);
  u16be(d, 4, Math.round(s.remainingMah / 10));
  u16be(d, 6, Math.round(s.nominalMah / 10));
  u16be(d, 8, s.cycles);
  u16be(d, 10, (2023 - 2000) * 512 + 7 * 32 + 14); // production date, packed
  const min = Math.min(...s.cellsMv);
  let balance = 0;
  if (s.currentMa > BALANCE_MIN_MA) s.cellsMv.forEach((v, i) => (balance |= v - min > 12 && i < 16 ? 1 << i : 0));
  u16be(d, 12, balance);
  u16be(d, 14, 0);
  u16be(d, 16, 0); // protection status
  d[18] = 0x10; // software version 1.0
  d[19] = Math.round(socPermille(s) / 10);
  d[20] = (s.chargeOn ? 0x01 : 0) | (s.dischargeOn ? 0x02 : 0);
  d[21] = s.cellsMv.length;
  d[22] = ntc;
  s.tempsDeciC.forEach((t, i) => u16be(d, 23 + 2 * i, 2731 + t));
  return jbdFrame(0x03, d);
}

export function jbdCellVoltages(s: BmsState): Uint8Array {
  const d = new Uint8Array(2 * s.cellsMv.length);
  s.cellsMv.forEach((v, i) => u16be(d, 2 * i, v));
  return jbdFrame(0x04, d);
}

function hardwareVersion(s: BmsState): Uint8Array {
  const name = `SP04S034-L4S-${s.serial}`;
  const d = new Uint8Array(name.length);
  ascii(d, 0, name, name.length);
  return jbdFrame(0x05, d);
}

/** MOS control (0xE1): data 00 XX, bit 0 = charge off, bit 1 = discharge off (esphome-jbd-bms). */
export function jbdMosControl(chargeOn: boolean, dischargeOn: boolean): Uint8Array {
  const f = new Uint8Array([0xdd, 0x5a, 0xe1, 0x02, 0x00, (chargeOn ? 0 : 1) | (dischargeOn ? 0 : 2), 0, 0, 0x77]);
  u16be(f, 6, jbdChecksum(f, 2, 6));
  return f;
}

const NAME = (serial: string) => `xiaoxiang-${serial.slice(-4)}`;

const gatt = buildGatt(
  [
    ...standardServices('xiaoxiang BMS'),
    {
      uuid: '180a',
      name: 'Device Information',
      chars: [
        { uuid: '2a29', name: 'Manufacturer Name String', properties: ['read'], value: 'JBD' },
        { uuid: '2a24', name: 'Model Number String', properties: ['read'], value: 'SP04S034' },
      ],
    },
    {
      uuid: 'ff00',
      name: 'JBD BMS',
      start: 0x0f,
      chars: [
        { uuid: 'ff01', name: 'JBD notify', properties: ['read', 'notify'], userDescription: 'rx' },
        { uuid: 'ff02', name: 'JBD write', properties: ['writeWithoutResponse', 'write'], userDescription: 'tx' },
      ],
    },
  ],
  { service: 'ff00', notify: 'ff01', write: 'ff02', serverMtu: 23 },
);

export const jbd: BmsProtocol = {
  id: 'jbd',
  name: 'JBD / Xiaoxiang smart BMS',
  notes: 'Real protocol (esphome-jbd-bms); handles 0x11 notify / 0x15 write as in the corpus captures.',
  advertisedName: NAME,
  addressPrefix: 'a4:c1:38',
  gatt,
  writeOpcode: 0x52,
  appConnect: () => [jbdRequest(0x05)],
  appPoll: () => [jbdRequest(0x03), jbdRequest(0x04)],
  switchCommand: (on) => jbdMosControl(true, on),
  respond(s, w, mtu) {
    if (w.length === 9 && w[0] === 0xdd && w[1] === 0x5a && w[2] === 0xe1) {
      s.chargeOn = (w[5]! & 1) === 0;
      s.dischargeOn = (w[5]! & 2) === 0;
      return [jbdFrame(0xe1, new Uint8Array(0))];
    }
    if (w.length < 7 || w[0] !== 0xdd || w[1] !== 0xa5) return [];
    const size = Math.min(20, mtu - 3);
    if (w[2] === 0x03) return chunk(jbdBasicInfo(s), size);
    if (w[2] === 0x04) return chunk(jbdCellVoltages(s), size);
    if (w[2] === 0x05) return chunk(hardwareVersion(s), size);
    return [];
  },
  truth: {
    what: 'discharge MOSFET',
    handle: gatt.notifyHandle,
    prefix: 'dd03001d',
    length: 36,
    byte: 24,
    bit: 1,
    mask: 0x02,
    on: 1,
    rule: 'frame starting DD 03, byte 24, mask 0x02: 1 = discharge on',
  },
};
