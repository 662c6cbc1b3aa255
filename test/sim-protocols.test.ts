// The protocol models: checksums verified by independent computations (and those checked against
// real frames from the corpus), splitting, the switch bit, drift and determinism.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROTOCOLS, SimulatedBms } from '../src/sim/index.js';
import { jbdBasicInfo, jbdCellVoltages, jbdRequest } from '../src/sim/protocols/jbd.js';
import { dalyMosfet, dalyRequest } from '../src/sim/protocols/daly.js';
import { jkCellInfo, jkCommand, jkDeviceInfo, jkSettings, jkSplit } from '../src/sim/protocols/jk.js';
import { modbusAnswer, modbusRead, statusRegisters } from '../src/sim/protocols/modbus.js';
import { d2Read, d2Status } from '../src/sim/protocols/daly-modbus.js';
import { antRequest, antStatus } from '../src/sim/protocols/ant.js';

const CAPTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'captures');
const EXPECTED = join(CAPTURES, 'expected');

// Independent reference implementations, written from the protocol documents.
const sum = (b: Uint8Array, from: number, to: number) => b.subarray(from, to).reduce((a, v) => a + v, 0);
function crcModbusRef(b: Uint8Array): number {
  // Table-free bitwise CRC-16/MODBUS, checked against the standard test vector below.
  let crc = 0xffff;
  for (const byte of b) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = (crc >>> 1) ^ (crc & 1 ? 0xa001 : 0);
  }
  return crc;
}
function jbdValid(f: Uint8Array): boolean {
  const n = f.length;
  return f[0] === 0xdd && f[n - 1] === 0x77 && ((0x10000 - sum(f, 2, n - 3)) & 0xffff) === ((f[n - 3]! << 8) | f[n - 2]!);
}
const sum8Valid = (f: Uint8Array) => (sum(f, 0, f.length - 1) & 0xff) === f[f.length - 1];
const modbusValid = (f: Uint8Array) => crcModbusRef(f.subarray(0, f.length - 2)) === (f[f.length - 2]! | (f[f.length - 1]! << 8));

