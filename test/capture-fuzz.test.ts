// Small real captures under hostile edits (issue 7): cut at every offset and changed at random with
// a fixed seed. Every case ends in packets plus, at most, a damage report or one CaptureError;
// never another exception, a hang or a view outside the file. A cut keeps every complete record.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureBuffer } from '../src/capture/read.js';
import { CaptureError } from '../src/errors.js';
import { boundaries, corpusFile, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';

const SMALL = [
  'batteread_ligen_btmon_dl2001.btsnoop',
  'ble_advertiser_nrf_sniffer_dlt272.pcapng',
  'lolan_status.btsnoop',
  'btstack_rsap_bigendian.pklg',
  'jbd_sp04s034_ffaa_auth_dl1001.btsnoop',
];

if (!HAVE_CORPUS) console.warn(SKIP_REASON);

/** Reads b; returns the record numbers emitted and the damage, or the CaptureError thrown. */
function attempt(b: Buffer): { records: number[]; damage: CaptureError | null } | CaptureError {
  const records: number[] = [];
  try {
    const info = readCaptureBuffer(b, (p) => {
      const v = p.kind === 'hci' ? p.data : p.pdu;
      // the view must lie inside the file's bytes (plain checks: expect() per packet is too slow here)
      if (v.buffer !== b.buffer || v.byteOffset < b.byteOffset || v.byteOffset + v.length > b.byteOffset + b.length) {
        throw new Error(`record ${p.record}: view outside the file`);
      }
      records.push(p.record);
    });
    return { records, damage: info.damage };
  } catch (e) {
    if (e instanceof CaptureError) return e;
    throw e;
  }
}

describe.skipIf(!HAVE_CORPUS)('small real captures, cut and changed', () => {
  for (const name of SMALL) {
    it(`${name}: every cut keeps the complete records before it`, () => {
      const full = readFileSync(corpusFile(name));
      const blocks = boundaries(name, full);
      const ends = blocks.filter((b) => b.packet).map((b) => b.end);
      // where a cut leaves a complete (shorter) file: after the file header or after any block
      const clean = new Set([blocks[0]!.start, ...blocks.map((b) => b.end)]);
      const whole = attempt(full);
      expect(whole).not.toBeInstanceOf(CaptureError);
      const all = (whole as { records: number[] }).records;
      const wrong: string[] = [];
      let complete = 0;
      for (let cut = 1; cut < full.length; cut++) {
        while (complete < ends.length && ends[complete]! <= cut) complete++;
        const r = attempt(full.subarray(0, cut));
        if (r instanceof CaptureError) {
          // only a cut inside the file header (or before the first record shows the format) may fail outright
          if (cut > 64) wrong.push(`cut ${cut}: ${r.message}`);
          continue;
        }
        const want = all.filter((n) => n <= complete);
        if (r.records.length !== want.length || r.records.some((n, i) => n !== want[i])) wrong.push(`cut ${cut}: records ${r.records.length}, want ${want.length}`);
        const atEnd = clean.has(cut);
        if (atEnd && r.damage !== null) wrong.push(`cut ${cut}: damage at a record boundary`);
        if (!atEnd && r.damage?.detail.record !== complete + 1) wrong.push(`cut ${cut}: damage ${r.damage?.detail.record}, want record ${complete + 1}`);
        if (wrong.length > 5) break;
      }
      expect(wrong).toEqual([]);
    });

    it(`${name}: 500 random changes of 1–4 bytes`, () => {
      const full = readFileSync(corpusFile(name));
      let seed = 2026;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      let damaged = 0;
      for (let i = 0; i < 500; i++) {
        const b = Buffer.from(full);
        for (let k = 1 + rand(4); k > 0; k--) {
          const at = rand(b.length);
          b[at] = [0x00, 0xff, 0x7f, rand(256)][rand(4)]!;
        }
        const r = attempt(b);
        if (r instanceof CaptureError || r.damage !== null) damaged++;
      }
      // Not every change is detectable (payload bytes), but length fields are checked.
      expect(damaged).toBeGreaterThan(0);
    });
  }
});
