// Reassembly costs memory in proportion to the bytes that arrived, never to what a length field
// announces, and a capture with thousands of half-sent messages is capped and said so.
import { beforeEach, describe, expect, it } from 'vitest';
import { L2capReassembler, MAX_OPEN_FRAMES } from '../src/hci/acl.js';
import { createAttExtractor } from '../src/hci/extractor.js';
import { writeBtsnoop } from '../src/sim/writers/btsnoop.js';
import { readCaptureBuffer } from '../src/capture/read.js';
import type { HciPacket } from '../src/model.js';
import { acl, att, l2cap, resetRecords, valueHex } from './hci-helpers.js';

beforeEach(() => resetRecords());

/** An L2CAP start that announces a 65 535-byte frame and carries its first 20 bytes. */
function hugeStart(): Uint8Array {
  const f = new Uint8Array(20);
  f[0] = 0xff;
  f[1] = 0xff;
  f[2] = 0x04;
  return f;
}

describe('reassembly memory', () => {
  it('holds what arrived, not the 64 KiB a start fragment announces', () => {
    const r = new L2capReassembler();
    const start = hugeStart();
    for (let key = 0; key < 200; key++) expect(r.push(key, true, start, 0, start.length)).toBeNull();
    expect(r.pending).toBe(200);
    // 200 × 64 KiB would be 12.5 MiB; growing buffers start small.
    expect(r.heldBytes).toBeLessThan(200 * 1024);
  });

  it('grows a buffer fragment by fragment to a 65 535-byte frame and returns its exact bytes', () => {
    const r = new L2capReassembler();
    const payload = Uint8Array.from({ length: 65_531 }, (_, i) => (i * 7) & 0xff);
    const frame = l2cap(4, payload);
    let got: Uint8Array | null = null;
    for (let o = 0; o < frame.length; o += 27) {
      got = r.push(9, o === 0, frame, o, Math.min(frame.length, o + 27));
      if (o + 27 < frame.length) expect(got).toBeNull();
    }
    expect(got).not.toBeNull();
    expect(Buffer.from(got!).equals(Buffer.from(frame))).toBe(true);
    expect(r.pending).toBe(0);
  });

  it('joins a start shorter than the basic header with the rest', () => {
    const r = new L2capReassembler();
    const frame = l2cap(4, att(0x1b, 0x0012, 'a1a2a3a4a5'));
    expect(r.push(3, true, frame, 0, 1)).toBeNull();
    expect(r.push(3, false, frame, 1, 3)).toBeNull();
    expect(Buffer.from(r.push(3, false, frame, 3, frame.length)!).equals(Buffer.from(frame))).toBe(true);
  });

  it(`caps the frames waiting at once at ${MAX_OPEN_FRAMES} and counts the ones it skipped`, () => {
    const r = new L2capReassembler();
    const start = hugeStart();
    for (let key = 0; key < MAX_OPEN_FRAMES + 500; key++) r.push(key, true, start, 0, start.length);
    expect(r.pending).toBe(MAX_OPEN_FRAMES);
    expect(r.refusedFrames).toBe(500);
    expect(r.heldBytes).toBeLessThan(MAX_OPEN_FRAMES * 1024);
  });

  it('a btmon log with thousands of adapters each starting a huge frame: bounded, said in a warning, later traffic still decoded', () => {
    const packets: HciPacket[] = [];
    const start = hugeStart();
    const adapters = MAX_OPEN_FRAMES + 2000;
    for (let a = 0; a < adapters; a++) {
      const p = acl(0x0040, start, false, 0b10);
      packets.push({ ...p, adapter: a });
    }
    const note = acl(0x0041, l2cap(4, att(0x1b, 0x0012, 'c0ffee')), false, 0b10);
    packets.push({ ...note, adapter: 0 });
    const events: string[] = [];
    const x = createAttExtractor((e) => events.push(valueHex(e)));
    for (const p of packets) x.push(p);
    const result = x.finish();
    expect(events).toEqual(['c0ffee']);
    expect(result.warnings.some((w) => w.startsWith(`2000 fragmented message(s) were skipped: more than ${MAX_OPEN_FRAMES}`))).toBe(true);
    expect(result.warnings).toContain(`${MAX_OPEN_FRAMES} message(s) were still incomplete at the end of the capture`);
  });

  it('the same through the capture reader (offsets, no packet objects): one fragmented notification across records', () => {
    const value = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const frame = l2cap(4, att(0x1b, 0x0005, value));
    const packets: HciPacket[] = [];
    for (let o = 0; o < frame.length; o += 27) packets.push(acl(0x0003, frame.subarray(o, Math.min(frame.length, o + 27)), false, o === 0 ? 0b10 : 0b01));
    const file = writeBtsnoop(packets);
    const got: string[] = [];
    const x = createAttExtractor((e) => got.push(valueHex(e)));
    const info = readCaptureBuffer(file, x.sink);
    expect(info.damage).toBeNull();
    expect(got).toEqual([Buffer.from(value).toString('hex')]);
    expect(x.finish().counts).toMatchObject({ acl: packets.length, att: 1, orphanFragments: 0 });
  });
});
