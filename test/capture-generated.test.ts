// Generated captures for what the real corpus lacks: pcap link types 187, 251, 254 and 256, nRF
// Sniffer header versions, big-endian and nanosecond pcap, big-endian and multi-interface pcapng,
// PacketLogger in both byte orders, btmon records with HCI traffic. Every byte is known here.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureBuffer, readCaptureFile } from '../src/capture/read.js';
import { CaptureError } from '../src/errors.js';
import { HCI_ACL, HCI_COMMAND, HCI_EVENT, HCI_ISO, HCI_SCO, type HciPacket, type LinkLayerPacket, type Packet } from '../src/model.js';
import { PacketDigest } from './helpers/capture-digest.js';
import {
  aclAtt, airData, btsnoopFile, lePhdr, nordicHeader, nordicLegacyHeader, PcapngWriter, pcapFile, pklgFile,
} from './helpers/capture-writers.js';

const dir = mkdtempSync(join(tmpdir(), 'capture-generated-'));

function read(buf: Buffer): { packets: Packet[]; info: ReturnType<typeof readCaptureBuffer> } {
  const packets: Packet[] = [];
  const info = readCaptureBuffer(buf, (p) => packets.push(p), 'gen');
  return { packets, info };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const h = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

const reset = h('01 030c00');
const resetDone = h('04 0e0401030c00');
const write = aclAtt(0x0040, h('52 1000 d20600a60001bb8a')); // Write Command, handle 0x0010
const notify = aclAtt(0x0040, h('1b 1200 d2030414030600eeae'));
const AA = 0x50654a3b;

describe('pcap link type 187 (H4 without direction)', () => {
  const file = pcapFile({ le: true, ns: false, linkType: 187 }, [
    { sec: 1_700_000_000, frac: 1, data: reset },
    { sec: 1_700_000_000, frac: 2, data: resetDone },
    { sec: 1_700_000_001, frac: 999_999, data: Buffer.concat([h('02'), write]) },
    { sec: 1_700_000_002, frac: 0, data: Buffer.alloc(0) }, // empty record: counted, no packet
  ]);
  it('guesses the direction from the type and says it is a guess', () => {
    const { packets, info } = read(file);
    expect(info).toMatchObject({ format: 'pcap', variant: 'pcap/187', records: 4, damage: null });
    expect(packets).toHaveLength(3);
    expect(packets[0]).toMatchObject({ kind: 'hci', record: 1, type: HCI_COMMAND, sent: true, directionKnown: false, t: 1_700_000_000_000_001 });
    expect(packets[1]).toMatchObject({ record: 2, type: HCI_EVENT, sent: false, directionKnown: false });
    expect(packets[2]).toMatchObject({ record: 3, type: HCI_ACL, sent: true, t: 1_700_000_001_999_999 });
    expect(hex((packets[2] as HciPacket).data)).toBe(hex(write));
  });
});

describe('pcap link type 201, big-endian and nanosecond variants', () => {
  const records = [
    { sec: 1_700_000_000, frac: 123_456_789, data: Buffer.concat([h('00000000'), reset]) },
    { sec: 1_700_000_000, frac: 999_999_999, data: Buffer.concat([h('00000001'), resetDone]) },
    { sec: 1_700_000_001, frac: 5, data: Buffer.concat([h('00000001 02'), notify]) },
  ];
  for (const le of [true, false]) {
    for (const ns of [true, false]) {
      it(`${le ? 'little' : 'big'}-endian, ${ns ? 'ns' : 'µs'}`, () => {
        const { packets, info } = read(pcapFile({ le, ns, linkType: 201 }, records));
        expect(info.variant).toBe(`pcap/201${le ? '' : ' big-endian'}${ns ? ' ns' : ''}`);
        expect(info.records).toBe(3);
        const t0 = 1_700_000_000_000_000 + (ns ? 123_456 : 123_456_789);
        expect(packets[0]).toMatchObject({ record: 1, type: HCI_COMMAND, sent: true, t: t0 });
        expect(packets[0]).not.toHaveProperty('directionKnown');
        expect(packets[1]).toMatchObject({ record: 2, type: HCI_EVENT, sent: false });
        expect(packets[2]).toMatchObject({ record: 3, type: HCI_ACL, sent: false, t: 1_700_000_001_000_000 + (ns ? 0 : 5) });
        expect(hex((packets[2] as HciPacket).data)).toBe(hex(notify));
      });
    }
  }
});

describe('pcap link type 256 (LE link layer with pseudo-header)', () => {
  const CRC_OK = 0x0400 | 0x0800;
  const C2P = 2 << 7;
  const P2C = 3 << 7;
  const writeAir = airData(AA, h('52 1000 d20600a60001bb8a'));
  const notifyAir = airData(AA, h('1b 1200 0102'));
  const mic = h('deadbeef');
  const decryptedAir = airData(AA, h('1b 1200 0a0b'), mic); // decrypted by the sniffer, MIC still there
  const adv = Buffer.concat([h('d6be898e'), h('4006'), h('112233445566'), h('010203')]);
  const coded = Buffer.concat([h('d6be898e 00'), h('4006'), h('aabbccddeeff'), h('010203')]); // CI byte first
  const file = pcapFile({ le: true, ns: false, linkType: 256 }, [
    { sec: 10, frac: 0, data: Buffer.concat([lePhdr(0, 0x0002), adv]) },
    { sec: 11, frac: 0, data: Buffer.concat([lePhdr(5, CRC_OK | C2P), writeAir]) },
    { sec: 12, frac: 0, data: Buffer.concat([lePhdr(14, 0x0400 | P2C), notifyAir]) },
    { sec: 13, frac: 0, data: Buffer.concat([lePhdr(14, CRC_OK | P2C | 0x1000 | 0x2000 | 0x0008), decryptedAir]) },
    { sec: 14, frac: 0, data: Buffer.concat([lePhdr(14, CRC_OK | P2C | 0x1000), decryptedAir]) },
    { sec: 15, frac: 0, data: Buffer.concat([lePhdr(39, 0x8000), coded]) },
    { sec: 16, frac: 0, data: lePhdr(3, 0) }, // no air packet at all
  ]);
  it('reads direction, channel index, CRC and MIC flags', () => {
    const { packets, info } = read(file);
    expect(info).toMatchObject({ variant: 'pcap/256', records: 7, damage: null });
    expect(packets).toHaveLength(6);
    const [a, w, n, dec, bad, c] = packets as LinkLayerPacket[];
    expect(a).toMatchObject({ kind: 'll', record: 1, accessAddress: 0x8e89bed6, channel: 37, dir: null, crcOk: true, encrypted: false, t: 10_000_000 });
    expect(hex(a!.pdu)).toBe('4006112233445566');
    expect(w).toMatchObject({ record: 2, accessAddress: AA, channel: 4, dir: 'app-to-device', crcOk: true, encrypted: false });
    expect(hex(w!.pdu)).toBe(hex(writeAir.subarray(4, writeAir.length - 3)));
    expect(n).toMatchObject({ record: 3, channel: 12, dir: 'device-to-app', crcOk: false });
    expect(dec).toMatchObject({ record: 4, dir: 'device-to-app', crcOk: true, encrypted: false });
    expect(hex(dec!.pdu)).toBe(hex(decryptedAir.subarray(4, decryptedAir.length - 3 - 4))); // MIC removed
    expect(bad).toMatchObject({ record: 5, encrypted: true });
    expect(hex(bad!.pdu)).toBe(hex(decryptedAir.subarray(4, decryptedAir.length - 3)));
    expect(c).toMatchObject({ record: 6, channel: 39 });
    expect(hex(c!.pdu)).toBe('4006aabbccddeeff');
  });
});

describe('LINKTYPE_NORDIC_BLE (272) header versions', () => {
  const dataAir = airData(AA, h('12 1500 01'));
  const notifyAir = airData(AA, h('1b 1200 0606'));
  const mic = h('01020304');
  const encAir = airData(AA, h('1b 1200 0707'), mic);
  const adv = Buffer.concat([h('d6be898e'), h('4006'), h('112233445566'), h('010203')]);
  const v3 = pcapFile({ le: true, ns: false, linkType: 272 }, [
    { sec: 1, frac: 0, data: Buffer.concat([nordicHeader(3, 0x02, 0x01, 38, adv.length), adv]) },
    { sec: 2, frac: 0, data: Buffer.concat([nordicHeader(3, 0x06, 0x03, 9, dataAir.length), dataAir]) },
    { sec: 3, frac: 0, data: Buffer.concat([nordicHeader(3, 0x06, 0x01, 9, notifyAir.length), notifyAir]) },
    { sec: 4, frac: 0, data: Buffer.concat([nordicHeader(3, 0x06, 0x0d, 9, encAir.length), encAir]) },
    { sec: 5, frac: 0, data: Buffer.concat([nordicHeader(3, 0x06, 0x04, 9, encAir.length), encAir]) },
    { sec: 6, frac: 0, data: Buffer.concat([nordicHeader(3, 0x0e, 0x00, 0, 0)]) }, // ping response: no packet
  ]);
  it('version 3: packet id tells advertising from data; flags give direction, CRC, encryption', () => {
    const { packets, info } = read(v3);
    expect(info).toMatchObject({ variant: 'pcap/272', records: 6, damage: null });
    expect(packets).toHaveLength(5);
    const [a, w, n, dec, enc] = packets as LinkLayerPacket[];
    expect(a).toMatchObject({ record: 1, accessAddress: 0x8e89bed6, channel: 38, dir: null, crcOk: true, encrypted: false });
    expect(w).toMatchObject({ record: 2, accessAddress: AA, channel: 9, dir: 'app-to-device', crcOk: true, encrypted: false });
    expect(hex(w!.pdu)).toBe(hex(dataAir.subarray(4, dataAir.length - 3)));
    expect(n).toMatchObject({ record: 3, dir: 'device-to-app' });
    expect(dec).toMatchObject({ record: 4, dir: 'device-to-app', crcOk: true, encrypted: false });
    expect(hex(dec!.pdu)).toBe(hex(encAir.subarray(4, encAir.length - 7)));
    expect(enc).toMatchObject({ record: 5, crcOk: false, encrypted: true });
    expect(enc!.pdu.length).toBe(encAir.length - 7);
  });

  it('a data PDU with the CP bit keeps its CTEInfo byte, which the length does not count', () => {
    const payload = h('0500 0400 1b 1200 0a0b'); // L2CAP + notification
    const air = Buffer.concat([h('3b4a6550'), h('22'), Buffer.from([payload.length]), h('14'), payload, h('aabbcc')]);
    const { packets } = read(pcapFile({ le: true, ns: false, linkType: 272 }, [{ sec: 1, frac: 0, data: Buffer.concat([nordicHeader(3, 0x06, 0x01, 9, air.length), air]) }]));
    expect(hex((packets[0] as LinkLayerPacket).pdu)).toBe(`22${payload.length.toString(16).padStart(2, '0')}14${hex(payload)}`);
  });

  it('version 2 (access address tells advertising from data) and the legacy 0xBEEF header', () => {
    const v2 = pcapFile({ le: false, ns: false, linkType: 272 }, [
      { sec: 1, frac: 0, data: Buffer.concat([nordicHeader(2, 0x06, 0x03, 37, adv.length), adv]) },
      { sec: 2, frac: 0, data: Buffer.concat([nordicHeader(2, 0x06, 0x03, 20, dataAir.length), dataAir]) },
      { sec: 3, frac: 0, data: Buffer.concat([nordicLegacyHeader(0x01, 21, notifyAir.length), notifyAir]) },
    ]);
    const { packets, info } = read(v2);
    expect(info).toMatchObject({ variant: 'pcap/272 big-endian', records: 3, damage: null });
    expect(packets[0]).toMatchObject({ dir: null, channel: 37 });
    expect(packets[1]).toMatchObject({ dir: 'app-to-device', channel: 20, accessAddress: AA });
    expect(packets[2]).toMatchObject({ dir: 'device-to-app', channel: 21, accessAddress: AA, crcOk: true });
    expect(hex((packets[2] as LinkLayerPacket).pdu)).toBe(hex(notifyAir.subarray(4, notifyAir.length - 3)));
  });
});

describe('pcap link types 251 and 254', () => {
  it('251: bare LE packets', () => {
    const air = airData(AA, h('1b 1200 aa'));
    const { packets, info } = read(pcapFile({ le: true, ns: false, linkType: 251 }, [{ sec: 1, frac: 0, data: air }]));
    expect(info.variant).toBe('pcap/251');
    expect(packets[0]).toMatchObject({ kind: 'll', accessAddress: AA, dir: null, channel: -1 });
    expect(hex((packets[0] as LinkLayerPacket).pdu)).toBe(hex(air.subarray(4, air.length - 3)));
  });
  it('254: Linux monitor header (adapter, opcode); notes skipped', () => {
    const mon = (adapter: number, op: number, data: Buffer): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt16BE(adapter, 0);
      b.writeUInt16BE(op, 2);
      return Buffer.concat([b, data]);
    };
    const { packets, info } = read(pcapFile({ le: true, ns: false, linkType: 254 }, [
      { sec: 1, frac: 0, data: mon(0xffff, 12, Buffer.from('note\0')) },
      { sec: 1, frac: 1, data: mon(0, 4, write) },
      { sec: 1, frac: 2, data: mon(1, 5, notify) },
    ]));
    expect(info).toMatchObject({ variant: 'pcap/254', records: 3 });
    expect(packets).toHaveLength(2);
    expect(packets[0]).toMatchObject({ record: 2, type: HCI_ACL, sent: true, adapter: 0 });
    expect(packets[1]).toMatchObject({ record: 3, type: HCI_ACL, sent: false, adapter: 1 });
    expect(hex((packets[1] as HciPacket).data)).toBe(hex(notify));
  });
});

