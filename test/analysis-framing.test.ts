// Framing as competing hypotheses judged by evidence (issue 10): a small subset of `npm run eval`,
// the same decision on halves of the data and next to a capture ten times bigger, `none` for whole
// messages, the app's writes never joined, and the runner-up reported (and worded per shell).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { deviceFrames } from '../src/analysis/known/device-frames.js';
import { assemble, describeRule } from '../src/analysis/frames.js';
import type { AnalysisResult } from '../src/analysis/types.js';
import { wordNote } from '../src/analysis/wording.js';
import { shapeCases, simCases } from '../src/bench/eval-cases.js';
import { runEval } from '../src/bench/eval-run.js';
import { FLAG_WORDS } from '../src/commands/analyze.js';
import { loadRounds } from '../src/recorders/files.js';
import { extractAttFromFile } from '../src/hci/extract-file.js';
import type { Round } from '../src/model.js';
import { SimulatedBms } from '../src/sim/index.js';
import { SHAPES, shapeRounds } from '../src/sim/shapes/index.js';
import { MENU_WORDS } from '../src/wizard/view.js';

function shapeInput(id: string, seed: number, perState = 3): { rounds: Round[]; bms: SimulatedBms } {
  const shape = SHAPES[id]!;
  const bms = new SimulatedBms(shape.protocol, { switchOn: true, seed });
  const on = shapeRounds(shape, { switchOn: true, seed: seed * 10 + 1, bms, rounds: perState });
  const off = shapeRounds(shape, { switchOn: false, seed: seed * 10 + 2, bms, rounds: perState });
  return { rounds: [...on, ...off], bms };
}

const deviceFraming = (res: AnalysisResult, handle: number): string | undefined => res.framing.find((f) => f.handle === handle && f.dir === 'device-to-app')?.chosen.rule;

describe('eval subset: every frame shape and two families, seed 1', () => {
  it('ranks the true bit first in each case', async () => {
    const cases = [...shapeCases([1]), ...simCases([1]).filter((c) => /jbd|jk/.test(c.name))];
    const rows = await runEval(cases);
    expect(rows.filter((r) => !r.pass).map((r) => `${r.name}: ${r.framing} ${r.note}`)).toEqual([]);
    expect(rows.length).toBe(Object.keys(SHAPES).length + 2);
  });
});

describe('the framing decision rests on shares, not on how much data is given', () => {
  for (const id of Object.keys(SHAPES)) {
    it(`${id}: the first and the second half of the rounds get the framing of all of them`, () => {
      const { rounds } = shapeInput(id, 2, 4);
      const handle = SHAPES[id]!.protocol.truth.handle;
      const all = deviceFraming(analyze(rounds), handle);
      const byState = (part: 0 | 1) => ['on', 'off'].flatMap((st) => rounds.filter((r) => r.state === st).filter((_, i) => (i < 2) === (part === 0)));
      expect(all).toBeDefined();
      expect(deviceFraming(analyze(byState(0)), handle)).toBe(all);
      expect(deviceFraming(analyze(byState(1)), handle)).toBe(all);
    });
  }
  for (const id of ['long-stream', 'rare-start', 'modbus-pieces']) {
    it(`${id}: a capture alone and next to one ten times bigger is cut alike`, () => {
      const small = shapeInput(id, 3, 1).rounds;
      const big = shapeInput(id, 4, 10).rounds.map((r) => ({ ...r, state: `${r.state}-big` }));
      const handle = SHAPES[id]!.protocol.truth.handle;
      const alone = deviceFraming(analyze(small), handle);
      expect(alone).toBeDefined();
      expect(deviceFraming(analyze([...small, ...big]), handle)).toBe(alone);
    });
  }
});

