// Air captures (LINKTYPE 256) made from the simulated HCI traffic: the CRC-24 agrees with a real
// sniffer capture, and the real readers recover the same connections and ATT values.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCaptureBuffer } from '../src/capture/read.js';
import { createAttExtractor } from '../src/hci/index.js';
import type { AttEvent, LinkLayerPacket } from '../src/model.js';
import { bleCrc24 } from '../src/sim/checksums.js';
import { simulateCapture } from '../src/sim/index.js';

const CAPTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'captures');
const HRM = join(CAPTURES, 'heartrate_strap_nrfsniffer.pcapng');

function read(bytes: Buffer) {
  const events: AttEvent[] = [];
  const x = createAttExtractor((e) => events.push(e));
  const info = readCaptureBuffer(bytes, x.push, 'air.pcap');
  return { info, events, result: x.finish() };
}

describe('BLE CRC-24', () => {
  it.skipIf(!existsSync(HRM))('matches the CRC of advertising packets in a real nRF Sniffer capture', () => {
    const buf = readFileSync(HRM);
    const aa = Buffer.from('d6be898e', 'hex');
    let checked = 0;
    let ok = 0;
    for (let i = buf.indexOf(aa); i >= 0; i = buf.indexOf(aa, i + 4)) {
      const len = buf[i + 5]!;
      if (len < 6 || len > 37 || i + 9 + len > buf.length) continue;
      const pdu = buf.subarray(i + 4, i + 6 + len);
      const crc = buf[i + 6 + len]! | (buf[i + 7 + len]! << 8) | (buf[i + 8 + len]! << 16);
      checked++;
      if (bleCrc24(pdu, 0x555555) === crc) ok++;
    }
    expect(checked).toBeGreaterThan(20);
    expect(ok / checked).toBeGreaterThan(0.9);
  });
});

describe('air capture of the simulated traffic', () => {
  for (const protocol of ['jbd', 'jk', 'daly-modbus']) {
    it(`${protocol}: LL 256 file reads back to the same connections and notification values`, () => {
      const opts = { protocol, switchOn: true, rounds: 2, seed: 6, seconds: 4, otherDevice: true };
      const air = simulateCapture({ ...opts, format: 'pcap-ll' });
      const hci = simulateCapture({ ...opts, format: 'btsnoop' });
      expect(air.bytes.readUInt32LE(20)).toBe(256);
      const a = read(air.bytes);
      const h = read(hci.bytes);
      expect(a.info.damage).toBeNull();
      expect(a.result.counts.badCrc).toBe(0);
      expect(a.result.connections.filter((c) => c.peer === air.deviceAddress).length).toBe(2);
      expect(a.result.connections.find((c) => c.peer === air.deviceAddress)!.name).toBe(air.deviceName);
      const values = (r: { events: AttEvent[] }, peer: string) =>
        r.events.filter((e) => e.peer === peer && e.handle === air.truth.handle && e.dir === 'device-to-app').map((e) => Buffer.from(e.value).toString('hex'));
      const fromAir = values(a, air.deviceAddress);
      expect(fromAir.length).toBeGreaterThan(5);
      expect(fromAir).toEqual(values(h, hci.deviceAddress));
      const writes = a.events.filter((e) => e.peer === air.deviceAddress && e.dir === 'app-to-device');
      expect(writes.length).toBeGreaterThan(0);
    });
  }

  it('data channels follow the hop increment announced in CONNECT_IND (channel selection #1)', () => {
    const air = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 1, seed: 2, seconds: 3, format: 'pcap-ll' });
    const ll: LinkLayerPacket[] = [];
    readCaptureBuffer(air.bytes, (p) => p.kind === 'll' && ll.push({ ...p, pdu: Uint8Array.from(p.pdu) }), 'air.pcap');
    const connect = ll.find((p) => (p.pdu[0]! & 0x0f) === 0x05)!;
    const lld = connect.pdu.subarray(2 + 12);
    const aa = new DataView(lld.buffer, lld.byteOffset).getUint32(0, true);
    const hop = lld[21]! & 0x1f;
    const central = ll.filter((p) => p.accessAddress === aa && p.dir === 'app-to-device');
    expect(central.length).toBeGreaterThan(50);
    expect(central[0]!.channel).toBe(hop % 37);
    for (let i = 1; i < central.length; i++) {
      expect([0, hop]).toContain((central[i]!.channel - central[i - 1]!.channel + 37) % 37);
    }
  });
});
