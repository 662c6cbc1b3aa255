// A bug report's log is streamed out of its zip: inflated chunk by chunk into the reader, so that
// its packets come as the inflation goes (the records before a break in the data are kept) and a
// large log costs the memory of a chunk, not of the whole log.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../src/capture/read.js';
import { simulateCapture } from '../src/sim/index.js';
import type { HciPacket, Packet } from '../src/model.js';
import { bugreportText, btsnoopRecords, encodeBtsnooz, makeZip } from './bugreport-helpers.js';

const LOG = 'FS/data/misc/bluetooth/logs/btsnoop_hci.log';
/** The built reader, for measuring in a fresh process (npm test builds dist/ first). */
const BUILT_READER = resolve('dist/capture/read.js');
const built = existsSync(BUILT_READER) && existsSync('/proc/self/status');
if (!built) console.log('skipped: the memory measure of a streamed zip needs dist/ (npm test builds it first) and Linux /proc');
const dir = mkdtempSync(join(tmpdir(), 'bugreport-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sim = (): Buffer => simulateCapture({ protocol: 'jbd', rounds: 1, seconds: 60, switchOn: true }).bytes;

/** A zip of one deflated entry whose compressed bytes are `body` (made as a stored entry, then marked deflated). */
function deflatedZip(name: string, body: Buffer, size: number): Buffer {
  const zip = makeZip([{ name, data: body, method: 0 }]);
  zip.writeUInt16LE(8, 8); // local header: method
  zip.writeUInt32LE(size, 22); // local header: uncompressed size
  const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt16LE(8, central + 10);
  zip.writeUInt32LE(size, central + 24);
  return zip;
}

/** The btsnoop file header, then its records repeated until the log has at least `bytes` bytes. */
function repeatedLog(bytes: number): Buffer {
  const one = sim();
  const records = one.subarray(16);
  const copies = Math.ceil(bytes / records.length);
  return Buffer.concat([one.subarray(0, 16), ...new Array<Buffer>(copies).fill(records)]);
}

describe('a bug report log streamed out of its zip', () => {
  it('keeps the records before a break in the deflated data, and says where the zip failed', async () => {
    const log = repeatedLog(2 * 1024 * 1024);
    const deflated = deflateRawSync(log);
    const cut = deflated.subarray(0, Math.floor(deflated.length * 0.8));
    const path = join(dir, 'cut.zip');
    writeFileSync(path, deflatedZip(LOG, cut, log.length));
    let packets = 0;
    const info = await readCaptureFile(path, () => void packets++, { chunkSize: 4096 });
    expect(info.format).toBe('bugreport-zip');
    expect(info.damage?.message).toMatch(/cut\.zip.*zip entry FS\/data\/misc\/bluetooth\/logs\/btsnoop_hci\.log does not inflate/);
    // Inflated whole, the entry gave nothing; streamed, what came before the break is read.
    expect(packets).toBeGreaterThan(0);
    expect(info.records).toBeGreaterThan(0);
  });

  it('stops an entry that inflates to more than it declares (zip bomb), keeping what came within the declared size', async () => {
    const log = repeatedLog(2 * 1024 * 1024);
    const path = join(dir, 'bomb.zip');
    writeFileSync(path, deflatedZip(LOG, deflateRawSync(log), 1024 * 1024));
    let packets = 0;
    const info = await readCaptureFile(path, () => void packets++);
    expect(info.damage?.message).toMatch(/bomb\.zip.*inflates to more than the 1048576 bytes it declares/);
    expect(packets).toBeGreaterThan(0);
  });

  it('reads the btsnooz summary of a bug report text inside a zip from the file, as from the text itself', async () => {
    const text = Buffer.from(bugreportText(encodeBtsnooz(btsnoopRecords(sim()), 2), 3000));
    const textPath = join(dir, 'bugreport.txt');
    const zipPath = join(dir, 'summary-only.zip');
    writeFileSync(textPath, text);
    writeFileSync(zipPath, makeZip([{ name: 'dumpstate_board.txt', data: Buffer.from('nothing') }, { name: 'bugreport-redfin-2026.txt', data: text }]));
    const packets = async (path: string): Promise<string[]> => {
      const out: string[] = [];
      const info = await readCaptureFile(path, (p: Packet) => void out.push(`${p.t} ${Buffer.from((p as HciPacket).data).toString('hex')}`), { chunkSize: 4096 });
      expect(info.damage).toBeNull();
      return out;
    };
    const direct = await packets(textPath);
    expect(direct.length).toBeGreaterThan(0);
    expect(await packets(zipPath)).toEqual(direct);
  });

  it.skipIf(!built)('reads a 96 MB log out of a zip in about the memory of reading the log itself', () => {
    const log = repeatedLog(96 * 1024 * 1024);
    const logPath = join(dir, 'big.btsnoop');
    const zipPath = join(dir, 'big.zip');
    writeFileSync(logPath, log);
    writeFileSync(zipPath, deflatedZip(LOG, deflateRawSync(log, { level: 1 }), log.length));
    // Each in a fresh process, so that its peak memory is the reading's own: its VmHWM (getrusage's
    // maxRSS of a child counts the parent's memory at the fork).
    const peak = (path: string): { records: number; rssMB: number } => {
      const script = `const { readCaptureFile } = await import(${JSON.stringify(BUILT_READER)}); const i = await readCaptureFile(${JSON.stringify(path)}, { hci() {}, packet() {} }); if (i.damage) throw i.damage; const hwm = /VmHWM:\\s+(\\d+) kB/.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8')); console.log(JSON.stringify({ records: i.records, rssMB: Number(hwm[1]) / 1024 }));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { records: number; rssMB: number };
    };
    const plain = peak(logPath);
    const zipped = peak(zipPath);
    expect(zipped.records).toBe(plain.records);
    // Inflated whole, the log alone adds 96 MB (measured before streaming: 67 MB for the log, 269 MB for its zip).
    expect(zipped.rssMB).toBeLessThan(plain.rssMB + 64);
  }, 60_000);
});
