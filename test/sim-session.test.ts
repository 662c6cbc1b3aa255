// App sessions over HCI: connection events, MTU exchange, GATT discovery consistent with the
// protocol's table, subscription, polls, fragmentation, the unrelated device, ACL-only captures.
import { describe, expect, it } from 'vitest';
import { PROTOCOLS, SimulatedBms, simulateAppSession, simulateCapture, simulateRounds } from '../src/sim/index.js';
import { attFromH4, h4FromBtsnoop1002, notifications } from './sim-helpers.js';

const h4 = (packets: { type: number; sent: boolean; data: Uint8Array }[]) =>
  packets.map((p) => ({ h4: Buffer.concat([Buffer.from([p.type]), Buffer.from(p.data)]), fromHost: p.sent }));
const le16 = (b: Buffer, o: number) => b.readUInt16LE(o);

describe('one app session', () => {
  for (const id of Object.keys(PROTOCOLS)) {
    it(`${id}: connect, MTU, discovery, CCCD 0100, polls, disconnect`, () => {
      const proto = PROTOCOLS[id]!;
      const bms = new SimulatedBms(proto, { switchOn: true, seed: 4 });
      const packets = simulateAppSession(bms, { seconds: 8, seed: 9, deviceAddress: '11:22:33:44:55:66', connectionHandle: 0x45 });
      // LE Connection Complete naming the peer (address bytes reversed), and a disconnection.
      const events = packets.filter((p) => p.type === 4).map((p) => Buffer.from(p.data));
      const cc = events.find((e) => e[0] === 0x3e && e[2] === 0x01)!;
      expect(cc).toBeDefined();
      expect(le16(cc, 4) & 0xfff).toBe(0x45);
      expect(Buffer.from(cc.subarray(8, 14)).reverse().toString('hex')).toBe('112233445566');
      expect(events.some((e) => e[0] === 0x05 && le16(e, 3) === 0x45)).toBe(true);
      const times = packets.map((p) => p.t!);
      expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);

      const atts = attFromH4(h4(packets));
      expect(atts.every((a) => a.handle === 0x45)).toBe(true);
      const host = atts.filter((a) => a.fromHost).map((a) => a.pdu);
      expect(host[0]![0]).toBe(0x02); // Exchange MTU Request first
      // Discovery: characteristic declarations name the notify and write value handles.
      const decls = new Map<string, number[]>();
      for (const a of atts.filter((x) => !x.fromHost && x.pdu[0] === 0x09)) {
        const len = a.pdu[1]!;
        for (let o = 2; o + len <= a.pdu.length; o += len) {
          const uuidLe = Buffer.from(a.pdu.subarray(o + 5, o + len)).reverse().toString('hex');
          const uuid = uuidLe.length === 4 ? uuidLe : uuidLe.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
          decls.set(uuid, [...(decls.get(uuid) ?? []), le16(a.pdu, o + 3)]);
        }
      }
      expect(decls.get(proto.gatt.notify)).toContain(proto.truth.handle);
      expect(decls.get(proto.gatt.write)).toContain(proto.gatt.writeHandle);
      // Services discovered until Attribute Not Found.
      expect(atts.some((a) => a.pdu[0] === 0x01 && a.pdu[1] === 0x10 && a.pdu[4] === 0x0a)).toBe(true);
      // Subscription.
      const cccd = host.find((p) => p[0] === 0x12 && le16(p, 1) === proto.gatt.cccdHandle);
      expect(cccd && cccd.subarray(3).toString('hex')).toBe('0100');
      // The app's writes go to the write handle with the protocol's opcode, and the device answers.
      const writes = host.filter((p) => p[0] === proto.writeOpcode && le16(p, 1) === proto.gatt.writeHandle);
      const perPoll = proto.appPoll(0, null as never).length;
      expect(writes.length).toBeGreaterThanOrEqual(proto.appConnect(null as never).length + 6 * perPoll);
      expect(notifications(atts, proto.truth.handle).length).toBeGreaterThan(6);
    });
  }
});