describe('pcapng', () => {
  it('big-endian, two interfaces (one not Bluetooth), ns resolution, skipped blocks, a second little-endian section', () => {
    const be = new PcapngWriter(false)
      .section()
      .iface(1) // Ethernet: its packets are counted and skipped
      .iface(201, 9) // ns
      .epb(0, 5n, Buffer.alloc(60))
      .other(5, Buffer.alloc(16)) // interface statistics
      .epb(1, 1_700_000_000_123_456_789n, Buffer.concat([h('00000000'), reset]))
      .other(4, Buffer.alloc(8)) // name resolution
      .epb(1, 1_700_000_000_223_456_789n, Buffer.concat([h('00000001 02'), notify]))
      .bytes();
    const le = new PcapngWriter(true)
      .section()
      .iface(201, 0x80 | 10) // 1/1024 s
      .epb(0, 1024n * 1_700_000_005n + 512n, Buffer.concat([h('00000000 02'), write]))
      .spb(Buffer.concat([h('00000001'), resetDone]))
      .bytes();
    const { packets, info } = read(Buffer.concat([be, le]));
    expect(info).toMatchObject({ format: 'pcapng', variant: 'pcapng/1+201 big-endian', records: 5, damage: null });
    expect(packets.map((p) => p.record)).toEqual([2, 3, 4, 5]);
    expect(packets[0]).toMatchObject({ type: HCI_COMMAND, sent: true, t: 1_700_000_000_123_456 });
    expect(packets[1]).toMatchObject({ type: HCI_ACL, sent: false, t: 1_700_000_000_223_456 });
    expect(hex((packets[1] as HciPacket).data)).toBe(hex(notify));
    expect(packets[2]).toMatchObject({ type: HCI_ACL, sent: true, t: 1_700_000_005_500_000 });
    expect(packets[3]).toMatchObject({ type: HCI_EVENT, sent: false, t: null }); // simple packet block: no time
  });

  it('default µs resolution, little-endian, link type 272', () => {
    const air = airData(AA, h('1b 1200 0606'));
    const { packets, info } = read(new PcapngWriter(true).section().iface(272).epb(0, 1_600_000_000_000_001n, Buffer.concat([nordicHeader(3, 0x06, 0x01, 3, air.length), air])).bytes());
    expect(info.variant).toBe('pcapng/272');
    expect(packets[0]).toMatchObject({ kind: 'll', t: 1_600_000_000_000_001, dir: 'device-to-app', channel: 3 });
  });
});

