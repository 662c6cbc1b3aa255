// The zip and btsnooz decoders on their own, against files made here from a real btsnoop capture.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { btsnoozFormat, decodeBtsnooz, decodeBtsnoozText } from '../src/capture/btsnooz.js';
import { createZipFormat, extractCaptureFromZip } from '../src/capture/bugreport-zip.js';
import { listZipEntries, readZipEntry } from '../src/capture/zip.js';
import { CaptureError } from '../src/errors.js';
import type { HciPacket, Packet } from '../src/model.js';
import { bugreportText, btsnoopRecords, encodeBtsnooz, makeZip, type SnoopRecord } from './bugreport-helpers.js';

const CAPTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/captures');
const DALY = resolve(CAPTURES, 'daly_balancer_switch.btsnoop');
const haveCorpus = existsSync(DALY);
if (!haveCorpus) console.warn(`skipping corpus-based container tests: ${DALY} is absent`);

function samePackets(packets: HciPacket[], records: SnoopRecord[]): void {
  expect(packets.length).toBe(records.length);
  for (let i = 0; i < records.length; i++) {
    const p = packets[i]!;
    const r = records[i]!;
    expect(p.t).toBe(r.t);
    expect(p.sent).toBe(r.sent);
    expect(p.type).toBe(r.h4[0]);
    expect(Buffer.from(p.data).equals(r.h4.subarray(1))).toBe(true);
  }
}

/** Runs a CaptureFormat over a buffer the way a driver does, in chunks of `chunk` bytes. */
function runFormat(bytes: Buffer, chunk: number): Packet[] {
  const format = btsnoozFormat.probe(bytes.subarray(0, 65536)) ? btsnoozFormat : createZipFormat(() => [btsnoozFormat]);
  const { headerLength, parser } = format.open(bytes.subarray(0, 65536));
  const out: Packet[] = [];
  let pending = Buffer.alloc(0);
  let base = headerLength;
  for (let p = headerLength; p < bytes.length || pending.length; p += chunk) {
    const final = p + chunk >= bytes.length;
    const buf = Buffer.concat([pending, bytes.subarray(p, p + chunk)]);
    const used = parser.parse(buf, 0, (x) => out.push(x), final, base);
    pending = buf.subarray(used);
    base += used;
    if (final) break;
  }
  return out;
}

