// The device's frames per stream, cut the way the analysis cuts them (same device choice, same
// learnt frame rule), for checks that need whole frames rather than bit statistics.
import { buildStreams } from '../analyze.js';
import { chooseDevice } from '../device.js';
import { chooseRule } from '../frame-hypotheses.js';
import type { StreamValues } from '../frame-learning.js';
import { assemble, describeRule, type FrameRule, type StreamValue } from '../frames.js';
import type { Direction, Round } from '../../model.js';
import type { Frame } from '../types.js';

export interface DeviceStream {
  handle: number;
  dir: Direction;
  /** Characteristic UUID of the handle when discovery was seen. */
  uuid: string | null;
  /** The stream's values per round, in order (what a different frame rule may re-cut). */
  values: StreamValue[][];
  /** Index (into the rounds given) of each entry of `values`. */
  rounds: number[];
  rule: FrameRule;
  ruleText: string;
  frames: Frame[];
}

export interface DeviceFrames {
  device: string | null;
  streams: DeviceStream[];
  /** Characteristic UUIDs of the device's handles with traffic (lowercase, 16-bit as 4 hex digits). */
  uuids: string[];
}

/** The first `max` values of a stream's rounds (all when max is Infinity). */
export function limit(rounds: readonly StreamValues[], max: number): StreamValue[][] {
  const out: StreamValue[][] = [];
  let left = max;
  for (const r of rounds) {
    if (left <= 0) break;
    out.push(Array.isArray(r) && r.length <= left ? (r as StreamValue[]) : r.slice(0, Math.min(r.length, left)));
    left -= r.length;
  }
  return out;
}

/** Frames of the device the analysis would choose, per handle and direction (device's own first), from at most maxValues values per stream. */
export function deviceFrames(rounds: Round[], maxValues = Infinity): DeviceFrames {
  const withEvents = rounds.filter((r) => r.events.length > 0);
  if (withEvents.length === 0) return { device: null, streams: [], uuids: [] };
  const { device, withUnknown } = chooseDevice(withEvents);
  const uuidOf = new Map<number, string>();
  for (const r of withEvents) for (const e of r.events) if (e.uuid && !uuidOf.has(e.handle)) uuidOf.set(e.handle, e.uuid);
  const streams: DeviceStream[] = [];
  for (const s of buildStreams(withEvents, device, withUnknown).values()) {
    const order = [...s.values.keys()].sort((a, b) => a - b);
    const values = limit(order.map((i) => s.values.get(i)!), maxValues);
    const { rule } = chooseRule(values, { kind: 'auto' }, s.dir === 'app-to-device');
    const frames = values.flatMap((v) => assemble(v, rule));
    streams.push({ handle: s.handle, dir: s.dir, uuid: uuidOf.get(s.handle) ?? null, values, rounds: order.slice(0, values.length).map((i) => rounds.indexOf(withEvents[i]!)), rule, ruleText: describeRule(rule), frames });
  }
  streams.sort((a, b) => Number(a.dir === 'app-to-device') - Number(b.dir === 'app-to-device') || b.frames.length - a.frames.length);
  const uuids = new Set<string>();
  for (const s of streams) if (s.uuid) uuids.add(s.uuid);
  return { device, streams, uuids: [...uuids].sort() };
}