describe('PacketLogger, both byte orders', () => {
  const records = [
    { type: 0xfc, data: Buffer.from('Product: iPhone'), sec: 1_700_000_000, usec: 1 },
    { type: 0x00, data: reset.subarray(1), sec: 1_700_000_000, usec: 2 },
    { type: 0x01, data: resetDone.subarray(1), sec: 1_700_000_000, usec: 3 },
    { type: 0x02, data: write, sec: 1_700_000_001, usec: 4 },
    { type: 0x03, data: notify, sec: 1_700_000_001, usec: 999_999 },
    { type: 0x08, data: h('0100 03 000000'), sec: 1_700_000_002, usec: 5 },
    { type: 0xfb, data: Buffer.from('power'), sec: 1_700_000_002, usec: 6 },
  ];
  for (const le of [true, false]) {
    it(le ? 'little-endian (iOS)' : 'big-endian (BTstack)', () => {
      const { packets, info } = read(pklgFile(le, records));
      expect(info).toMatchObject({ format: 'pklg', variant: le ? 'pklg-LE' : 'pklg-BE', records: 7, damage: null });
      expect(packets.map((p) => [p.record, (p as HciPacket).type, (p as HciPacket).sent])).toEqual([
        [2, HCI_COMMAND, true], [3, HCI_EVENT, false], [4, HCI_ACL, true], [5, HCI_ACL, false], [6, HCI_SCO, true],
      ]);
      expect(packets[3]!.t).toBe(1_700_000_001_999_999);
      expect(hex((packets[3] as HciPacket).data)).toBe(hex(notify));
    });
  }
  it('a one-record file is still PacketLogger', () => {
    expect(read(pklgFile(false, [records[1]!])).info.variant).toBe('pklg-BE');
  });
});

