// The simulator's files read back through the real capture readers (src/capture) and the ATT
// extractor (src/hci): every format, every protocol, connections and values as simulated.
import { describe, expect, it } from 'vitest';
import { readCaptureBuffer } from '../src/capture/read.js';
import { createAttExtractor } from '../src/hci/index.js';
import type { AttEvent, HciPacket, Packet } from '../src/model.js';
import { CAPTURE_FORMATS, PROTOCOLS, simulateCapture } from '../src/sim/index.js';

function read(bytes: Buffer, name: string) {
  const packets: Packet[] = [];
  const events: AttEvent[] = [];
  const x = createAttExtractor((e) => events.push(e));
  const info = readCaptureBuffer(
    bytes,
    (p) => {
      packets.push(p.kind === 'hci' ? { ...p, data: Uint8Array.from(p.data) } : p);
      x.push(p);
    },
    name,
  );
  return { info, packets, events, result: x.finish() };
}

describe('simulated captures read back with the real readers', () => {
  // pcap-ll holds link-layer packets and packetlogger-text ATT lines instead: see the tests below.
  for (const format of [...CAPTURE_FORMATS.filter((f) => f !== 'pcap-ll' && f !== 'packetlogger-text'), 'pcapng' as const]) {
    it(`${format}: packets identical to what was simulated`, () => {
      const cap = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 2, seed: 5, seconds: 3, format, otherDevice: true });
      const { info, packets } = read(cap.bytes, `sim.${format}`);
      expect(info.damage).toBeNull();
      const hci = packets.filter((p): p is HciPacket => p.kind === 'hci');
      expect(hci.length).toBe(cap.packets.length);
      hci.forEach((p, i) => {
        const q = cap.packets[i]!;
        expect(p.type).toBe(q.type);
        expect(Buffer.from(p.data).equals(Buffer.from(q.data))).toBe(true);
        expect(p.t).toBe(q.t);
        if (format !== 'pcap-187') expect(p.sent).toBe(q.sent);
      });
    });
  }

  for (const id of Object.keys(PROTOCOLS)) {
    for (const format of ['btsnoop', 'pklg', 'btmon'] as const) {
      it(`${id} ${format}: one connection per round with the device's address, values on the notify handle`, () => {
        const cap = simulateCapture({ protocol: id, switchOn: false, rounds: 3, seed: 21, seconds: 4, format, otherDevice: true });
        const { events, result } = read(cap.bytes, `sim-${id}.${format}`);
        const bmsConns = result.connections.filter((c) => c.peer === cap.deviceAddress);
        expect(bmsConns.length).toBe(3);
        // Named by its advertising reports and its GAP Device Name.
        expect(bmsConns.every((c) => c.name === cap.deviceName)).toBe(true);
        expect(result.connections.some((c) => c.peer === cap.otherAddress)).toBe(true);
        const proto = PROTOCOLS[id]!;
        const notes = events.filter((e) => e.peer === cap.deviceAddress && e.op.includes('Notification'));
        expect(notes.length).toBeGreaterThan(5);
        expect(notes.every((e) => e.handle === cap.truth.handle)).toBe(true);
        expect(notes.every((e) => e.uuid === proto.gatt.notify)).toBe(true);
        const writes = events.filter((e) => e.peer === cap.deviceAddress && e.dir === 'app-to-device' && e.handle === proto.gatt.writeHandle);
        expect(writes.length).toBeGreaterThan(0);
        expect(new Set(notes.map((e) => e.conn)).size).toBe(3);
      });
    }
  }

  it('ACL-only captures on one reused handle still give one connection per round (restart detection)', () => {
    const cap = simulateCapture({ protocol: 'jk', switchOn: true, rounds: 3, seed: 8, seconds: 4, aclOnly: true, sameHandle: true });
    const handles = new Set(cap.packets.map((p) => (p.data[0]! | (p.data[1]! << 8)) & 0xfff));
    expect(handles.size).toBe(1);
    const { result, events } = read(cap.bytes, 'sim-acl-only.btsnoop');
    const conns = new Set(events.filter((e) => e.handle === cap.truth.handle).map((e) => e.conn));
    expect(conns.size).toBe(3);
    expect(result.connections.length).toBe(3);
  });

  for (const id of Object.keys(PROTOCOLS)) {
    it(`${id} packetlogger-text: the same ATT values, handles, UUIDs and peers as the binary capture`, () => {
      const o = { protocol: id, switchOn: true, rounds: 2, seed: 31, seconds: 4, otherDevice: true };
      const text = simulateCapture({ ...o, format: 'packetlogger-text' });
      const bin = simulateCapture({ ...o, format: 'btsnoop' });
      expect(text.bytes.toString('utf8').split('\n')[0]).toMatch(/^[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2}\.\d{3}  ATT (Send|Receive) +0x[0-9A-F]{4}  [0-9A-F:]{17}  /);
      const a = read(text.bytes, 'sim.txt');
      const b = read(bin.bytes, 'sim.btsnoop');
      expect(a.info.format).toBe('packetlogger-text');
      const view = (evs: AttEvent[]) =>
        evs.filter((e) => e.peer === bin.deviceAddress && e.opcode !== 0x0b).map((e) => `${e.dir} ${e.opcode} ${e.handle} ${Buffer.from(e.value).toString('hex')}`);
      expect(view(a.events).length).toBeGreaterThan(10);
      expect(view(a.events)).toEqual(view(b.events));
      const notes = a.events.filter((e) => e.peer === bin.deviceAddress && e.opcode === 0x1b);
      expect(notes.every((e) => e.uuid === PROTOCOLS[id]!.gatt.notify)).toBe(true);
    });
  }

  it('LE Enhanced Connection Complete events give the same connections and peers', () => {
    const cap = simulateCapture({ protocol: 'modbus', switchOn: true, rounds: 2, seed: 3, seconds: 3, enhanced: true });
    expect(cap.packets.some((p) => p.type === 4 && p.data[0] === 0x3e && p.data[2] === 0x0a)).toBe(true);
    expect(cap.packets.some((p) => p.type === 4 && p.data[0] === 0x3e && p.data[2] === 0x01)).toBe(false);
    const { result } = read(cap.bytes, 'sim-enhanced.btsnoop');
    expect(result.connections.filter((c) => c.peer === cap.deviceAddress).length).toBe(2);
  });

  for (const id of ['jbd', 'jk', 'modbus']) {
    it(`${id} nrfconnect-text: one device's values by UUID, in the layout of the corpus log`, () => {
      const o = { protocol: id, switchOn: true, rounds: 2, seed: 41, seconds: 4, otherDevice: true };
      const text = simulateCapture({ ...o, format: 'nrfconnect-text' });
      const bin = simulateCapture({ ...o, format: 'btsnoop' });
      const lines = text.bytes.toString('utf8').split('\n');
      expect(lines[0]).toMatch(/^nRF Connect, \d{4}-\d{2}-\d{2}$/);
      expect(lines[1]).toBe(`${text.deviceName} (${text.deviceAddress.toUpperCase()})`);
      const a = read(text.bytes, 'sim-nrf.txt');
      expect(a.info.format).toBe('nrfconnect-text');
      const b = read(bin.bytes, 'sim.btsnoop');
      const view = (evs: AttEvent[]) =>
        evs.filter((e) => e.opcode !== 0x0b && (e.peer === null || e.peer === bin.deviceAddress)).map((e) => `${e.dir} ${e.opcode} ${e.uuid} ${Buffer.from(e.value).toString('hex')}`);
      expect(view(a.events).length).toBeGreaterThan(10);
      expect(view(a.events)).toEqual(view(b.events));
      expect(a.events.every((e) => e.handle === 0)).toBe(true);
    });
  }
});
