// Files that cannot be read (or not to the end): one CaptureError naming the file, or a damage
// report with the record and byte offset after everything before it was emitted.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat, readCaptureBuffer, readCaptureFile } from '../src/capture/read.js';
import { CaptureError } from '../src/errors.js';
import type { Packet } from '../src/model.js';
import { boundaries, corpusFile, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';
import { PacketDigest } from './helpers/capture-digest.js';
import { btsnoopFile, PcapngWriter, pcapFile, pklgFile } from './helpers/capture-writers.js';

const dir = mkdtempSync(join(tmpdir(), 'capture-errors-'));
afterAll(() => {
  // leave nothing readable-only behind; the OS cleans tmp
  chmodSync(dir, 0o700);
});

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function captureError(p: Promise<unknown>): Promise<CaptureError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return e as CaptureError;
  }
  throw new Error('expected a CaptureError');
}

const acl = Buffer.from('02400007000300040002b900', 'hex'); // H4 ACL: Exchange MTU request
const btsnoop = btsnoopFile(1002, [0, 1, 2, 3, 4].map((i) => ({ flags: i & 1, data: acl, t: 1_700_000_000_000_000 + i })));

describe('files that are not captures this tool reads', () => {
  it('a 0-byte file', async () => {
    const path = file('empty.btsnoop', Buffer.alloc(0));
    const e = await captureError(readCaptureFile(path, () => {}));
    expect(e.message).toBe(`${path}: the file is empty (0 bytes). Copy the capture again`);
    expect(() => readCaptureBuffer(Buffer.alloc(0), () => {}, 'x.log')).toThrow(/x\.log: the file is empty/);
  });

  it('a directory', async () => {
    const path = join(dir, 'folder.pcap');
    mkdirSync(path);
    const e = await captureError(readCaptureFile(path, () => {}));
    expect(e.message).toMatch(/folder\.pcap: is a directory, not a capture file/);
  });

  it('a missing file', async () => {
    const e = await captureError(readCaptureFile(join(dir, 'nope.log'), () => {}));
    expect(e.message).toMatch(/nope\.log: no such file\. Check the path/);
  });

  it('a path through a file, as if it were a folder', async () => {
    const path = join(file('plain.log', btsnoop), 'inner.log');
    const e = await captureError(readCaptureFile(path, () => {}));
    expect(e.message).toMatch(/plain\.log\/inner\.log: no such file \(a part of the path is not a folder\)\. Check the path/);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file (skipped as root: root reads anything)', async () => {
    const path = file('secret.btsnoop', btsnoop);
    chmodSync(path, 0o000);
    const e = await captureError(readCaptureFile(path, () => {}));
    expect(e.message).toMatch(/secret\.btsnoop: permission denied/);
  });

  it('wrong magic: names the file, the first bytes and what is supported', async () => {
    const path = file('notes.txt', Buffer.from('\x00\x01\x02\x03 binary junk that no reader takes', 'latin1'));
    const e = await captureError(readCaptureFile(path, () => {}));
    expect(e.message).toMatch(/notes\.txt: not a capture this tool reads \(it starts with 00 01 02 03 20 62 69 6e\)\. Supported: .*btsnoop.*pcap.*pcapng.*PacketLogger/);
    expect(() => detectFormat(Buffer.from([0x50, 0x4b, 0x05, 0x06, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]), 'a.bin')).toThrow(/a\.bin: not a capture this tool reads/);
  });

  it('btsnoop with an unknown datalink or version', async () => {
    const bad = Buffer.from(btsnoop);
    bad.writeUInt32BE(1003, 12);
    const e = await captureError(readCaptureFile(file('dl1003.log', bad), () => {}));
    expect(e.message).toMatch(/dl1003\.log \(btsnoop, byte 12\): btsnoop datalink 1003 is not supported\. Supported datalinks: 1001 .*1002 .*2001/);
    const v2 = Buffer.from(btsnoop);
    v2.writeUInt32BE(2, 8);
    expect((await captureError(readCaptureFile(file('v2.log', v2), () => {}))).message).toMatch(/btsnoop version 2 is not supported/);
  });

  it('pcap and pcapng with a link type that is not Bluetooth', async () => {
    const eth = pcapFile({ le: true, ns: false, linkType: 1 }, [{ sec: 1, frac: 0, data: Buffer.alloc(60) }]);
    const e = await captureError(readCaptureFile(file('eth.pcap', eth), () => {}));
    expect(e.message).toMatch(/eth\.pcap \(pcap\): pcap link type 1 \(Ethernet\) is not a Bluetooth link type this tool reads\. Supported link types: 187 .*201 .*256 .*272/);
    const usb = pcapFile({ le: true, ns: false, linkType: 249 }, []);
    expect((await captureError(readCaptureFile(file('usb.pcap', usb), () => {}))).message).toMatch(/not the USB bus/);
    const ng = new PcapngWriter(true).section().iface(1).epb(0, 0n, Buffer.alloc(60)).bytes();
    expect((await captureError(readCaptureFile(file('eth.pcapng', ng), () => {}))).message).toMatch(/eth\.pcapng \(pcapng\): pcapng link type 1 \(Ethernet\)/);
  });

  it('a file that ends inside its file header', async () => {
    const e = await captureError(readCaptureFile(file('short.log', btsnoop.subarray(0, 12)), () => {}));
    expect(e.message).toMatch(/short\.log \(btsnoop, byte 12\): the file ends inside the 16-byte btsnoop file header/);
    const p = pcapFile({ le: true, ns: false, linkType: 201 }, []);
    expect((await captureError(readCaptureFile(file('short.pcap', p.subarray(0, 10)), () => {}))).message).toMatch(/24-byte pcap file header/);
  });
});