function tsvValues(name: string, opcode: string): Buffer[] {
  const file = join(EXPECTED, `${name}.att.tsv`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((c) => c[1] === opcode && c[3])
    .map((c) => Buffer.from(c[3]!, 'hex'));
}

/** Where each protocol's checksum sits in the frame named by its truth. */
const checksumBytes: Record<string, number[]> = { jbd: [33, 34], daly: [12], jk: [299], modbus: [23, 24], 'daly-modbus': [127, 128], ant: [148, 149] };

const bms = (id: string, on = true, seed = 3) => new SimulatedBms(PROTOCOLS[id]!, { switchOn: on, seed });

describe('reference checksums agree with real devices', () => {
  it('CRC-16/MODBUS reference gives the standard check value', () => {
    expect(crcModbusRef(Buffer.from('123456789', 'ascii'))).toBe(0x4b37);
  });
  it.skipIf(!existsSync(EXPECTED))('JBD frames in jbd_sp04s034_l4s_200a_b_u are valid under the reference', () => {
    const v = tsvValues('jbd_sp04s034_l4s_200a_b_u.btsnoop', '0x1b');
    const cells = v.filter((x) => x[0] === 0xdd && x[1] === 0x04);
    expect(cells.length).toBeGreaterThan(3);
    for (const f of cells) expect(jbdValid(f)).toBe(true);
    const writes = tsvValues('jbd_sp04s034_l4s_200a_b_u.btsnoop', '0x52').filter((x) => x[1] === 0xa5);
    for (const w of writes) expect(jbdValid(w)).toBe(true);
  });
  it.skipIf(!existsSync(EXPECTED))('JK frames in jk_bd6a17s6p_sw710h are valid under the reference sum8', () => {
    const v = tsvValues('jk_bd6a17s6p_sw710h.btsnoop', '0x1b');
    const joined = Buffer.concat(v);
    let n = 0;
    for (let i = joined.indexOf('55aaeb9002', 0, 'hex'); i >= 0 && i + 300 <= joined.length; i = joined.indexOf('55aaeb9002', i + 1, 'hex')) {
      expect(sum8Valid(joined.subarray(i, i + 300))).toBe(true);
      n++;
    }
    expect(n).toBeGreaterThan(10);
  });
  it.skipIf(!existsSync(EXPECTED))('Daly Modbus frames in daly_balancer_switch are valid under the reference CRC', () => {
    // The 124-register status answers (d2 03 7c …); one other answer type in this capture carries a bad CRC.
    const v = tsvValues('daly_balancer_switch.btsnoop', '0x1b').filter((x) => x[0] === 0xd2 && x[1] === 0x03 && x[2] === 0x7c);
    expect(v.length).toBeGreaterThan(2);
    for (const f of v) expect(modbusValid(f)).toBe(true);
  });
});

describe('simulated frames carry valid checksums', () => {
  it('JBD requests match the documented bytes and answers validate', () => {
    expect(Buffer.from(jbdRequest(3)).toString('hex')).toBe('dda50300fffd77');
    expect(Buffer.from(jbdRequest(4)).toString('hex')).toBe('dda50400fffc77');
    const b = bms('jbd');
    for (let i = 0; i < 20; i++, b.advance(900)) {
      expect(jbdValid(jbdBasicInfo(b.state))).toBe(true);
      expect(jbdValid(jbdCellVoltages(b.state))).toBe(true);
    }
    expect(jbdBasicInfo(b.state).length).toBe(36);
  });
  it('Daly requests and answers validate (sum8)', () => {
    expect(Buffer.from(dalyRequest(0x90)).toString('hex')).toBe('a58090080000000000000000bd');
    const b = bms('daly');
    for (const cmd of [0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98]) {
      const frames = b.handleWrite(dalyRequest(cmd), 23);
      expect(frames.length).toBeGreaterThan(0);
      for (const f of frames) {
        expect(f.length).toBe(13);
        expect(f[2]).toBe(cmd);
        expect(sum8Valid(f)).toBe(true);
      }
    }
  });
  it('JK commands and all three frame types validate (sum8 at byte 299)', () => {
    expect(sum8Valid(jkCommand(0x97))).toBe(true);
    const b = bms('jk');
    for (const f of [jkCellInfo(b.state), jkSettings(b.state), jkDeviceInfo(b.state)]) {
      expect(f.length).toBe(300);
      expect(Buffer.from(f.subarray(0, 4)).toString('hex')).toBe('55aaeb90');
      expect(sum8Valid(f)).toBe(true);
    }
  });
  it('Modbus requests and answers validate (CRC-16/MODBUS, little-endian)', () => {
    expect(modbusValid(modbusRead(0, 10))).toBe(true);
    const b = bms('modbus');
    const a = modbusAnswer(statusRegisters(b.state));
    expect(a.length).toBe(25);
    expect(modbusValid(a)).toBe(true);
    for (const w of PROTOCOLS.modbus!.appPoll(0, null as never)) {
      const parts = b.handleWrite(w, 23);
      expect(modbusValid(Buffer.concat(parts))).toBe(true);
    }
  });
});

describe('ANT', () => {
  const antValid = (f: Uint8Array) =>
    f[0] === 0x7e && f[1] === 0xa1 && f[f.length - 2] === 0xaa && f[f.length - 1] === 0x55 &&
    crcModbusRef(f.subarray(1, f.length - 4)) === (f[f.length - 4]! | (f[f.length - 3]! << 8));
  it('requests match the documented bytes (esphome-ant-bms and the capture)', () => {
    expect(Buffer.from(antRequest(0x01, 0, 0xbe)).toString('hex')).toBe('7ea1010000be1855aa55');
    expect(Buffer.from(antRequest(0x02, 0x026c, 0x20)).toString('hex')).toBe('7ea1026c022058c4aa55');
    expect(Buffer.from(PROTOCOLS.ant!.switchCommand(true)).toString('hex')).toBe('7ea1510300007925aa55');
    expect(Buffer.from(PROTOCOLS.ant!.switchCommand(false)).toString('hex')).toBe('7ea151010000d8e5aa55');
  });
  it.skipIf(!existsSync(EXPECTED))('real status frames validate under the reference CRC and share the layout', () => {
    const values = tsvValues('ant_ble16zmub.btsnoop', '0x1b');
    const joined = Buffer.concat(values);
    const real: Buffer[] = [];
    for (let i = joined.indexOf('7ea1110000', 0, 'hex'); i >= 0; i = joined.indexOf('7ea1110000', i + 1, 'hex')) {
      real.push(joined.subarray(i, i + 10 + joined[i + 5]!));
    }
    expect(real.length).toBeGreaterThan(10);
    // One frame of the capture lost a notification (its bytes run into the next frame).
    expect(real.filter(antValid).length).toBeGreaterThanOrEqual(real.length - 1);
    const sim = antStatus(bms('ant').state);
    expect(antValid(sim)).toBe(true);
    expect(sim.length).toBe(real[0]!.length);
    expect(Buffer.from(sim.subarray(0, 6)).equals(real[0]!.subarray(0, 6))).toBe(true);
    // Same cell count and sensor count bytes; the MOSFET bytes where the manifest puts them (82, 83).
    expect([sim[8], sim[9]]).toEqual([real[0]![8], real[0]![9]]);
    expect(PROTOCOLS.ant!.truth.byte).toBe(83);
    expect(real.filter(antValid).every((f) => f[82] === 1 && f[83] === 1)).toBe(true);
  });
  it('status answers arrive as 7 × 20 + 12', () => {
    expect(bms('ant').handleWrite(antRequest(0x01, 0, 0xbe), 23).map((p) => p.length)).toEqual([20, 20, 20, 20, 20, 20, 20, 12]);
  });
});

describe('Daly Modbus (D2)', () => {
  it('reads 62 registers and answers 129 bytes with a valid CRC, in one notification at MTU 247', () => {
    const req = d2Read(0, 0x3e);
    expect(Buffer.from(req).toString('hex').slice(0, 12)).toBe('d2030000003e');
    expect(modbusValid(req)).toBe(true);
    const b = bms('daly-modbus');
    const parts = b.handleWrite(req, 247);
    expect(parts.map((p) => p.length)).toEqual([129]);
    expect(modbusValid(parts[0]!)).toBe(true);
    expect(b.handleWrite(req, 23).map((p) => p.length)).toEqual([20, 20, 20, 20, 20, 20, 9]);
  });
  it.skipIf(!existsSync(EXPECTED))('has the layout of the real 0x7c answers: cells first, cell count at register 0x31', () => {
    const real = tsvValues('daly_balancer_switch.btsnoop', '0x1b').find((x) => x[0] === 0xd2 && x[2] === 0x7c)!;
    const sim = d2Status(bms('daly-modbus').state);
    expect(sim.length).toBe(real.length);
    const cellsReal = real.readUInt16BE(3 + 2 * 0x31);
    expect(real.readUInt16BE(3)).toBeGreaterThan(2500); // cell 1 in mV
    expect(real.readUInt16BE(3 + 2 * (cellsReal - 1))).toBeGreaterThan(2500);
    expect(sim[3 + 2 * 0x31 + 1]).toBe(bms('daly-modbus').state.cellsMv.length);
  });
});

describe('splitting like the real devices', () => {
  it('JBD basic info arrives as 20 + 16', () => {
    const parts = bms('jbd').handleWrite(jbdRequest(3), 23);
    expect(parts.map((p) => p.length)).toEqual([20, 16]);
    expect(bms('jbd').handleWrite(jbdRequest(3), 247).map((p) => p.length)).toEqual([20, 16]);
  });
  it('JK frames arrive as 128 + 22 + 128 + 22 at MTU 131 and as 150 + 150 at MTU 247', () => {
    const f = jkCellInfo(bms('jk').state);
    expect(jkSplit(f, 131).map((p) => p.length)).toEqual([128, 22, 128, 22]);
    expect(jkSplit(f, 247).map((p) => p.length)).toEqual([150, 150]);
    expect(Buffer.concat(jkSplit(f, 131)).equals(Buffer.from(f))).toBe(true);
  });
  it('JK only streams after the app asked for settings (0x96)', () => {
    const b = bms('jk');
    b.connect();
    expect(b.tick(131)).toEqual([]);
    expect(b.handleWrite(jkCommand(0x97), 131).length).toBe(5); // 4 pieces + ack
    expect(b.tick(131)).toEqual([]);
    b.handleWrite(jkCommand(0x96), 131);
    expect(b.tick(131).map((p) => p.length)).toEqual([128, 22, 128, 22]);
    b.connect();
    expect(b.tick(131)).toEqual([]);
  });
  it('JK with the at-probe quirk sends two "AT\\r\\n" notifications after each cell frame, like jk_heating_start_stop_setting', () => {
    const b = new SimulatedBms(PROTOCOLS.jk!, { switchOn: true, seed: 1, quirks: ['at-probe'] });
    b.connect();
    b.handleWrite(jkCommand(0x96), 131);
    const parts = b.tick(131);
    expect(parts.map((p) => p.length)).toEqual([128, 22, 128, 22, 4, 4]);
    expect(Buffer.from(parts[4]!).toString('latin1')).toBe('AT\r\n');
    expect(Object.keys(PROTOCOLS.jk!.quirks ?? {})).toContain('at-probe');
  });
  it('Modbus status answer arrives as 20 + 5', () => {
    expect(bms('modbus').handleWrite(modbusRead(0, 10), 23).map((p) => p.length)).toEqual([20, 5]);
  });
});

describe('the switch changes exactly the documented bit', () => {
  const frameOf: Record<string, (b: SimulatedBms) => Uint8Array> = {
    jbd: (b) => jbdBasicInfo(b.state),
    daly: (b) => dalyMosfet(b.state),
    jk: (b) => {
      b.state.frameCounter = 5;
      return jkCellInfo(b.state);
    },
    modbus: (b) => modbusAnswer(statusRegisters(b.state)),
    'daly-modbus': (b) => d2Status(b.state),
    ant: (b) => antStatus(b.state),
  };
  for (const id of Object.keys(PROTOCOLS)) {
    it(id, () => {
      const p = PROTOCOLS[id]!;
      const b = bms(id, true);
      b.state.currentMa = 500; // the same current in both states, to isolate the switch
      const on = frameOf[id]!(b);
      b.setSwitch(false);
      const off = frameOf[id]!(b);
      expect(Buffer.from(on.subarray(0, p.truth.prefix.length / 2)).toString('hex')).toBe(p.truth.prefix);
      expect(on.length).toBe(p.truth.length);
      const diff: number[] = [];
      for (let i = 0; i < on.length; i++) if (on[i] !== off[i]) diff.push(i);
      expect(diff.filter((i) => !checksumBytes[id]!.includes(i))).toEqual([p.truth.byte]);
      expect(on[p.truth.byte]! ^ off[p.truth.byte]!).toBe(p.truth.mask);
      expect(p.truth.mask).toBe(1 << p.truth.bit);
      expect((on[p.truth.byte]! & p.truth.mask) !== 0 ? 1 : 0).toBe(p.truth.on);
      expect(checksumBytes[id]!.some((c) => diff.includes(c))).toBe(true);
    });
  }
  it('the modbus switch sits inside the first 4 bytes', () => {
    expect(PROTOCOLS.modbus!.truth.byte).toBeLessThan(4);
  });
});

describe('drift', () => {
  for (const id of Object.keys(PROTOCOLS)) {
    it(`${id}: other bytes vary within one state, the switch does not`, () => {
      const p = PROTOCOLS[id]!;
      const b = bms(id, true, 11);
      b.connect();
      const frames: Uint8Array[] = [];
      for (const w of [...p.appConnect(null as never), ...p.appPoll(0, null as never)]) b.handleWrite(w, 131);
      for (let i = 0; i < 40; i++) {
        b.advance(1000);
        const values = p.stream ? b.tick(131) : p.appPoll(i, null as never).flatMap((w) => b.handleWrite(w, 131));
        const joined = Buffer.concat(values);
        const start = joined.indexOf(Buffer.from(p.truth.prefix, 'hex'));
        if (start >= 0) frames.push(joined.subarray(start, start + p.truth.length));
      }
      expect(frames.length).toBe(40);
      const varying = new Set<number>();
      for (let i = 0; i < p.truth.length; i++) if (new Set(frames.map((f) => f[i])).size > 1) varying.add(i);
      expect(new Set(frames.map((f) => f[p.truth.byte]! & p.truth.mask)).size).toBe(1);
      expect(varying.size).toBeGreaterThanOrEqual(3);
      // The checksum changes with the payload.
      expect(checksumBytes[id]!.some((c) => varying.has(c))).toBe(true);
    });
  }
  it('the JK frame counter increments by one per frame', () => {
    const b = bms('jk');
    const a = jkCellInfo(b.state)[5]!;
    expect(jkCellInfo(b.state)[5]).toBe((a + 1) & 0xff);
  });
});

describe('determinism', () => {
  it('the same seed gives the same frames; another seed other frames', () => {
    const run = (seed: number) => {
      const b = bms('jbd', true, seed);
      const out: string[] = [];
      for (let i = 0; i < 5; i++, b.advance(1000)) out.push(Buffer.from(jbdBasicInfo(b.state)).toString('hex'));
      return out.join();
    };
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
  });
});
