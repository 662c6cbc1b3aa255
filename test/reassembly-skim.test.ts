// A summary counts opcodes and handles: the fragments after the first of a notification or write
// are not copied, and what it counts is exactly what full reassembly counts.
import { beforeEach, describe, expect, it } from 'vitest';
import { L2capReassembler, SKIM_MIN } from '../src/hci/acl.js';
import { createAttExtractor } from '../src/hci/extractor.js';
import type { HciPacket } from '../src/model.js';
import { acl, att, attAcl, l2cap, resetRecords } from './hci-helpers.js';

beforeEach(() => resetRecords());

/** frame cut into ACL packets of `size` bytes on one handle. */
function fragments(handle: number, frame: Uint8Array, size: number, sent: boolean): HciPacket[] {
  const out: HciPacket[] = [];
  for (let o = 0; o < frame.length; o += size) out.push(acl(handle, frame.subarray(o, o + size), sent, o === 0 ? 0b10 : 0b01));
  return out;
}

describe('reassembly that skims', () => {
  it('returns a skimmed frame cut to its first fragment once the whole frame has arrived', () => {
    const r = new L2capReassembler(() => true);
    const frame = l2cap(4, att(0x1b, 0x0012, Uint8Array.from({ length: 296 }, (_, i) => i & 0xff)));
    let got: Uint8Array | null = null;
    for (let o = 0; o < frame.length; o += 27) {
      got = r.push(5, o === 0, frame, o, Math.min(frame.length, o + 27));
      if (o + 27 < frame.length) expect(got).toBeNull();
    }
    expect(Buffer.from(got!).equals(Buffer.from(frame.subarray(0, 27)))).toBe(true);
    expect(r.pending).toBe(0);
    // It held the first fragment only (its smallest buffer), not the 304 bytes.
    expect(r.heldBytes).toBeLessThanOrEqual(512);
  });

  it(`never skims a first fragment shorter than ${SKIM_MIN} bytes (the handle may not be in it)`, () => {
    const r = new L2capReassembler(() => true);
    const frame = l2cap(4, att(0x1b, 0x0012, 'a1a2a3a4a5'));
    expect(r.push(3, true, frame, 0, 6)).toBeNull();
    expect(Buffer.from(r.push(3, false, frame, 6, frame.length)!).equals(Buffer.from(frame))).toBe(true);
  });

  it('a summary (no events) counts the same handles, operations and warnings as full reassembly', () => {
    const packets: HciPacket[] = [
      attAcl(0x40, att(0x12, 0x0010, '0100'), true),
      ...fragments(0x40, l2cap(4, att(0x1b, 0x0012, Uint8Array.from({ length: 296 }, (_, i) => i))), 27, false),
      ...fragments(0x40, l2cap(4, att(0x52, 0x0015, Uint8Array.from({ length: 100 }, (_, i) => 255 - i))), 20, true),
      // Discovery is read whole even in a summary: a fragmented Read By Type response names the handle.
      attAcl(0x40, att(0x08, null, '0100ffff0328'), true),
      ...fragments(0x40, l2cap(4, att(0x09, null, '07' + '1100' + '10' + '1200' + 'f0ff')), 7, false),
      ...fragments(0x40, l2cap(4, att(0x1b, 0x0012, Uint8Array.from({ length: 40 }, (_, i) => i))), 27, false),
      // A continuation whose start never came, and a frame left unfinished at the end.
      acl(0x40, Uint8Array.from([1, 2, 3]), false, 0b01),
      fragments(0x40, l2cap(4, att(0x1b, 0x0012, new Uint8Array(80))), 27, false)[0]!,
    ];
    const events: number[] = [];
    const full = createAttExtractor((e) => events.push(e.handle));
    const summary = createAttExtractor(() => undefined, { events: false });
    for (const p of packets) {
      full.push(p);
      summary.push(p);
    }
    const a = full.finish();
    const b = summary.finish();
    expect(events).toEqual([0x10, 0x12, 0x15, 0x12]);
    expect(b.handles).toEqual(a.handles);
    expect(b.counts).toEqual(a.counts);
    expect(b.warnings).toEqual(a.warnings);
    expect(a.handles.find((h) => h.handle === 0x12)).toMatchObject({ uuid: 'fff0', properties: ['notify'], counts: { 'Handle Value Notification': 2 } });
  });
});