describe('truncated and corrupt records', () => {
  it('a cut inside record 4 of a btsnoop: records 1–3 emitted, damage names record 4 and its offset', async () => {
    const start4 = 16 + 3 * (24 + acl.length);
    for (const cut of [start4 + 1, start4 + 23, start4 + 24, start4 + 30]) {
      const seen: number[] = [];
      const info = await readCaptureFile(file(`cut${cut}.log`, btsnoop.subarray(0, cut)), (p) => seen.push(p.record));
      expect(seen).toEqual([1, 2, 3]);
      expect(info.records).toBe(3);
      expect(info.damage?.detail).toMatchObject({ record: 4, offset: start4, format: 'btsnoop' });
      expect(info.damage?.message).toMatch(new RegExp(`cut${cut}\\.log \\(btsnoop, record 4, at byte ${start4}\\): the file ends in the middle of this record`));
    }
    // A cut exactly between records is a complete (shorter) capture.
    const info = await readCaptureFile(file('cut-boundary.log', btsnoop.subarray(0, start4)), () => {});
    expect(info).toMatchObject({ records: 3, damage: null });
  });

  it('impossible lengths are corruption, not allocations', async () => {
    const start3 = 16 + 2 * (24 + acl.length);
    const huge = Buffer.from(btsnoop);
    huge.writeUInt32BE(0x7fffffff, start3);
    huge.writeUInt32BE(0x7fffffff, start3 + 4);
    const seen: number[] = [];
    const info = await readCaptureFile(file('huge.log', huge), (p) => seen.push(p.record));
    expect(seen).toEqual([1, 2]);
    expect(info.damage?.detail).toMatchObject({ record: 3, offset: start3 });
    expect(info.damage?.message).toMatch(/corrupt record: included length 2147483647 is impossible/);

    const inclOverOrig = Buffer.from(btsnoop);
    inclOverOrig.writeUInt32BE(3, start3); // original length 3 < included 12
    const r2 = readCaptureBuffer(inclOverOrig, () => {}, 'x.log');
    expect(r2.damage?.message).toMatch(/x\.log \(btsnoop, record 3, at byte \d+\): corrupt record: included length 12 exceeds original length 3/);

    const pk = pklgFile(true, [{ type: 0x02, data: acl.subarray(1), sec: 1, usec: 2 }, { type: 0x03, data: acl.subarray(1), sec: 1, usec: 3 }, { type: 0x03, data: acl.subarray(1), sec: 1, usec: 4 }]);
    const pkBad = Buffer.from(pk);
    pkBad.writeUInt32LE(3, 2 * (13 + acl.length - 1)); // record 3 claims 3 bytes, less than its own header
    expect(readCaptureBuffer(pkBad, () => {}).damage?.detail).toMatchObject({ record: 3, offset: 2 * (13 + 11) });

    const pcapHuge = pcapFile({ le: false, ns: false, linkType: 201 }, [{ sec: 1, frac: 1, data: Buffer.from('0000000102400007000300040002b900', 'hex') }]);
    pcapHuge.writeUInt32BE(0xffffff00, 24 + 8);
    expect(readCaptureBuffer(pcapHuge, () => {}).damage?.message).toMatch(/record 1, at byte 24: corrupt record: included length 4294967040 is impossible/);

    const ng = new PcapngWriter(true).section().iface(201).epb(0, 1n, Buffer.from('0000000002400007000300040002b900', 'hex')).epb(0, 2n, Buffer.from('00000001024000', 'hex')).bytes();
    const ngBad = Buffer.from(ng);
    ngBad.writeUInt32LE(0x1234, ng.length - 4); // trailer of the second packet block
    const seen2: number[] = [];
    const r3 = readCaptureBuffer(ngBad, (p) => seen2.push(p.record));
    expect(seen2).toEqual([1]);
    expect(r3.damage?.message).toMatch(/record 2, at byte 96: corrupt record: block length 40 does not match its trailer 4660/);
  });
});

