// The random cases of `npm run eval`: a protocol drawn from each seed (src/sim/random), 3 rounds
// per state, judged like every other case. A drawn protocol whose switch frame was not sent at
// least 3 times in each state cannot be decided from the data: its row is marked, not counted.
import { ATT_NOTIFICATION } from '../att.js';
import type { Round } from '../model.js';
import { drawSpec, describeSpec, type RandomSpec } from '../sim/random/spec.js';
import { randomDevice } from '../sim/random/protocol.js';
import { simulateAttRounds } from '../sim/att-rounds.js';
import { SimulatedBms } from '../sim/state.js';
import { Prng } from '../sim/prng.js';
import type { EvalCase } from './eval-cases.js';

/** How many random cases the plain table holds (from seed 1). */
export const DEFAULT_RANDOM = 20;

/** Cuts each round inside its first frame (after 1 to all but one of its notifications; a whole first value when frames are single values). */
function openMidFrame(rounds: Round[], seed: number, spec: RandomSpec): Round[] {
  const p = new Prng(seed ^ 0x5eed);
  const parts = Math.ceil(spec.types[0]!.length / spec.payload);
  return rounds.map((r) => {
    const first = r.events.findIndex((e) => e.dir === 'device-to-app' && e.opcode === ATT_NOTIFICATION);
    return first < 0 ? r : { ...r, events: r.events.slice(first + p.int(1, Math.max(1, parts - 1))) };
  });
}

export function randomCase(seed: number): EvalCase {
  const spec = drawSpec(seed);
  return {
    name: `random ${seed}: ${describeSpec(spec)}`,
    kind: 'random',
    async build() {
      const device = randomDevice(spec);
      const protocol = device.protocol;
      const bms = new SimulatedBms(protocol, { switchOn: true, seed });
      const state = (on: boolean): Round[] => {
        const { rounds } = simulateAttRounds({ protocol, switchOn: on, rounds: 3, seed: seed * 10 + (on ? 1 : 2), seconds: spec.seconds, pollIntervalMs: spec.intervalMs, bms });
        return spec.startMidFrame ? openMidFrame(rounds, seed * 10 + (on ? 1 : 2), spec) : rounds;
      };
      const rounds = [...state(true), ...state(false)];
      const t = protocol.truth;
      const { on, off } = device.switchFrames;
      const undecidable = on < 3 || off < 3 ? `the switch's frame was sent ${on}× on, ${off}× off` : null;
      return { rounds, options: {}, truth: { byte: t.byte, mask: t.mask, handle: t.handle, prefix: t.prefix, length: t.length, undecidable } };
    },
  };
}

export function randomCases(count: number, from = 1): EvalCase[] {
  return Array.from({ length: count }, (_, i) => randomCase(from + i));
}
