// Bug report zips and btsnooz texts go through the capture driver like any capture: the packets
// they yield are the packets of the btsnoop log they wrap.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../src/capture/read.js';
import { extractAttFromFile } from '../src/hci/extract-file.js';
import { simulateCapture } from '../src/sim/index.js';
import type { HciPacket, Packet } from '../src/model.js';
import { bugreportText, btsnoopRecords, encodeBtsnooz, makeZip } from './bugreport-helpers.js';

const CAPTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/captures');
const NAMES = ['daly_balancer_switch.btsnoop', 'jk_pb2a16s15p_precharge_time.btsnoop', 'lolan_status.btsnoop', 'seplos_v2_1101-10E-SP76-16S.btsnoop', 'votronic_reset_today.btsnoop'];
const present = NAMES.filter((n) => existsSync(join(CAPTURES, n)));
if (present.length < NAMES.length) console.warn(`skipping bug report read tests for absent captures in ${CAPTURES}`);

const dir = mkdtempSync(join(tmpdir(), 'bugreport-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Packets as comparable plain values (copies: the driver reuses its buffers). */
async function packetsOf(path: string, chunkSize?: number): Promise<{ format: string; packets: object[] }> {
  const packets: object[] = [];
  const info = await readCaptureFile(path, (p: Packet) => {
    const h = p as HciPacket;
    packets.push({ t: h.t, type: h.type, sent: h.sent, data: Buffer.from(h.data).toString('hex') });
  }, chunkSize ? { chunkSize } : {});
  expect(info.damage).toBeNull();
  return { format: info.format, packets };
}

describe.each(present)('%s wrapped in Android bug report files', (name) => {
  const log = readFileSync(join(CAPTURES, name));

  it('reads the log out of a bug report zip', async () => {
    const zipPath = join(dir, `${name}.zip`);
    writeFileSync(
      zipPath,
      makeZip([
        { name: 'version.txt', data: Buffer.from('2.0') },
        { name: 'bugreport-phone-2026-11-29.txt', data: Buffer.from('== dumpstate: 2026\n') },
        { name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: log },
      ]),
    );
    const direct = await packetsOf(join(CAPTURES, name));
    const zipped = await packetsOf(zipPath, 4096);
    expect(zipped.format).toBe('bugreport-zip');
    expect(zipped.packets.length).toBeGreaterThan(0);
    expect(zipped.packets).toEqual(direct.packets);
  });

  it('reads the btsnooz summary of a bug report text', async () => {
    const textPath = join(dir, `${name}.bugreport.txt`);
    writeFileSync(textPath, bugreportText(encodeBtsnooz(btsnoopRecords(log), 2), 3000));
    const direct = await packetsOf(join(CAPTURES, name));
    const summary = await packetsOf(textPath, 8192);
    expect(summary.format).toBe('btsnooz');
    expect(summary.packets).toEqual(direct.packets);
  });
});

/** ATT events and connections as comparable plain values. */
async function attOf(path: string): Promise<{ events: object[]; connections: object[] }> {
  const x = await extractAttFromFile(path);
  expect(x.capture.damage).toBeNull();
  return {
    events: x.events.map((e) => ({ ...e, value: Buffer.from(e.value).toString('hex') })),
    connections: x.result.connections,
  };
}

describe('ATT events through bug report files', () => {
  const sources: { name: string; log: Buffer }[] = [
    { name: 'simulated JBD, 3 app sessions and a heart-rate strap', log: simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 3, seed: 4, otherDevice: true }).bytes },
    { name: 'simulated JK (300-byte frames over many notifications)', log: simulateCapture({ protocol: 'jk', switchOn: false, rounds: 2, seed: 5 }).bytes },
    ...present.map((n) => ({ name: n, log: readFileSync(join(CAPTURES, n)) })),
  ];
  it.each(sources)('$name: the zip and the btsnooz text give the ATT events of the btsnoop log', async ({ name, log }) => {
    const base = join(dir, name.replace(/[^a-z0-9]+/gi, '-'));
    writeFileSync(`${base}.btsnoop`, log);
    writeFileSync(`${base}.zip`, makeZip([{ name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: log }]));
    writeFileSync(`${base}.txt`, bugreportText(encodeBtsnooz(btsnoopRecords(log), 2)));
    const direct = await attOf(`${base}.btsnoop`);
    expect(direct.events.length).toBeGreaterThan(0);
    expect(await attOf(`${base}.zip`)).toEqual(direct);
    expect(await attOf(`${base}.txt`)).toEqual(direct);
  });
});