describe('btsnoop datalinks 1001 and 2001 with traffic', () => {
  it('2001: opcodes give type and direction, the flags high half the adapter', () => {
    const { packets, info } = read(btsnoopFile(2001, [
      { flags: 0xffff000c, data: Buffer.from('Linux version\0'), t: 1 },
      { flags: 0x00000002, data: reset.subarray(1), t: 2 },
      { flags: 0x00000003, data: resetDone.subarray(1), t: 3 },
      { flags: 0x00010004, data: write, t: 4 },
      { flags: 0x00010005, data: notify, t: 5 },
      { flags: 0x00000012, data: h('0100 0400 00000000'), t: 6 },
      { flags: 0x00000000, data: h('0003efe53067cf2c6863693000000000'), t: 7 }, // new index
    ]));
    expect(info).toMatchObject({ variant: 'btsnoop/2001', records: 7 });
    expect(packets.map((p) => [p.record, (p as HciPacket).type, (p as HciPacket).sent, (p as HciPacket).adapter, p.t])).toEqual([
      [2, HCI_COMMAND, true, 0, 2], [3, HCI_EVENT, false, 0, 3], [4, HCI_ACL, true, 1, 4], [5, HCI_ACL, false, 1, 5], [6, HCI_ISO, true, 0, 6],
    ]);
  });
  it('1001: flags bit 1 marks command/event, bit 0 received', () => {
    const { packets } = read(btsnoopFile(1001, [
      { flags: 2, data: reset.subarray(1), t: 1_000 },
      { flags: 3, data: resetDone.subarray(1), t: 2_000 },
      { flags: 0, data: write, t: 3_000 },
      { flags: 1, data: notify, t: 4_000 },
    ]));
    expect(packets.map((p) => [(p as HciPacket).type, (p as HciPacket).sent, p.t])).toEqual([
      [HCI_COMMAND, true, 1_000], [HCI_EVENT, false, 2_000], [HCI_ACL, true, 3_000], [HCI_ACL, false, 4_000],
    ]);
  });
});