describe.skipIf(!haveCorpus)('btsnooz from a real capture', () => {
  const records = haveCorpus ? btsnoopRecords(readFileSync(DALY)) : [];

  it('decodes version 2 back to the same packets and times', () => {
    const decoded = decodeBtsnooz(encodeBtsnooz(records, 2));
    expect(decoded.version).toBe(2);
    expect(decoded.truncated).toBe(0);
    samePackets(decoded.packets, records);
  });

  it('decodes version 1 too', () => {
    samePackets(decodeBtsnooz(encodeBtsnooz(records, 1)).packets, records);
  });

  it('counts the ACL packets Android cuts in its summary', () => {
    const decoded = decodeBtsnooz(encodeBtsnooz(records, 2, true));
    const long = records.filter((r) => r.h4[0] === 2 && r.h4.length - 1 > 14 && r.h4.readUInt16LE(7) !== 1).length;
    expect(long).toBeGreaterThan(0);
    expect(decoded.truncated).toBe(long);
  });

  it('finds the block in a bug report text, also when streamed in small chunks', () => {
    const text = Buffer.from(bugreportText(encodeBtsnooz(records, 2)), 'utf8');
    expect(btsnoozFormat.probe(text.subarray(0, 65536))).toBe(true);
    samePackets(decodeBtsnoozText(text.toString('utf8')).packets, records);
    for (const chunk of [97, 4096, text.length]) samePackets(runFormat(text, chunk) as HciPacket[], records);
  });

  it('takes the full log out of a bug report zip, before the summary', () => {
    const log = readFileSync(DALY);
    const text = Buffer.from(bugreportText(encodeBtsnooz(records.slice(0, 10), 2)));
    const zip = makeZip([
      { name: 'version.txt', data: Buffer.from('2.0') },
      { name: 'bugreport-redfin-2026-11-29-04-00-00.txt', data: text },
      { name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log.last', data: Buffer.from('btsnoop\0old') },
      { name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: log, method: 8 },
    ]);
    const entries = listZipEntries(zip);
    expect(entries.map((e) => e.name)).toHaveLength(4);
    expect(readZipEntry(zip, entries[0]!).toString()).toBe('2.0');
    const found = extractCaptureFromZip(zip);
    expect(found.name).toBe('FS/data/misc/bluetooth/logs/btsnoop_hci.log');
    expect(found.summary).toBe(false);
    expect(found.bytes.equals(log)).toBe(true);
  });

  it('prefers the full log to the filtered btsnooz_hci.log, and takes the filtered one when alone', () => {
    const log = readFileSync(DALY);
    const filtered = Buffer.concat([log.subarray(0, 16), Buffer.from('x')]);
    const both = makeZip([
      { name: 'FS/data/misc/bluetooth/logs/btsnooz_hci.log', data: filtered },
      { name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: log },
    ]);
    expect(extractCaptureFromZip(both).name).toBe('FS/data/misc/bluetooth/logs/btsnoop_hci.log');
    const alone = makeZip([{ name: 'FS/data/misc/bluetooth/logs/btsnooz_hci.log', data: filtered }]);
    expect(extractCaptureFromZip(alone).bytes.equals(filtered)).toBe(true);
  });

  it('falls back to the summary in the bug report text when the zip has no log', () => {
    const text = Buffer.from(bugreportText(encodeBtsnooz(records, 2)));
    const zip = makeZip([
      { name: 'dumpstate_board.txt', data: Buffer.from('nothing') },
      { name: 'bugreport-redfin-2026.txt', data: text, method: 0 },
    ]);
    const found = extractCaptureFromZip(zip);
    expect(found.summary).toBe(true);
    samePackets(runFormat(zip, 1000) as HciPacket[], records);
  });
});

describe('bug report failures', () => {
  it('says what to do when a zip holds no log', () => {
    const zip = makeZip([{ name: 'bugreport-x.txt', data: Buffer.from('== dumpstate: no summary here\n') }]);
    expect(() => extractCaptureFromZip(zip)).toThrow(/no Bluetooth HCI log and no BTSNOOP_LOG_SUMMARY\. Enable "Bluetooth HCI snoop log"/);
  });

  it('reports a zip cut short', () => {
    const zip = makeZip([{ name: 'btsnoop_hci.log', data: Buffer.alloc(5000, 7), method: 0 }]);
    expect(() => extractCaptureFromZip(zip.subarray(0, 3000))).toThrow(/no zip central directory found/);
  });

  it('refuses an entry that inflates to more than it declares (zip bomb)', () => {
    const zip = makeZip([{ name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: Buffer.alloc(1_000_000) }]);
    // Patch the declared size in the central directory down to 1000 bytes.
    const dir = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(1000, dir + 24);
    expect(() => extractCaptureFromZip(zip)).toThrow(/inflates to more than the 1000 bytes it declares/);
  });

  it('reports a bug report text without a summary block', () => {
    const text = Buffer.from('========================================================\n== dumpstate: 2026\nnothing\n');
    expect(btsnoozFormat.probe(text)).toBe(true);
    expect(() => runFormat(text, 10)).toThrow(/no BTSNOOP_LOG_SUMMARY block/);
  });

  it('recognises a saved dumpsys bluetooth_manager output whose summary is far from the start', () => {
    const records = haveCorpus ? btsnoopRecords(readFileSync(DALY)) : [];
    const text = Buffer.from(
      `Bluetooth Status\n  enabled: true\n  state: ON\n${'  profile line\n'.repeat(8000)}` + bugreportText(encodeBtsnooz(records.slice(0, 40), 2), 0),
    );
    expect(text.indexOf('BTSNOOP_LOG_SUMMARY')).toBeGreaterThan(65536);
    expect(btsnoozFormat.probe(text.subarray(0, 65536))).toBe(true);
    expect(runFormat(text, 5000)).toHaveLength(records.slice(0, 40).length);
    expect(btsnoozFormat.probe(Buffer.from('Bluetooth is great\n'))).toBe(false);
  });

  it('rejects an unknown btsnooz version with its offset', () => {
    const blob = Buffer.alloc(20);
    blob[0] = 7;
    expect(() => decodeBtsnooz(blob)).toThrow(/unknown btsnooz version 7/);
  });
});
