// Capture writers: headers and records parsed by hand against the format specs.
import { describe, expect, it } from 'vitest';
import { HCI_ACL, HCI_EVENT, type HciPacket } from '../src/model.js';
import { simulateRounds, PROTOCOLS, writeBtsnoop, writePcap, writePcapng, writePklg } from '../src/sim/index.js';
import { btsnoopRecords } from './sim-helpers.js';

const { packets } = simulateRounds({ protocol: PROTOCOLS.jbd!, switchOn: true, rounds: 1, seed: 2, seconds: 3 });
const EPOCH = 0x00dcddb30f2f8000n;

describe('btsnoop writer', () => {
  it('datalink 1002: magic, version, H4 type byte first, direction and command/event flags', () => {
    const buf = writeBtsnoop(packets);
    expect(buf.subarray(0, 8).toString('latin1')).toBe('btsnoop\0');
    expect(buf.readUInt32BE(8)).toBe(1);
    const { datalink, records } = btsnoopRecords(buf);
    expect(datalink).toBe(1002);
    expect(records.length).toBe(packets.length);
    records.forEach((r, i) => {
      const p = packets[i]!;
      expect(r.body[0]).toBe(p.type);
      expect(r.body.subarray(1).equals(Buffer.from(p.data))).toBe(true);
      expect(r.flags & 1).toBe(p.sent ? 0 : 1);
      expect((r.flags & 2) !== 0).toBe(p.type === 1 || p.type === 4);
      expect(r.t - EPOCH).toBe(BigInt(p.t!));
    });
  });
  it('datalink 1001: no type byte, type from the flags', () => {
    const { datalink, records } = btsnoopRecords(writeBtsnoop(packets, { datalink: 1001 }));
    expect(datalink).toBe(1001);
    records.forEach((r, i) => expect(r.body.equals(Buffer.from(packets[i]!.data))).toBe(true));
  });
  it('datalink 2001: btmon index records, then flags = index << 16 | monitor opcode', () => {
    const { datalink, records } = btsnoopRecords(writeBtsnoop(packets, { datalink: 2001 }));
    expect(datalink).toBe(2001);
    expect(records[0]!.flags).toBe(0); // New Index
    expect(records[0]!.body.length).toBe(16);
    expect(records[0]!.body.subarray(8, 12).toString('latin1')).toBe('hci0');
    expect(records[1]!.flags).toBe(8); // Open Index
    const ops = records.slice(2).map((r) => r.flags & 0xffff);
    packets.forEach((p, i) => {
      const want = p.type === 1 ? 2 : p.type === HCI_EVENT ? 3 : p.type === HCI_ACL ? (p.sent ? 4 : 5) : -1;
      expect(ops[i]).toBe(want);
    });
  });
});

describe('PacketLogger writer', () => {
  for (const le of [true, false]) {
    it(`${le ? 'little' : 'big'}-endian: length, seconds, microseconds, type, packet`, () => {
      const buf = writePklg(packets, { littleEndian: le, notes: ['Product: test'] });
      const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
      const recs: { type: number; body: Buffer; t: number }[] = [];
      for (let o = 0; o < buf.length; ) {
        const len = u32(o);
        recs.push({ type: buf[o + 12]!, body: buf.subarray(o + 13, o + 4 + len), t: u32(o + 4) * 1e6 + u32(o + 8) });
        o += 4 + len;
      }
      expect(recs[0]!.type).toBe(0xfc);
      expect(recs[0]!.body.toString()).toBe('Product: test');
      const rest = recs.slice(1);
      expect(rest.length).toBe(packets.length);
      rest.forEach((r, i) => {
        const p = packets[i]!;
        const type = p.type === 1 ? 0 : p.type === 4 ? 1 : p.sent ? 2 : 3;
        expect(r.type).toBe(type);
        expect(r.body.equals(Buffer.from(p.data))).toBe(true);
        expect(r.t).toBe(p.t);
      });
    });
  }
});

describe('pcap writer', () => {
  for (const lt of [187, 201] as const) {
    it(`link type ${lt}`, () => {
      const buf = writePcap(packets, { linktype: lt });
      expect(buf.readUInt32LE(0)).toBe(0xa1b2c3d4);
      expect(buf.readUInt16LE(4)).toBe(2);
      expect(buf.readUInt16LE(6)).toBe(4);
      expect(buf.readUInt32LE(20)).toBe(lt);
      let o = 24;
      const got: HciPacket[] = [];
      while (o < buf.length) {
        const incl = buf.readUInt32LE(o + 8);
        expect(buf.readUInt32LE(o + 12)).toBe(incl);
        const t = buf.readUInt32LE(o) * 1e6 + buf.readUInt32LE(o + 4);
        let d = buf.subarray(o + 16, o + 16 + incl);
        let sent = true;
        if (lt === 201) {
          sent = d.readUInt32BE(0) === 0;
          d = d.subarray(4);
        }
        got.push({ kind: 'hci', record: got.length + 1, t, type: d[0]!, sent, data: d.subarray(1) });
        o += 16 + incl;
      }
      expect(got.length).toBe(packets.length);
      got.forEach((g, i) => {
        expect(g.type).toBe(packets[i]!.type);
        expect(Buffer.from(g.data).equals(Buffer.from(packets[i]!.data))).toBe(true);
        expect(g.t).toBe(packets[i]!.t);
        if (lt === 201) expect(g.sent).toBe(packets[i]!.sent);
      });
    });
  }
});

describe('pcapng writer', () => {
  it('section header, one interface (201), one enhanced packet block per packet', () => {
    const buf = writePcapng(packets);
    expect(buf.readUInt32LE(0)).toBe(0x0a0d0d0a);
    expect(buf.readUInt32LE(8)).toBe(0x1a2b3c4d);
    let o = buf.readUInt32LE(4);
    expect(buf.readUInt32LE(o)).toBe(1);
    expect(buf.readUInt16LE(o + 8)).toBe(201);
    o += buf.readUInt32LE(o + 4);
    let n = 0;
    while (o < buf.length) {
      const total = buf.readUInt32LE(o + 4);
      expect(buf.readUInt32LE(o)).toBe(6);
      expect(total % 4).toBe(0);
      expect(buf.readUInt32LE(o + total - 4)).toBe(total);
      const p = packets[n]!;
      const t = buf.readUInt32LE(o + 12) * 2 ** 32 + buf.readUInt32LE(o + 16);
      expect(t).toBe(p.t);
      expect(buf.readUInt32LE(o + 20)).toBe(5 + p.data.length);
      expect(buf.readUInt32BE(o + 28)).toBe(p.sent ? 0 : 1);
      expect(buf[o + 32]).toBe(p.type);
      o += total;
      n++;
    }
    expect(n).toBe(packets.length);
  });
});