// One small file of every kind, for the chunking and fuzz checks below.
const SAMPLES: Record<string, Buffer> = {
  btsnoop1002: btsnoopFile(1002, [0, 1, 2, 3].map((i) => ({ flags: i & 1, data: Buffer.concat([h('02'), i & 1 ? notify : write]), t: 1_700_000_000_000_000 + i }))),
  btsnoop2001: btsnoopFile(2001, [{ flags: 0xffff000c, data: Buffer.from('x\0'), t: 1 }, { flags: 4, data: write, t: 2 }, { flags: 5, data: notify, t: 3 }]),
  pklgLE: pklgFile(true, [{ type: 0xfc, data: Buffer.from('note'), sec: 1, usec: 1 }, { type: 2, data: write, sec: 1, usec: 2 }, { type: 3, data: notify, sec: 1, usec: 3 }]),
  pklgBE: pklgFile(false, [{ type: 0, data: reset.subarray(1), sec: 1, usec: 1 }, { type: 2, data: write, sec: 1, usec: 2 }, { type: 3, data: notify, sec: 1, usec: 3 }]),
  pcap201: pcapFile({ le: false, ns: true, linkType: 201 }, [{ sec: 1, frac: 2, data: Buffer.concat([h('00000000 02'), write]) }, { sec: 1, frac: 3, data: Buffer.concat([h('00000001 02'), notify]) }]),
  pcap256: pcapFile({ le: true, ns: false, linkType: 256 }, [{ sec: 1, frac: 2, data: Buffer.concat([lePhdr(5, 0x0d00), airData(AA, h('52 1000 01'))]) }, { sec: 1, frac: 3, data: Buffer.concat([lePhdr(5, 0x0d80), airData(AA, h('1b 1200 02'))]) }]),
  pcapng272: new PcapngWriter(true).section().iface(272).epb(0, 1n, Buffer.concat([nordicHeader(3, 6, 3, 1, 13), airData(AA, h('52 1000 01'))])).other(5, Buffer.alloc(8)).epb(0, 2n, Buffer.concat([nordicHeader(3, 6, 1, 1, 13), airData(AA, h('1b 1200 02'))])).bytes(),
};

