// The wizard's round check agrees with the analysis: a capture given to two states is flagged
// before the analysis (no "looks good", redo offered by default), and a round the analysis names
// as wrong (a near miss's odd round) is offered for redo by name in the results.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realEngine } from '../src/wizard/engine.js';
import { runWizard } from '../src/wizard/run.js';
import { scriptedIO, simulatedCapture } from './wizard-helpers.js';

let root: string;
let caps: { on: string; off: string };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bmsw-checks-'));
  const on = await simulatedCapture(join(root, 'captures'), 'on', { switchOn: true, seed: 11 });
  const off = await simulatedCapture(join(root, 'captures'), 'off', { switchOn: false, seed: 11 });
  caps = { on: on.file, off: off.file };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('round checks shared with the analysis', () => {
  it('a capture given to both states is flagged at once and its redo is the default', async () => {
    const s = scriptedIO([
      { q: /Name of the switch/, a: 'discharge switch' },
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'on' round 1/, a: caps.on },
      // The ON capture again, for OFF: flagged; the default answer (redo) is taken.
      { q: /Capture file\(s\) for 'off' round 1/, a: caps.on },
      { q: /Capture file\(s\) for 'off' round 1/, a: caps.off },
      { q: /What now/, a: 'accept' },
      { q: /Write the report/, a: false },
    ]);
    const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(root, 'twice'), mode: 'new', cwd: root });
    expect(s.left()).toEqual([]);
    const text = s.output.join('\n');
    expect(text).toMatch(/this round reads the same part of the capture as 'on' round 1 \(records #\d+\.\.#\d+\): the switch cannot differ between them/);
    // The flagged round was redone (the default), not kept.
    expect(session.rounds.filter((r) => r.state === 'off').every((r) => r.source.files[0]!.path === caps.off)).toBe(true);
    // No "looks good" under the flagged round.
    expect(text).not.toMatch(/reads the same part of the capture[^\n]*\n[^\n]*looks good/);
  });

  it('the results offer to redo by name the round a near miss points at, and redo it', async () => {
    const dir = join(root, 'captures');
    // One BMS (one seed), recordings of one app session each.
    const single = async (name: string, switchOn: boolean, variant: number) => (await simulatedCapture(dir, name, { switchOn, seed: 11, rounds: 1, variant })).file;
    const off1 = await single('off-1', false, 1);
    const wrong = await single('on-as-off-2', true, 2);
    const off2 = await single('off-2', false, 3);
    const off3 = await single('off-3', false, 4);
    const s = scriptedIO([
      { q: /Name of the switch/, a: 'discharge switch' },
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'on' round 1/, a: caps.on },
      { q: /Capture file\(s\) for 'off' round 1/, a: off1 },
      // Recorded with the switch still ON by mistake.
      { q: /Capture file\(s\) for 'off' round 2/, a: wrong },
      { q: /Capture file\(s\) for 'off' round 3/, a: off3 },
      { q: /What now/, a: { choose: /^Redo 'off' round 2 \(it disagrees with every other round/ } },
      { q: /Capture file\(s\) for 'off' round 2/, a: off2 },
      { q: /What now/, a: 'accept' },
      { q: /Write the report/, a: false },
    ]);
    const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(root, 'near'), mode: 'new', cwd: root });
    expect(s.left()).toEqual([]);
    expect(session.rounds.find((r) => r.state === 'off' && r.index === 2)!.source.files[0]!.path).toBe(off2);
    // With the round redone the switch is found, and no near miss is left for it.
    const top = session.analysis!.result.candidates.find((c) => c.label === null)!;
    expect(top.byte).toBe(24);
  });
});
