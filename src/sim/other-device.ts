// An unrelated device on its own connection (a heart-rate chest strap), so that captures hold
// traffic that is not the BMS: the analysis must pick the right device and handles.
import { hexNum } from '../hex.js';
import { mtuRequest, mtuResponse, notification, writeRequest, writeResponse } from './link/att.js';
import { leConnectionComplete, numberOfCompletedPackets } from './link/hci.js';
import { Timeline } from './link/timeline.js';
import { Prng } from './prng.js';

export interface OtherDeviceOptions {
  start: number;
  end: number;
  seed: number;
  connectionHandle?: number;
  address?: string;
  aclOnly?: boolean;
}

/** Heart Rate Measurement notifications on handle 0x0012 (CCCD 0x0013), as a chest strap sends them. */
export function heartRateStrap(o: OtherDeviceOptions): { timeline: Timeline; address: string } {
  const p = new Prng(o.seed ^ 0x4852);
  const tl = new Timeline();
  const handle = o.connectionHandle ?? 0x0003;
  const address = o.address ?? `f4:5e:ab:${[0, 0, 0].map(() => hexNum(p.int(0, 255))).join(':')}`;
  const ci = 45_000;
  let t = o.start;
  if (!o.aclOnly) tl.event(t, leConnectionComplete(handle, address, 36));
  const ex = (req: Uint8Array, rsp: Uint8Array) => {
    tl.att((t += 20_000), handle, req, true, 27);
    if (!o.aclOnly) tl.event(t + ci, numberOfCompletedPackets(handle, 1));
    tl.att((t += ci + p.int(0, 3000)), handle, rsp, false, 27);
  };
  ex(mtuRequest(517), mtuResponse(23));
  ex(writeRequest(0x0013, new Uint8Array([0x01, 0x00])), writeResponse());
  let bpm = p.int(62, 85);
  for (t += 900_000; t < o.end; t += p.int(950, 1050) * 1000) {
    bpm = Math.max(50, Math.min(150, bpm + p.int(-2, 2)));
    const rr = Math.round((60 / bpm) * 1024);
    const value = p.chance(0.7) ? new Uint8Array([0x16, bpm, rr & 0xff, rr >> 8]) : new Uint8Array([0x06, bpm]);
    tl.att(t, handle, notification(0x0012, value), false, 27);
  }
  return { timeline: tl, address };
}
