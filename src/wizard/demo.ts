// Did the demo find what the simulator hid? Compares the top candidate with the sim's truth.
import { hex0x } from '../hex.js';
import type { Session } from '../session/schema.js';
import type { Engine } from './engine.js';
import { SIM_DEFAULTS } from '../recorders/sim.js';

export interface DemoTruth {
  handle: number;
  prefix: string;
  byte: number;
  bit: number;
  mask: number;
  what?: string;
  rule?: string;
}

export async function demoTruth(session: Session, engine: Engine): Promise<DemoTruth> {
  const o = session.source?.options ?? {};
  const sim = engine.simulate({ protocol: o.protocol ?? SIM_DEFAULTS.protocol, switchOn: true, rounds: 1, seed: Number(o.seed ?? SIM_DEFAULTS.seed), format: o.format ?? SIM_DEFAULTS.format });
  return sim.truth;
}

export async function demoVerdict(session: Session, engine: Engine): Promise<{ found: boolean; text: string; truth: DemoTruth }> {
  const truth = await demoTruth(session, engine);
  const where = `byte ${truth.byte} bit ${truth.bit} (${hex0x(truth.mask)})`;
  const result = session.analysis?.result;
  // A finding holds the bits that move together with it: the switch may be one of them.
  const hit = (c: { group: string; byte: number; bit: number }): boolean => c.byte === truth.byte && c.bit === truth.bit && result?.groups.find((g) => g.id === c.group)?.handle === truth.handle;
  const rank = result ? result.candidates.findIndex((c) => hit(c) || (c.together ?? []).some(hit)) : -1;
  if (rank === 0) return { found: true, truth, text: `the simulated switch (${truth.what ?? 'switch'}, ${where}) is the top candidate` };
  return { found: false, truth, text: rank > 0 ? `the simulated switch (${where}) is candidate #${rank + 1}, not the first` : `the simulated switch (${where}) was not found` };
}