describe('chunk boundaries do not change what is read', () => {
  const tmp = mkdtempSync(join(dir, 'chunks-'));
  for (const [name, bytes] of Object.entries(SAMPLES)) {
    it(name, async () => {
      const path = join(tmp, name);
      writeFileSync(path, bytes);
      const whole = new PacketDigest();
      const info = readCaptureBuffer(bytes, whole.add);
      expect(info.damage).toBeNull();
      expect(whole.count).toBeGreaterThan(1);
      for (const chunkSize of [1, 2, 3, 5, 7, 13, 64, 4096]) {
        const d = new PacketDigest();
        const i2 = await readCaptureFile(path, d.add, { chunkSize });
        expect(d.hex(), `chunk ${chunkSize}`).toBe(whole.hex());
        expect(i2.records).toBe(info.records);
        expect(i2.damage).toBeNull();
      }
    });
  }
});

describe('hostile bytes end in a result or a CaptureError, never another exception', () => {
  for (const [name, bytes] of Object.entries(SAMPLES)) {
    it(`${name}: every truncation and 300 random byte changes`, () => {
      const tryRead = (b: Buffer): void => {
        try {
          const info = readCaptureBuffer(b, (p) => {
            // touching every byte of every view proves it lies inside the buffer
            const v = p.kind === 'hci' ? p.data : p.pdu;
            let s = 0;
            for (let i = 0; i < v.length; i++) s += v[i]!;
            expect(s).toBeGreaterThanOrEqual(0);
          });
          expect(info.records).toBeLessThanOrEqual(b.length);
          if (info.damage !== null) expect(info.damage).toBeInstanceOf(CaptureError);
        } catch (e) {
          expect(e).toBeInstanceOf(CaptureError);
        }
      };
      for (let cut = 0; cut < bytes.length; cut++) tryRead(bytes.subarray(0, cut));
      let seed = 7;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let i = 0; i < 300; i++) {
        const b = Buffer.from(bytes);
        for (let k = 1 + rand(3); k > 0; k--) b[rand(b.length)] = rand(4) === 0 ? 0xff : rand(256);
        tryRead(b);
      }
    });
  }

  it('endless zero records end quickly (empty btsnoop records) or as corruption (PacketLogger)', () => {
    const zeros = Buffer.concat([SAMPLES.btsnoop1002!.subarray(0, 16), Buffer.alloc(1 << 20)]);
    const info = readCaptureBuffer(zeros, () => {});
    expect(info).toMatchObject({ records: (1 << 20) / 24 | 0, damage: expect.any(CaptureError) });
    const pk = Buffer.concat([SAMPLES.pklgLE!, Buffer.alloc(1 << 16)]);
    expect(readCaptureBuffer(pk, () => {}).damage?.message).toMatch(/record 4, at byte \d+: corrupt record: record length 0/);
  });
});
