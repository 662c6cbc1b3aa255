// JK BMS, JK02_32S protocol (service ffe0, one characteristic ffe1 for write and notify).
// As documented in syssi/esphome-jk-bms docs/protocol-design-ble.md and seen in
// /work/shared/captures/jk_*.btsnoop: the app writes 20-byte commands aa 55 90 eb CMD … SUM8
// (0x97 device info, 0x96 settings); the device answers with 300-byte frames 55 aa eb 90 TYPE COUNTER
// … SUM8(byte 299) — 0x03 device info, 0x01 settings — acknowledges with aa 55 90 eb c8 01 01 … 44,
// and then streams 0x02 cell info frames about once a second without further requests.
// The module writes each frame in 150-byte pieces which the BLE stack cuts to MTU − 3: at the
// usual ATT_MTU of 131 that is 128 + 22 + 128 + 22, as in jk_heating_start_stop_setting.btsnoop.
import { sum8 } from '../checksums.js';
import { ascii, chunk, u16le, u32le } from '../bytes.js';
import { buildGatt, standardServices } from '../gatt.js';
import type { BmsProtocol } from '../protocol.js';
import { BALANCE_MIN_MA, packMv, socPermille, type BmsState } from '../state.js';

export const JK_FRAME = 300;

export function jkCommand(cmd: number, value = 0, length = 0): Uint8Array {
  const f = new Uint8Array(20);
  f.set([0xaa, 0x55, 0x90, 0xeb, cmd, length], 0);
  u32le(f, 6, value);
  f[19] = sum8(f, 0, 19);
  return f;
}

function frame(s: BmsState, type: number, fill: (f: Uint8Array) => void): Uint8Array {
  const f = new Uint8Array(JK_FRAME);
  f.set([0x55, 0xaa, 0xeb, 0x90, type, s.frameCounter & 0xff], 0);
  s.frameCounter = (s.frameCounter + 1) & 0xff;
  fill(f);
  f[JK_FRAME - 1] = sum8(f, 0, JK_FRAME - 1);
  return f;
}

/** 0x02 cell info: byte 199 is the discharging MOSFET status (0/1), byte 198 the charging one. */
export function jkCellInfo(s: BmsState): Uint8Array {
  return frame(s, 0x02, (f) => {
    const cells = s.cellsMv;
    cells.forEach((v, i) => u16le(f, 6 + 2 * i, v));
    u32le(f, 70, (2 ** cells.length - 1) >>> 0);
    const max = Math.max(...cells);
    const min = Math.min(...cells);
    u16le(f, 74, Math.round(cells.reduce((a, v) => a + v, 0) / cells.length));
    u16le(f, 76, max - min);
    f[78] = cells.indexOf(max);
    f[79] = cells.indexOf(min);
    cells.forEach((_, i) => u16le(f, 80 + 2 * i, 60 + ((i * 7) % 23)));
    u16le(f, 144, s.mosDeciC & 0xffff);
    u32le(f, 150, packMv(s));
    u32le(f, 154, Math.abs(Math.round((packMv(s) * s.currentMa) / 1000)) >>> 0);
    u32le(f, 158, s.currentMa >>> 0);
    u16le(f, 162, s.tempsDeciC[0]! & 0xffff);
    u16le(f, 164, s.tempsDeciC[1]! & 0xffff);
    const balancing = s.currentMa > BALANCE_MIN_MA && max - min > 12;
    u16le(f, 170, balancing ? 40 + (s.frameCounter % 17) : 0);
    f[172] = balancing ? 1 : 0;
    f[173] = Math.round(socPermille(s) / 10);
    u32le(f, 174, Math.round(s.remainingMah));
    u32le(f, 178, s.nominalMah);
    u32le(f, 182, s.cycles);
    u32le(f, 186, s.cycles * s.nominalMah);
    f[190] = 100;
    u32le(f, 194, Math.floor(s.uptimeS));
    f[198] = s.chargeOn ? 1 : 0;
    f[199] = s.dischargeOn ? 1 : 0;
    f[201] = balancing ? 1 : 0;
    f[214] = 0x07; // sensors present
    u16le(f, 254, s.tempsDeciC[2]! & 0xffff);
  });
}

/** 0x01 settings: charge/discharge/balancer switches as 4-byte booleans at 118, 122, 126. */
export function jkSettings(s: BmsState): Uint8Array {
  return frame(s, 0x01, (f) => {
    const v = [3000, 2600, 2800, 3650, 3400, 3, 3500, 2800, 3500, 3450, 2500, 100000, 30, 60, 150000, 300, 60, 5, 2000];
    v.forEach((x, i) => u32le(f, 6 + 4 * i, x));
    u32le(f, 82, 700);
    u32le(f, 86, 600);
    u32le(f, 90, 700);
    u32le(f, 94, 600);
    u32le(f, 114, s.cellsMv.length);
    u32le(f, 118, s.chargeOn ? 1 : 0);
    u32le(f, 122, s.dischargeOn ? 1 : 0);
    u32le(f, 126, 1);
    u32le(f, 130, s.nominalMah);
    u32le(f, 134, 1500);
    u32le(f, 138, 3400);
    u32le(f, 274, 4);
    f[284] = 3;
    f[285] = 7;
  });
}