describe('hypotheses and their evidence', () => {
  it('values that are whole fixed-length messages starting with a number: none wins', () => {
    const res = analyze(shapeInput('voltage-first', 5).rounds);
    const f = res.framing.find((x) => x.dir === 'device-to-app' && x.handle === SHAPES['voltage-first']!.protocol.truth.handle)!;
    expect(f.chosen.rule).toBe('none');
    expect(f.chosen.evidence.oneLength).toBe(1);
  });
  it('the app\'s writes are never joined, even where the device\'s answers are', () => {
    const res = analyze(shapeInput('modbus-pieces', 1).rounds);
    const app = res.groups.filter((g) => g.dir === 'app-to-device' && g.handle === SHAPES['modbus-pieces']!.protocol.gatt.writeHandle);
    expect(app.length).toBeGreaterThan(0);
    expect(app.every((g) => g.frames === 'none' && g.lengths.max === 8)).toBe(true);
    expect(res.framing.some((f) => f.dir === 'app-to-device')).toBe(false);
  });
  it('reports the chosen rule and the runner-up with their evidence; checksums decide the rare start byte', () => {
    const res = analyze(shapeInput('rare-start', 1).rounds);
    const f = res.framing.find((x) => x.dir === 'device-to-app' && x.handle === SHAPES['rare-start']!.protocol.truth.handle)!;
    expect(f.chosen.rule).toMatch(/^marker:7b(01)?\+length/);
    expect(f.chosen.evidence.checksum).toBeGreaterThan(0.9);
    expect(f.runnerUp).not.toBeNull();
    expect(f.runnerUp!.evidence.score).toBeLessThan(f.chosen.evidence.score);
    expect(f.runnerUp!.evidence.checksum).toBeLessThan(0.5);
  });
  it('a close call is a note; analyze names --frames, the wizard its framing setting', () => {
    const res = analyze(shapeInput('voltage-first', 1).rounds);
    const note = res.notes.find((n) => n.code === 'framing-close');
    expect(note).toMatchObject({ code: 'framing-close', chosen: 'none' });
    expect(wordNote(note!, FLAG_WORDS)).toMatch(/close call: none .* try --frames \S+$/);
    const wizard = wordNote(note!, MENU_WORDS);
    expect(wizard).not.toMatch(/--/);
    expect(wizard).toMatch(/framing \S+ \(analysis settings\)$/);
  });
  it('an explicit framing setting is used as given, with no hypotheses reported', () => {
    const res = analyze(shapeInput('rare-start', 1).rounds, { frames: { kind: 'none' } });
    expect(res.framing).toEqual([]);
    expect(res.groups.every((g) => g.frames === 'none')).toBe(true);
  });
});

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/captures');
const HAVE_CORPUS = existsSync(join(CORPUS, 'MANIFEST.md'));

// The same frames, whichever rule text names them (request+length and marker+length may cut alike).
describe.skipIf(!HAVE_CORPUS)('real captures: each half is cut into the frames the whole capture gives', () => {
  // ant_ble24bhub (issue 10, failure 5) held only once frames that lost a notification stopped
  // swallowing the next frame's start and the tail of a frame a half began inside stopped counting
  // against the marker rule's coverage.
  for (const name of ['jbd_sp04s034_l4s_200a_b_u.btsnoop', 'ant_ble24bhub.btsnoop', 'jk_bd6a17s6p_sw710h.btsnoop', 'jk_heating_start_stop_setting.btsnoop', 'lumentree_inverter.btsnoop', 'seplos_v2_1101-10E-SP76-16S.btsnoop']) {
    it(name, async () => {
      const file = join(CORPUS, name);
      const { capture } = await extractAttFromFile(file);
      const half = Math.floor(capture.records / 2);
      const whole = new Map((await deviceFrames(await loadRounds([`x=${file}`]))).streams.filter((s) => s.dir === 'device-to-app').map((s) => [s.handle, s.rule]));
      for (const window of [`@#1..#${half}`, `@#${half + 1}..`]) {
        for (const s of deviceFrames(await loadRounds([`x=${file}${window}`])).streams) {
          const rule = whole.get(s.handle);
          if (s.dir !== 'device-to-app' || s.frames.length < 20 || !rule) continue;
          const own = new Map<string, number>();
          for (const f of s.frames) own.set(Buffer.from(f.bytes).toString('hex'), (own.get(Buffer.from(f.bytes).toString('hex')) ?? 0) + 1);
          let same = 0;
          const byWhole = s.values.flatMap((v) => assemble(v, rule));
          for (const f of byWhole) {
            const k = Buffer.from(f.bytes).toString('hex');
            const n = own.get(k) ?? 0;
            if (n > 0) {
              same++;
              own.set(k, n - 1);
            }
          }
          expect(same / Math.max(byWhole.length, s.frames.length), `${window} handle 0x${s.handle.toString(16)}: ${s.ruleText} vs ${describeRule(rule)}`).toBeGreaterThanOrEqual(0.95);
        }
      }
    });
  }
});
