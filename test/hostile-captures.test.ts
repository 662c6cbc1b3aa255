// Crafted captures that used to end in exit 1 or take gigabytes: times no clock can show
// (btsnoop, pcapng with an odd if_tsresol, btsnooz), zips whose directory runs past its end,
// zips whose entries share one deflate stream, and zips that would unpack to gigabytes. Every
// command ends with exit 0 (the packets, times unknown) or exit 2 and one sentence.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { simulateCapture } from '../src/sim/index.js';
import { bugreportText, btsnoopRecords, encodeBtsnooz, makeZip } from './bugreport-helpers.js';
import { aclAtt, PcapngWriter } from './helpers/capture-writers.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bmsw-hostile-cap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** inspect, --summary and --json: exit 0 with output, or 2 with one sentence; never a crash. */
async function inspectAll(path: string): Promise<Array<{ code: number; out: string; err: string }>> {
  const out = [];
  for (const extra of [[], ['--summary'], ['--json']]) {
    const r = await runCli(['inspect', ...extra, path]);
    expect([0, 2], `${extra.join(' ')}: ${r.err}`).toContain(r.code);
    expect(r.err).not.toMatch(/unexpected failure|Invalid time value|RangeError|\n\s+at /);
    if (r.code === 2) expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    out.push(r);
  }
  return out;
}

const sim = () => Buffer.from(simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 1, seconds: 2, seed: 7, format: 'btsnoop' }).bytes);

describe('times no clock can show are unknown times, not a crash', () => {
  it('btsnoop records stamped 0xffffffffffffffff: inspect shows the packets (exit 0)', async () => {
    const b = sim();
    for (let off = 16; off + 24 <= b.length; off += 24 + b.readUInt32BE(off + 4)) b.writeBigUInt64BE(0xffffffffffffffffn, off + 16);
    const [plain, , json] = await inspectAll(file('far.btsnoop', b));
    expect(plain!.code).toBe(0);
    expect(json!.out).toMatch(/"t":null/);
  });

  it('pcapng with if_tsresol 0 (seconds) and huge stamps, and with 2^-127: exit 0', async () => {
    const att = Buffer.from('1b1200d2030414030600eeae', 'hex');
    for (const [res, stamp] of [[0, 0xffffffffffffffn], [0xff, 1n], [0x7f, 0xffffffffffffffffn]] as const) {
      const w = new PcapngWriter(true).section().iface(201, res);
      for (let i = 0; i < 5; i++) w.epb(0, stamp + BigInt(i), Buffer.concat([Buffer.from([0, 0, 0, i & 1]), Buffer.from([2]), aclAtt(0x40, att)]));
      const [plain] = await inspectAll(file(`res-${res}.pcapng`, w.bytes()));
      expect(plain!.code).toBe(0);
    }
  });

  it('a btsnooz summary whose last timestamp is 2^64 - 1: exit 0', async () => {
    const blob = encodeBtsnooz(btsnoopRecords(sim()));
    blob.writeBigUInt64LE(0xffffffffffffffffn, 1);
    const [plain] = await inspectAll(file('far.txt', Buffer.from(bugreportText(blob, 5))));
    expect(plain!.code).toBe(0);
  });
});

const LOG = 'FS/data/misc/bluetooth/logs/btsnoop_hci.log';

describe('hostile zips are refused in one sentence (exit 2)', () => {
  it('a zip whose directory entry has an extra field running past the directory', async () => {
    const zip = makeZip([{ name: LOG, data: sim() }]);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt16LE(0xfff0, central + 30); // extra field length
    const rs = await inspectAll(file('past-end.zip', zip));
    for (const r of rs) expect(r.err).toMatch(/past-end\.zip.*runs past the end of the directory/);
  });

  it('a zip whose directory claims more entries than it holds', async () => {
    const zip = makeZip([{ name: LOG, data: sim() }]);
    const end = zip.length - 22;
    zip.writeUInt16LE(500, end + 8);
    zip.writeUInt16LE(500, end + 10);
    const rs = await inspectAll(file('count.zip', zip));
    for (const r of rs) expect(r.err).toMatch(/count\.zip.*entry 2 is damaged/);
  });

  it('10 directory entries pointing at one deflate stream: refused before anything is inflated', async () => {
    const one = makeZip([{ name: 'bugreport-a.txt', data: Buffer.alloc(1 << 20) }]);
    const central = one.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const entry = one.subarray(central, one.length - 22);
    const dirs = Buffer.concat(Array.from({ length: 10 }, () => entry));
    const end = Buffer.from(one.subarray(one.length - 22));
    end.writeUInt16LE(10, 8);
    end.writeUInt16LE(10, 10);
    end.writeUInt32LE(dirs.length, 12);
    const zip = Buffer.concat([one.subarray(0, central), dirs, end]);
    const rs = await inspectAll(file('shared.zip', zip));
    for (const r of rs) expect(r.err).toMatch(/shared\.zip.*zip entries bugreport-a\.txt and bugreport-a\.txt share their bytes/);
  });

  it('entries that together would unpack to 600 MiB: stopped at the allowance with one sentence', async () => {
    // six bug report texts without the summary block, each 100 MiB of zeros deflated (~100 KB)
    const zeros = deflateRawSync(Buffer.alloc(100 << 20), { level: 1 });
    // built by hand: makeZip would deflate the 100 MiB itself, six times
    const parts: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < 6; i++) {
      const name = Buffer.from(`bugreport-${i}.txt`);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(8, 8);
      local.writeUInt32LE(zeros.length, 18);
      local.writeUInt32LE(100 << 20, 22);
      local.writeUInt16LE(name.length, 26);
      const d = Buffer.alloc(46);
      d.writeUInt32LE(0x02014b50, 0);
      d.writeUInt16LE(8, 10);
      d.writeUInt32LE(zeros.length, 20);
      d.writeUInt32LE(100 << 20, 24);
      d.writeUInt16LE(name.length, 28);
      d.writeUInt32LE(offset, 42);
      parts.push(local, name, zeros);
      central.push(d, name);
      offset += 30 + name.length + zeros.length;
    }
    const dirBuf = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(6, 8);
    end.writeUInt16LE(6, 10);
    end.writeUInt32LE(dirBuf.length, 12);
    end.writeUInt32LE(offset, 16);
    const r = await runCli(['inspect', '--summary', file('big.zip', Buffer.concat([...parts, dirBuf, end]))]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/big\.zip.*declares 104857600 bytes, more than this tool unpacks from one zip/);
  }, 60_000);
});
