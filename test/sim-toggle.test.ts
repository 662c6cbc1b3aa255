// The app flips the switch during a recording: the device applies the vendor's switch command and
// the capture's state windows (seconds and file records) say where each state holds.
import { describe, expect, it } from 'vitest';
import { readCaptureBuffer } from '../src/capture/read.js';
import { createAttExtractor } from '../src/hci/index.js';
import type { AttEvent } from '../src/model.js';
import { PROTOCOLS, SimulatedBms, simulateCapture } from '../src/sim/index.js';

function events(bytes: Buffer): AttEvent[] {
  const out: AttEvent[] = [];
  const x = createAttExtractor((e) => out.push(e));
  readCaptureBuffer(bytes, x.push, 'toggle');
  x.finish();
  return out;
}

/** Frames of the truth's kind, reassembled from consecutive notifications, with the record of their last part. */
function truthFrames(evs: AttEvent[], handle: number, prefix: Buffer, length: number): { record: number; frame: Buffer }[] {
  const out: { record: number; frame: Buffer }[] = [];
  let cur: Buffer | null = null;
  for (const e of evs.filter((x) => x.handle === handle && x.dir === 'device-to-app')) {
    const v = Buffer.from(e.value);
    if (v.subarray(0, 2).equals(prefix.subarray(0, 2))) cur = v;
    else if (cur) cur = Buffer.concat([cur, v]);
    if (cur && cur.length >= length) {
      if (cur.subarray(0, prefix.length).equals(prefix)) out.push({ record: e.record, frame: cur });
      cur = null;
    }
  }
  return out;
}

describe('switch commands', () => {
  for (const id of Object.keys(PROTOCOLS)) {
    it(`${id}: the vendor's switch command sets the state the frames report`, () => {
      const p = PROTOCOLS[id]!;
      const b = new SimulatedBms(p, { switchOn: true, seed: 1 });
      b.connect();
      b.handleWrite(p.switchCommand(false), 131);
      expect(b.state.dischargeOn).toBe(false);
      expect(b.state.chargeOn).toBe(true);
      b.handleWrite(p.switchCommand(true), 131);
      expect(b.state.dischargeOn).toBe(true);
    });
  }
});

describe('toggling within one recording', () => {
  for (const [id, format] of [['jbd', 'btsnoop'], ['daly', 'pklg'], ['jk', 'btmon'], ['modbus', 'pcap-201']] as const) {
    it(`${id} ${format}: frames follow the toggles and the windows`, () => {
      const cap = simulateCapture({
        protocol: id,
        switchOn: true,
        rounds: 1,
        seed: 4,
        seconds: 30,
        format,
        toggles: [
          { atSeconds: 10, on: false },
          { atSeconds: 20, on: true },
        ],
      });
      expect(cap.windows.map((w) => w.on)).toEqual([true, false, true]);
      const w = cap.windows;
      expect(w[1]!.fromSeconds).toBeGreaterThan(w[0]!.toSeconds);
      expect(w[1]!.toSeconds - w[1]!.fromSeconds).toBeGreaterThan(9);
      expect(w[1]!.toSeconds - w[1]!.fromSeconds).toBeLessThan(11);
      expect(w[1]!.fromRecord).toBe(w[0]!.toRecord + 1);
      const t = cap.truth;
      const frames = truthFrames(events(cap.bytes), t.handle, Buffer.from(t.prefix, 'hex'), t.length);
      let checked = 0;
      for (const win of w) {
        // Answers in flight at a toggle may still show the old state: skip the first two seconds.
        const inside = frames.filter((f) => f.record >= win.fromRecord && f.record <= win.toRecord);
        expect(inside.length).toBeGreaterThan(3);
        for (const f of inside.slice(3)) {
          expect((f.frame[t.byte]! & t.mask) !== 0 ? 1 : 0).toBe(win.on ? t.on : 1 - t.on);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(10);
    });
  }
});