export function jkDeviceInfo(s: BmsState): Uint8Array {
  return frame(s, 0x03, (f) => {
    ascii(f, 6, 'JK_B2A24S15P', 16);
    ascii(f, 22, '11.XW', 8);
    ascii(f, 30, '11.26', 8);
    u32le(f, 38, Math.floor(s.uptimeS));
    u32le(f, 42, s.powerOnCount);
    ascii(f, 46, `JK-B2A24S${s.serial.slice(-4)}`, 16);
    ascii(f, 62, '1234', 16);
    ascii(f, 78, '230714', 8);
    ascii(f, 86, `3010${s.serial}`, 16);
    ascii(f, 118, '000000', 16);
  });
}

/** The acknowledgement the module sends after a command (seen in jk_b1a20s15p_sw1007.btsnoop). */
const ACK = (() => {
  const a = new Uint8Array(20);
  a.set([0xaa, 0x55, 0x90, 0xeb, 0xc8, 0x01, 0x01], 0);
  a[19] = sum8(a, 0, 19);
  return a;
})();

const AT_PROBE = Uint8Array.from([0x41, 0x54, 0x0d, 0x0a]);

/** 150-byte writes by the module, each cut to the ATT payload limit. */
export function jkSplit(frame: Uint8Array, mtu: number): Uint8Array[] {
  return chunk(frame, 150).flatMap((piece) => chunk(piece, mtu - 3));
}

const gatt = buildGatt(
  [
    ...standardServices('JK-BMS'),
    {
      uuid: 'ffe0',
      name: 'JK BMS',
      start: 0x10,
      chars: [
        {
          uuid: 'ffe1',
          name: 'JK write/notify',
          properties: ['read', 'writeWithoutResponse', 'notify'],
          userDescription: 'Characteristic 1',
        },
      ],
    },
  ],
  { service: 'ffe0', notify: 'ffe1', write: 'ffe1', serverMtu: 131 },
);

export const jk: BmsProtocol = {
  id: 'jk',
  name: 'JK BMS (JK02_32S, streaming)',
  notes: 'Real protocol (esphome-jk-bms JK02_32S); shared handle 0x12 and MTU 131 as in the corpus captures.',
  advertisedName: (serial) => `JK-B2A24S${serial.slice(-4)}`,
  addressPrefix: 'c8:47:8c',
  gatt,
  writeOpcode: 0x52,
  appConnect: () => [jkCommand(0x97), jkCommand(0x96)],
  appPoll: () => [],
  // Register 0x1E = discharge switch (0x1D charge, 0x1F balancer), 4-byte value.
  switchCommand: (on) => jkCommand(0x1e, on ? 1 : 0, 4),
  respond(s, w, mtu) {
    if (w.length !== 20 || w[0] !== 0xaa || w[1] !== 0x55 || w[2] !== 0x90 || w[3] !== 0xeb) return [];
    if (w[4] === 0x1e && w[5] === 4) {
      s.dischargeOn = w[6] === 1;
      return [...chunk(ACK, mtu - 3), ...jkSplit(jkSettings(s), mtu)];
    }
    if (w[4] === 0x97) return [...jkSplit(jkDeviceInfo(s), mtu), ...chunk(ACK, mtu - 3)];
    if (w[4] === 0x96) {
      s.session.streaming = true;
      return [...jkSplit(jkSettings(s), mtu), ...chunk(ACK, mtu - 3)];
    }
    return [];
  },
  stream: (s, mtu) => {
    const parts = jkSplit(jkCellInfo(s), mtu);
    // Some modules probe their UART with "AT\r\n" and forward it (jk_heating_start_stop_setting).
    return s.quirks.has('at-probe') ? [...parts, AT_PROBE, AT_PROBE] : parts;
  },
  quirks: { 'at-probe': 'two 4-byte "AT\\r\\n" notifications after every cell info frame, as in jk_heating_start_stop_setting.btsnoop' },
  streamIntervalMs: 1000,
  truth: {
    what: 'discharge MOSFET',
    handle: gatt.notifyHandle,
    prefix: '55aaeb9002',
    length: JK_FRAME,
    byte: 199,
    bit: 0,
    mask: 0x01,
    on: 1,
    rule: 'frame starting 55 AA EB 90 02, byte 199, mask 0x01: 1 = discharge MOSFET on',
  },
};

