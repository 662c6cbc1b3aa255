// Every capture reader under hostile input (issue 7), with a fixed seed and a budget: cuts at many
// offsets, random byte changes, huge length fields, endless zero records, wrong magic, and files
// that are no files (empty, a folder, a path through a file, a FIFO). Each case runs in a worker
// thread on the built readers, so a case that hangs is stopped and named instead of freezing the
// run. Every case must end in packets (plus at most a damage report) or one CaptureError that
// names the file; never another exception, a hang, or memory out of proportion to the input.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCapture } from '../src/sim/index.js';
import { CAPTURE_FORMATS } from '../src/sim/writers/index.js';
import { bugreportText, btsnoopRecords, encodeBtsnooz, makeZip } from './bugreport-helpers.js';
import { corpusFile, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';
import { aclAtt, PcapngWriter } from './helpers/capture-writers.js';
import { ensureDist } from './helpers/dist.js';
import { type Case, prng, runCases, wrong } from './helpers/fuzz-cases.js';

if (!HAVE_CORPUS) console.warn(`fuzz-readers: ${SKIP_REASON} (generated captures are still fuzzed)`);

const dir = mkdtempSync(join(tmpdir(), 'bmsw-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => ensureDist(), 180_000);

/** Budget per input: how many cuts, changes and huge lengths are tried. */
const CUTS = 80;
const FLIPS = 60;
const HUGE = 24;
/** The hostile variants of one capture. */
function variants(name: string, full: Buffer, seed: number): Case[] {
  const cases: Case[] = [];
  const rand = prng(seed);
  // cuts: every offset inside the first 96 bytes (file headers), then evenly spread
  const cuts = new Set<number>();
  for (let i = 1; i < Math.min(72, full.length); i++) cuts.add(i);
  for (let i = 0; i < CUTS; i++) cuts.add(Math.max(1, Math.floor(((i + 0.5) * full.length) / CUTS)));
  for (const cut of [...cuts].sort((a, b) => a - b)) if (cut < full.length) cases.push({ label: `${name} cut at ${cut}`, bytes: full.subarray(0, cut) });
  for (let i = 0; i < FLIPS; i++) {
    const b = Buffer.from(full);
    const at: number[] = [];
    for (let k = 1 + rand(4); k > 0; k--) {
      const p = rand(b.length);
      b[p] = [0x00, 0xff, 0x7f, 0x0a, rand(256)][rand(5)]!;
      at.push(p);
    }
    cases.push({ label: `${name} bytes changed at ${at.join(',')} (seed ${seed}, #${i})`, bytes: b });
  }
  for (let i = 0; i < HUGE; i++) {
    const b = Buffer.from(full);
    const p = rand(Math.max(1, b.length - 4));
    const v = [0xffffffff, 0x7fffffff, 0x80000000, 0x00ffffff, 0x0000ffff][rand(5)]!;
    if (rand(2)) b.writeUInt32LE(v, p);
    else b.writeUInt32BE(v, p);
    cases.push({ label: `${name} 0x${v.toString(16)} written at ${p}`, bytes: b });
  }
  const magic = Buffer.from(full);
  magic[0] = magic[0]! ^ 0x5a;
  magic[1] = magic[1]! ^ 0xa5;
  cases.push({ label: `${name} wrong magic`, bytes: magic });
  // endless zero records: 3 MB of zeros after the file, read from disk in small chunks and whole
  const zeros = Buffer.concat([full, Buffer.alloc(3 * 1024 * 1024)]);
  const zpath = join(dir, `${name}.zeros`);
  writeFileSync(zpath, zeros);
  cases.push({ label: `${name} + 3 MB of zeros (file, 64 KiB chunks)`, path: zpath, chunkSize: 64 * 1024 });
  cases.push({ label: `${name} + 3 MB of zeros (buffer)`, bytes: zeros });
  // some changed copies through the streaming reader with tiny chunks (chunk edges are other code paths)
  for (let i = 0; i < 6; i++) {
    const b = Buffer.from(full);
    for (let k = 1 + rand(3); k > 0; k--) b[rand(b.length)] = rand(256);
    const p = join(dir, `${name}.flip${i}`);
    writeFileSync(p, b);
    cases.push({ label: `${name} changed, file read in 97-byte chunks (#${i})`, path: p, chunkSize: 97 });
  }
  return cases;
}

/** Small generated captures, one per reader the simulator or the test writers can produce. */
function generated(): Array<{ name: string; bytes: Buffer; format: string }> {
  const out: Array<{ name: string; bytes: Buffer; format: string }> = [];
  const readerOf: Record<string, string> = { 'pcap-187': 'pcap', 'pcap-201': 'pcap', 'pcap-ll': 'pcap', 'btsnoop-1001': 'btsnoop', btmon: 'btsnoop', 'pklg-be': 'pklg' };
  for (const format of CAPTURE_FORMATS) {
    const sim = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 1, seconds: 2, seed: 7, format });
    out.push({ name: `sim-${format}`, bytes: sim.bytes, format: readerOf[format] ?? format });
  }
  const btsnoop = simulateCapture({ protocol: 'daly', switchOn: false, rounds: 1, seconds: 2, seed: 9, format: 'btsnoop' }).bytes;
  const w = new PcapngWriter(true).section().iface(201);
  const att = Buffer.from('1b1200d2030414030600eeae', 'hex');
  for (let i = 0; i < 30; i++) w.epb(0, BigInt(1_700_000_000_000_000 + i * 1000), Buffer.concat([Buffer.from([0, 0, 0, i & 1]), Buffer.from([2]), aclAtt(0x40, att)]));
  out.push({ name: 'gen-pcapng-201', bytes: w.bytes(), format: 'pcapng' });
  out.push({ name: 'gen-bugreport.zip', bytes: makeZip([{ name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: btsnoop }]), format: 'bugreport-zip' });
  out.push({ name: 'gen-bugreport-stored.zip', bytes: makeZip([{ name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: btsnoop, method: 0 }]), format: 'bugreport-zip' });
  out.push({ name: 'gen-btsnooz.txt', bytes: Buffer.from(bugreportText(encodeBtsnooz(btsnoopRecords(btsnoop)), 20)), format: 'btsnooz' });
  const lines = Array.from({ length: 40 }, (_, i) => `${i % 2 ? '<' : '>'} ${Buffer.from([0xdd, 0xa5, i, 0, 0xff, 0xfd, 0x77]).toString('hex').replace(/(..)/g, '$1 ').trim()}`);
  out.push({ name: 'gen-hexlines.txt', bytes: Buffer.from(lines.join('\n') + '\n'), format: 'hexlines-text' });
  return out;
}

const REAL: Array<{ name: string; format: string }> = [
  { name: 'batteread_ligen_btmon_dl2001.btsnoop', format: 'btsnoop' },
  { name: 'ble_advertiser_nrf_sniffer_dlt272.pcapng', format: 'pcapng' },
  { name: 'btstack_rsap_bigendian.pklg', format: 'pklg' },
  { name: 'nestcam_dlt201.pcap', format: 'pcap' },
  { name: 'tesi_ble_nrfsniffer.pcap', format: 'pcap' },
  { name: 'even_g2_glasses_bt2.pklg', format: 'pklg' },
  { name: 'daly_dsg_onoff.packetlogger.txt', format: 'packetlogger-text' },
  { name: 'smartbottle_M1_nrfconnect_EXCERPT.txt', format: 'nrfconnect-text' },
  { name: 'novax_escooter_OnlyLocking.wireshark.txt', format: 'wireshark-text' },
  { name: 'ecoflow_delta2_labelled_hexdumps.txt', format: 'hexdump-text' },
  { name: 'meritsun_12v100ah_notify_hexlog_15ms.txt', format: 'hexlines-text' },
  { name: 'lumentree_inverter.annotated.txt', format: 'hexlines-text' },
];

async function fuzz(name: string, bytes: Buffer, format: string, seed: number): Promise<void> {
  // the unharmed file must be read by the reader this input is meant to exercise
  const [whole] = await runCases([{ label: `${name} as is`, bytes }]);
  expect(whole?.outcome, whole?.message).toBe('result');
  expect(whole?.format).toBe(format);
  expect(whole?.damage ?? null).toBeNull();
  const cases = variants(name, bytes, seed);
  const outcomes = await runCases(cases);
  const problems = cases.map((c, i) => wrong(c, outcomes[i], bytes.length)).filter((p): p is string => p !== null);
  expect(problems.slice(0, 8)).toEqual([]);
  // the cases must reach the reader: most cuts leave a readable prefix or a located damage report
  expect(outcomes.filter((o) => o.outcome === 'result').length).toBeGreaterThan(cases.length / 4);
}

describe('every reader under hostile input (fixed seed, bounded budget)', () => {
  const gen = generated();
  for (const [i, g] of gen.entries()) {
    it(`generated ${g.name} (${g.format})`, () => fuzz(g.name, g.bytes, g.format, 1000 + i), 120_000);
  }
  for (const [i, r] of REAL.entries()) {
    it.skipIf(!HAVE_CORPUS || !existsSync(corpusFile(r.name)))(`real ${r.name} (${r.format})`, () => fuzz(r.name, readFileSync(corpusFile(r.name)), r.format, 2000 + i), 120_000);
  }
});

describe('files that are no captures', () => {
  it('0 bytes, a folder, a path through a file, a missing file, a FIFO: one CaptureError naming the path', async () => {
    const empty = join(dir, 'empty.btsnoop');
    writeFileSync(empty, '');
    const folder = join(dir, 'folder.pcap');
    mkdirSync(folder);
    const through = join(empty, 'inner.log');
    const missing = join(dir, 'missing.pklg');
    const cases: Case[] = [
      { label: 'empty', path: empty },
      { label: 'folder', path: folder },
      { label: 'path through a file', path: through },
      { label: 'missing', path: missing },
      { label: 'empty buffer', bytes: new Uint8Array(0) },
    ];
    let fifo: string | null = join(dir, 'pipe.btsnoop');
    try {
      execFileSync('mkfifo', [fifo]);
      cases.push({ label: 'FIFO nobody writes to', path: fifo });
    } catch {
      fifo = null;
      console.warn('fuzz-readers: mkfifo unavailable, FIFO case skipped');
    }
    const outcomes = await runCases(cases);
    const problems = cases.map((c, i) => (outcomes[i]?.outcome === 'capture-error' ? wrong(c, outcomes[i], 0) : `${c.label}: ${outcomes[i]?.outcome} ${outcomes[i]?.message ?? ''}`));
    expect(problems.filter((p) => p !== null)).toEqual([]);
    expect(outcomes[0]!.message).toMatch(/empty \(0 bytes\)/);
    expect(outcomes[1]!.message).toMatch(/is a directory/);
    expect(outcomes[2]!.message).toMatch(/not a folder/);
    expect(outcomes[3]!.message).toMatch(/no such file/);
  }, 60_000);
});

describe('text that never ends a line', () => {
  it('a hex-lines capture whose third line runs on for 40 MB: a result or a located error, memory bounded', async () => {
    const path = join(dir, 'endless-line.txt');
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const fd = openSync(path, 'w');
    writeSync(fd, '> dd a5 03 00 ff fd 77\n< dd 03 00 1b 00 00\n> ');
    const block = Buffer.from('ab '.repeat(350_000));
    for (let i = 0; i < 40; i++) writeSync(fd, block);
    closeSync(fd);
    const c: Case = { label: 'endless line', path, chunkSize: 1024 * 1024 };
    const [o] = await runCases([c]);
    expect(wrong(c, o, 0), JSON.stringify(o)).toBeNull();
    if (o!.outcome === 'result') expect(o!.packets).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

/** Deflate of `mb` MiB of zeros, made in 1 MiB steps (the test itself never holds the big buffer). */
async function zeroBomb(mb: number, raw: boolean): Promise<Buffer> {
  const { createDeflate, createDeflateRaw } = await import('node:zlib');
  const z = raw ? createDeflateRaw({ level: 1 }) : createDeflate({ level: 1 });
  const parts: Buffer[] = [];
  z.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise((r) => z.on('end', r));
  const mib = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mb; i++) if (!z.write(mib)) await new Promise((r) => z.once('drain', r));
  z.end();
  await done;
  return Buffer.concat(parts);
}

// Regression cases found by this test: compressed entries that inflate far beyond what they
// declare. Before the fix the readers inflated them whole (hundreds of MB for a 300 KB file).
describe('compressed content that inflates without end', () => {
  it('a bug report zip whose log declares 4 KB but inflates to 200 MB: a located error, memory bounded', async () => {
    const bomb = await zeroBomb(200, true);
    const zip = makeZip([{ name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: bomb, method: 0 }]);
    // turn the stored entry into a deflated one that claims 4096 bytes (local and central header)
    const local = 0;
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt16LE(8, local + 8);
    zip.writeUInt32LE(4096, local + 22);
    zip.writeUInt16LE(8, central + 10);
    zip.writeUInt32LE(4096, central + 24);
    const [o] = await runCases([{ label: 'zip bomb', bytes: zip }]);
    const c: Case = { label: 'zip bomb', bytes: zip };
    expect(wrong(c, o, zip.length)).toBeNull();
    expect(o!.packets ?? 0).toBe(0);
    const message = o!.outcome === 'capture-error' ? o!.message : o!.damage?.message;
    expect(message).toMatch(/btsnoop_hci\.log.*(more than|larger than|declares)/);
  }, 60_000);

  it('a bug report text whose BTSNOOP_LOG_SUMMARY inflates to 200 MB: a located error, memory bounded', async () => {
    const body = await zeroBomb(200, false);
    const blob = Buffer.concat([Buffer.from([2]), Buffer.alloc(8), body]);
    const text = Buffer.from(bugreportText(blob, 5));
    const [o] = await runCases([{ label: 'btsnooz bomb', bytes: text }]);
    const c: Case = { label: 'btsnooz bomb', bytes: text };
    expect(wrong(c, o, text.length)).toBeNull();
    const message = o!.outcome === 'capture-error' ? o!.message : o!.damage?.message;
    expect(message).toMatch(/BTSNOOP_LOG_SUMMARY.*(more than|larger than)/);
  }, 60_000);
});
