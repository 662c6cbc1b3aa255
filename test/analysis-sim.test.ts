// Every simulated BMS family in every capture format the simulator writes: captures of the switch
// ON and OFF go through the real readers, the ATT extractor and the analysis; the true bit must rank first.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import type { AnalysisResult } from '../src/analysis/types.js';
import { loadRounds } from '../src/recorders/files.js';
import { CAPTURE_FORMATS, FORMAT_EXTENSION, PROTOCOLS, simulateAttRounds, simulateCapture, type SimCaptureFormat } from '../src/sim/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bms-analysis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function captures(protocol: string, format: SimCaptureFormat, seed: number): { on: string; off: string; truth: ReturnType<typeof simulateCapture>['truth'] } {
  const on = simulateCapture({ protocol, switchOn: true, rounds: 3, seed, seconds: 5, format, otherDevice: true });
  const off = simulateCapture({ protocol, switchOn: false, rounds: 3, seed: seed + 1, seconds: 5, format, otherDevice: true, bms: on.bms, start: (Date.UTC(2025, 2, 14, 11, 0, 0)) * 1000 });
  const ext = FORMAT_EXTENSION[format];
  const onPath = join(dir, `${protocol}-${format}-on${ext}`);
  const offPath = join(dir, `${protocol}-${format}-off${ext}`);
  writeFileSync(onPath, on.bytes);
  writeFileSync(offPath, off.bytes);
  return { on: onPath, off: offPath, truth: on.truth };
}

function top(res: AnalysisResult) {
  const c = res.candidates.find((x) => x.label === null);
  return c ? { c, g: res.groups.find((g) => g.id === c.group)! } : null;
}

describe('simulated families × capture formats: the true bit ranks first', () => {
  for (const protocol of Object.keys(PROTOCOLS)) {
    for (const format of CAPTURE_FORMATS) {
      it(`${protocol} in ${format}`, async () => {
        const cap = captures(protocol, format, 11);
        const rounds = await loadRounds([`on=${cap.on}`, `off=${cap.off}`]);
        // Text exports show no connection events: a file is then one round.
        expect(rounds.filter((r) => r.state === 'on').length).toBeGreaterThanOrEqual(format.includes('text') ? 1 : 3);
        const res = analyze(rounds);
        const best = top(res);
        expect(best, JSON.stringify(res.groups)).not.toBeNull();
        const { c, g } = best!;
        const t = cap.truth;
        expect({ byte: c.byte, mask: parseInt(c.mask, 16) & t.mask, handle: g.handle, length: g.length }).toEqual({ byte: t.byte, mask: t.mask, handle: t.handle, length: t.length });
        expect(g.prefix.startsWith(t.prefix) || t.prefix.startsWith(g.prefix)).toBe(true);
        if (c.kind === 'bit') expect(c.values).toEqual({ on: t.on, off: 1 - t.on });
      });
    }
  }
});

describe("the seed's rule (--key prefix:4 --frames none) fails where it should", () => {
  for (const protocol of ['jk', 'modbus']) {
    it(`${protocol}: no unlabelled candidate at the true place`, async () => {
      const cap = captures(protocol, 'btsnoop', 31);
      const rounds = await loadRounds([`on=${cap.on}`, `off=${cap.off}`]);
      const seed = analyze(rounds, { key: { kind: 'prefix', n: 4 }, frames: { kind: 'none' } });
      const t = cap.truth;
      const hit = seed.candidates.find((c) => c.label === null && c.byte === t.byte && (parseInt(c.mask, 16) & t.mask) !== 0 && seed.groups.find((g) => g.id === c.group)!.length === t.length);
      expect(hit).toBeUndefined();
      // …while the automatic settings find it.
      const auto = top(analyze(rounds))!;
      expect([auto.c.byte, auto.g.length]).toEqual([t.byte, t.length]);
    });
  }
});

describe('captures that name the device and captures that do not (ACL-only) in one analysis', () => {
  it('takes the unnamed traffic as the device where the named peer is missing', async () => {
    const on = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 3, seed: 41, seconds: 4 });
    const off = simulateCapture({ protocol: 'jbd', switchOn: false, rounds: 3, seed: 42, seconds: 4, aclOnly: true, bms: on.bms, start: Date.UTC(2025, 2, 14, 12) * 1000 });
    const onPath = join(dir, 'mixed-on.btsnoop');
    const offPath = join(dir, 'mixed-off-aclonly.btsnoop');
    writeFileSync(onPath, on.bytes);
    writeFileSync(offPath, off.bytes);
    const res = analyze(await loadRounds([`on=${onPath}`, `off=${offPath}`]));
    expect(res.device).toBe(on.deviceAddress);
    expect(res.states.off!.messages).toBeGreaterThan(10);
    expect(top(res)!.c).toMatchObject({ byte: on.truth.byte, bit: on.truth.bit, label: null });
  });
});

describe('short recordings where slowly drifting numbers stay constant within each state', () => {
  // Modbus status register: charge (bit 0), discharge (bit 1, the switch) and balancing (bit 2, which
  // flickers mostly while discharging); SOC and capacity tick over between the recordings.
  it.each([
    [14, 3, 20],
    [5, 3, 5],
    [18, 2, 5],
    [20, 4, 5],
  ])('modbus seed %i, %i rounds of %i s: the discharge flag ranks first', (seed, n, seconds) => {
    const p = PROTOCOLS.modbus!;
    const on = simulateAttRounds({ protocol: p, switchOn: true, rounds: n, seed, seconds });
    const off = simulateAttRounds({ protocol: p, switchOn: false, rounds: n, seed: seed + 1, seconds, bms: on.bms, start: Date.UTC(2025, 2, 14, 11) * 1000 });
    const best = top(analyze([...on.rounds, ...off.rounds]))!;
    expect([best.c.byte, best.c.mask, best.g.length]).toEqual([p.truth.byte, '0x02', p.truth.length]);
  });
});
