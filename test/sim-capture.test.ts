import { describe, expect, it } from 'vitest';
import { PROTOCOLS, simulateCapture } from '../src/sim/index.js';
import { attFromH4, framesByMarker, h4FromBtsnoop1002, notifications } from './sim-helpers.js';

describe('simulateCapture', () => {
  for (const id of Object.keys(PROTOCOLS)) {
    for (const on of [true, false]) {
      it(`${id} ${on ? 'ON' : 'OFF'}: the true bit has the state's value in every frame`, () => {
        const cap = simulateCapture({ protocol: id, switchOn: on, rounds: 2, seed: 7, seconds: 6 });
        const atts = attFromH4(h4FromBtsnoop1002(cap.bytes));
        const values = notifications(atts, cap.truth.handle);
        expect(values.length).toBeGreaterThan(5);
        const prefix = Buffer.from(cap.truth.prefix, 'hex');
        const marker = prefix.subarray(0, 2);
        const frames = framesByMarker(values, marker).filter(
          (f) => f.subarray(0, prefix.length).equals(prefix) && f.length >= cap.truth.length,
        );
        expect(frames.length).toBeGreaterThanOrEqual(4);
        for (const f of frames) {
          const bit = (f[cap.truth.byte]! & cap.truth.mask) !== 0 ? 1 : 0;
          expect(bit).toBe(on ? cap.truth.on : 1 - cap.truth.on);
        }
      });
    }
  }
  it('jk with the at-probe quirk: AT probes between the frames, the true bit unchanged', () => {
    for (const on of [true, false]) {
      const cap = simulateCapture({ protocol: 'jk', switchOn: on, rounds: 1, seed: 3, seconds: 6, quirks: ['at-probe'] });
      const values = notifications(attFromH4(h4FromBtsnoop1002(cap.bytes)), cap.truth.handle);
      expect(values.filter((v) => v.toString('latin1') === 'AT\r\n').length).toBeGreaterThanOrEqual(8);
      const frames = framesByMarker(values, Buffer.from('55aaeb9002', 'hex')).filter((f) => f.length >= 300);
      expect(frames.length).toBeGreaterThanOrEqual(4);
      for (const f of frames) expect(f[199]).toBe(on ? 1 : 0);
    }
  });
});
