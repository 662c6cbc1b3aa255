// simulateAttRounds gives the ATT events the capture readers and the extractor find in the
// capture simulateCapture() writes with the same options, without writing or parsing a file.
import { describe, expect, it } from 'vitest';
import { readCaptureBuffer } from '../src/capture/read.js';
import { createAttExtractor } from '../src/hci/index.js';
import type { AttEvent } from '../src/model.js';
import { PROTOCOLS, simulateAttRounds, simulateCapture } from '../src/sim/index.js';

function extract(bytes: Buffer): AttEvent[] {
  const out: AttEvent[] = [];
  const x = createAttExtractor((e) => out.push(e));
  readCaptureBuffer(bytes, x.push, 'sim.btsnoop');
  x.finish();
  return out;
}

const view = (e: AttEvent) => `${e.conn} ${e.dir} ${e.opcode} ${e.op} ${e.handle} ${e.uuid} ${Buffer.from(e.value).toString('hex')}`;

describe('simulateAttRounds', () => {
  for (const id of Object.keys(PROTOCOLS)) {
    it(`${id}: the same events as the capture, one round per connection`, () => {
      const o = { protocol: PROTOCOLS[id]!, switchOn: false, rounds: 3, seed: 17, seconds: 5 };
      const { rounds, deviceAddress } = simulateAttRounds(o);
      const cap = simulateCapture({ ...o, protocol: id, format: 'btsnoop' });
      expect(deviceAddress).toBe(cap.deviceAddress);
      expect(rounds.map((r) => [r.state, r.index])).toEqual([['off', 1], ['off', 2], ['off', 3]]);
      const fromCapture = extract(cap.bytes).filter((e) => e.peer === cap.deviceAddress);
      const fromSim = rounds.flatMap((r) => r.events);
      expect(fromSim.length).toBeGreaterThan(20);
      expect(fromSim.map(view)).toEqual(fromCapture.map(view));
      // Times agree to the microsecond, up to the 1 µs steps that keep capture times increasing.
      fromSim.forEach((e, i) => expect(Math.abs(e.t! - fromCapture[i]!.t!)).toBeLessThanOrEqual(3));
    });
  }
});
