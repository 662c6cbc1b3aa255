// Scale: long recordings are analysed without a crash, and a capture too big for the heap is
// refused in one sentence that names the limit (never a native abort).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { makeRounds } from '../src/bench/analysis.js';
import { InputError } from '../src/errors.js';
import { extractWithinBudget, loadCaptures } from '../src/recorders/files.js';
import { realEngine } from '../src/wizard/engine.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bmsw-scale-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('analysis scale', () => {
  it('200 000 messages (more than a call takes as spread arguments) are analysed', () => {
    const res = analyze(makeRounds(200_000));
    expect(res.states.on!.messages + res.states.off!.messages).toBe(200_000);
    expect(res.candidates.find((c) => c.label === null)).toMatchObject({ byte: 199, mask: '0x01' });
  });

  it('more values than the heap can hold: one sentence with the limit and the way around it', async () => {
    const sim = realEngine.simulate({ protocol: 'jbd', switchOn: true, rounds: 1, seed: 3, format: 'btsnoop', variant: 0 });
    const file = join(dir, `big${sim.extension}`);
    await writeFile(file, sim.bytes);
    const all = await loadCaptures([`on=${file}`]);
    const values = all.rounds.reduce((n, r) => n + r.events.length, 0);
    expect(values).toBeGreaterThan(20);
    await expect(loadCaptures([`on=${file}`, `off=${file}`], { maxValues: values })).resolves.toBeDefined();
    const err = await loadCaptures([`on=${file}`], { maxValues: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^.*big\.btsnoop: the captures hold more than 20 ATT values, the most this process can analyse with its [\d.]+ GiB heap; split the capture into smaller files, or give Node more heap \(NODE_OPTIONS=--max-old-space-size=\d+\)$/);
  });

  it("the wizard's capture door refuses in the same sentence what the heap could not hold", async () => {
    const sim = realEngine.simulate({ protocol: 'jbd', switchOn: true, rounds: 1, seed: 3, format: 'btsnoop', variant: 0 });
    const file = join(dir, `wizard${sim.extension}`);
    await writeFile(file, sim.bytes);
    const whole = await realEngine.extract(file);
    expect(whole.events.length).toBeGreaterThan(20);
    await expect(extractWithinBudget(file, whole.events.length)).resolves.toMatchObject({ events: { length: whole.events.length } });
    const err = await extractWithinBudget(file, 20).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/wizard\.btsnoop: the captures hold more than 20 ATT values, the most this process can analyse with its [\d.]+ GiB heap; split the capture into smaller files, or give Node more heap/);
  });
});