describe.skipIf(!HAVE_CORPUS)('real captures cut short', () => {
  if (!HAVE_CORPUS) console.warn(SKIP_REASON);
  const files = ['lolan_settings.btsnoop', 'even_g2_glasses_bt2.pklg', 'nestcam_dlt201.pcap', 'heartrate_strap_nrfsniffer.pcapng', 'jbd_sp04s034_ffaa_auth_dl1001.btsnoop'];
  for (const name of files) {
    it(`${name}: cuts at several offsets keep the records before the cut`, async () => {
      const full = readFileSync(corpusFile(name));
      const blocks = boundaries(name, full);
      expect(blocks[blocks.length - 1]!.end).toBe(full.length);
      // Remember the digest of the packets up to each record number.
      const kept: Packet[] = [];
      readCaptureBuffer(full, (p) => kept.push(p.kind === 'hci' ? { ...p, data: Uint8Array.from(p.data) } : p.kind === 'll' ? { ...p, pdu: Uint8Array.from(p.pdu) } : p));
      let seed = 12345;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let i = 0; i < 12; i++) {
        const b = rand(blocks.length);
        const blk = blocks[b]!;
        const cut = blk.start + 1 + rand(blk.end - blk.start - 1); // strictly inside block b
        const packetsBefore = blocks.slice(0, b).filter((x) => x.packet).length;
        const path = file(`cut-${i}-${name}`, full.subarray(0, cut));
        const got = new PacketDigest();
        const info = await readCaptureFile(path, got.add, { chunkSize: 4096 });
        const want = new PacketDigest();
        for (const p of kept) if (p.record <= packetsBefore) want.add(p);
        expect(got.hex(), `cut at ${cut}`).toBe(want.hex());
        expect(info.records).toBe(packetsBefore);
        expect(info.damage).toBeInstanceOf(CaptureError);
        expect(info.damage!.detail).toMatchObject({ record: packetsBefore + 1, offset: blk.start, file: path });
      }
    });
  }
});
