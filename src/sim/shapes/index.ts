// Frame shapes that none of the simulated families has (issue 10): each a protocol model plus how
// its rounds are recorded. Used by `npm run eval`; not in PROTOCOLS (the wizard's and the format
// tests' families), since they are shapes, not products.
import type { Round } from '../../model.js';
import { simulateAttRounds } from '../att-rounds.js';
import { Prng } from '../prng.js';
import type { BmsProtocol } from '../protocol.js';
import type { SimulatedBms } from '../state.js';
import { longStream } from './long-stream.js';
import { modbusPieces } from './modbus-pieces.js';
import { rareStart } from './rare-start.js';
import { statusAcks } from './status-acks.js';
import { voltageFirst } from './voltage-first.js';

export interface FrameShape {
  protocol: BmsProtocol;
  /** The capture starts while the device streams: each round loses its leading values, up to inside a frame. */
  startMidFrame?: boolean;
  seconds: number;
}

export const SHAPES: Record<string, FrameShape> = {
  'voltage-first': { protocol: voltageFirst, seconds: 8 },
  'rare-start': { protocol: rareStart, seconds: 6 },
  'modbus-pieces': { protocol: modbusPieces, seconds: 6 },
  'long-stream': { protocol: longStream, startMidFrame: true, seconds: 8 },
  'status-acks': { protocol: statusAcks, seconds: 6 },
};

/** Three rounds of one state of a shape. */
export function shapeRounds(shape: FrameShape, o: { switchOn: boolean; seed: number; bms?: SimulatedBms; rounds?: number }): Round[] {
  const { rounds } = simulateAttRounds({ protocol: shape.protocol, switchOn: o.switchOn, rounds: o.rounds ?? 3, seed: o.seed, seconds: shape.seconds, bms: o.bms });
  if (!shape.startMidFrame) return rounds;
  const p = new Prng(o.seed ^ 0x5eed);
  return rounds.map((r) => {
    // Drop everything before the k-th value of the device's first burst (k = 2..8): the round opens inside a frame.
    const firstNotify = r.events.findIndex((e) => e.dir === 'device-to-app' && e.value.length >= 20);
    if (firstNotify < 0) return r;
    const cut = firstNotify + p.int(2, 8);
    return { ...r, events: r.events.slice(cut) };
  });
}