describe('fragmentation', () => {
  it('JK 128-byte notifications are cut into 27-byte ACL fragments with PB flags', () => {
    const cap = simulateCapture({ protocol: 'jk', switchOn: true, rounds: 1, seed: 1, seconds: 4 });
    const acl = cap.packets.filter((p) => p.type === 2);
    const fromDevice = acl.filter((p) => !p.sent);
    const pb = fromDevice.map((p) => (Buffer.from(p.data).readUInt16LE(0) >> 12) & 3);
    expect(pb).toContain(0b10);
    expect(pb.filter((x) => x === 0b01).length).toBeGreaterThan(50);
    expect(acl.every((p) => Buffer.from(p.data).readUInt16LE(2) <= 27)).toBe(true);
    const values = notifications(attFromH4(h4FromBtsnoop1002(cap.bytes)), cap.truth.handle);
    const sizes = new Set(values.map((v) => v.length));
    expect(sizes).toContain(128);
    expect(sizes).toContain(22);
    const mtu = attFromH4(h4FromBtsnoop1002(cap.bytes)).find((a) => a.pdu[0] === 0x03)!;
    expect(le16(mtu.pdu, 1)).toBe(131);
  });
  it('with LE Data Length Extension the fragments grow to the chosen size', () => {
    const cap = simulateCapture({ protocol: 'jk', switchOn: true, rounds: 1, seed: 1, seconds: 3, aclFragment: 251, mtu: 247, deviceMtu: 247 });
    const lens = cap.packets.filter((p) => p.type === 2 && !p.sent).map((p) => Buffer.from(p.data).readUInt16LE(2));
    // The module's 150-byte pieces now fit one notification: 150 + 3 (ATT) + 4 (L2CAP) in one ACL packet.
    expect(Math.max(...lens)).toBe(157);
    expect(lens.length).toBeGreaterThan(10);
    expect(cap.packets.some((p) => p.type === 4 && p.data[0] === 0x3e && p.data[2] === 0x07)).toBe(true);
  });
});

describe('rounds and the unrelated device', () => {
  it('one connection per round, on changing handles, and a heart-rate strap interleaved', () => {
    const r = simulateRounds({ protocol: PROTOCOLS.daly!, switchOn: false, rounds: 3, seed: 12, seconds: 5, otherDevice: true });
    const events = r.packets.filter((p) => p.type === 4).map((p) => Buffer.from(p.data));
    const cc = events.filter((e) => e[0] === 0x3e && e[2] === 0x01);
    expect(cc.length).toBe(4);
    const peers = cc.map((e) => Buffer.from(e.subarray(8, 14)).reverse().toString('hex').replace(/(..)(?!$)/g, '$1:'));
    expect(peers.filter((x) => x === r.deviceAddress).length).toBe(3);
    expect(peers).toContain(r.otherAddress);
    const atts = attFromH4(h4(r.packets));
    const strapHandle = le16(cc.find((e, i) => peers[i] === r.otherAddress)!, 4) & 0xfff;
    const strap = atts.filter((a) => a.handle === strapHandle && a.pdu[0] === 0x1b);
    expect(strap.length).toBeGreaterThan(10);
    const bmsIdx = atts.filter((a) => a.handle !== strapHandle).map((a) => a.index);
    // Strap notifications fall between BMS packets, not before or after them all.
    expect(strap.some((s) => s.index > Math.min(...bmsIdx) && s.index < Math.max(...bmsIdx))).toBe(true);
    expect(strap.every((s) => [2, 4].includes(s.pdu.length - 3))).toBe(true);
  });
  it('ACL-only captures hold no HCI commands or events', () => {
    const cap = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 2, seed: 3, seconds: 3, aclOnly: true });
    expect(cap.packets.every((p) => p.type === 2)).toBe(true);
    expect(cap.packets.map((p) => p.record)).toEqual(cap.packets.map((_, i) => i + 1));
    expect(notifications(attFromH4(h4FromBtsnoop1002(cap.bytes)), cap.truth.handle).length).toBeGreaterThan(4);
  });
  it('the same seed gives the same bytes', () => {
    const a = simulateCapture({ protocol: 'jk', switchOn: false, rounds: 2, seed: 99, seconds: 3, otherDevice: true });
    const b = simulateCapture({ protocol: 'jk', switchOn: false, rounds: 2, seed: 99, seconds: 3, otherDevice: true });
    const c = simulateCapture({ protocol: 'jk', switchOn: false, rounds: 2, seed: 98, seconds: 3, otherDevice: true });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });
  it('captures of one battery made with different seeds show the same device', () => {
    const on = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 1, seed: 1, seconds: 2 });
    const off = simulateCapture({ protocol: 'jbd', switchOn: false, rounds: 1, seed: 2, seconds: 2 });
    expect(on.deviceAddress).toBe(off.deviceAddress);
    expect(on.deviceName).toBe(off.deviceName);
    const a = on.bms.state;
    const b = off.bms.state;
    expect([a.cellsMv.length, a.nominalMah, a.cycles]).toEqual([b.cellsMv.length, b.nominalMah, b.cycles]);
    const other = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 1, seed: 1, seconds: 2, device: 2 });
    expect(other.deviceAddress).not.toBe(on.deviceAddress);
  });
});
