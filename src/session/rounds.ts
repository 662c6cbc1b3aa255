// Between live rounds (AttEvent with byte values) and stored rounds (hex), and the per-round
// checks the wizard shows right after recording.
import { busiestPeer, deviceEvents } from '../analysis/device.js';
import { parseShownValue, type ShownValue } from '../analysis/shown.js';
import { parseHex, toHex } from '../hex.js';
import type { AttEvent, Connection, Round, SourceInfo } from '../model.js';
import type { Session, StoredConnection, StoredEvent, StoredRound } from './schema.js';

export function storeEvent(e: AttEvent): StoredEvent {
  return { record: e.record, t: e.t, conn: e.conn, peer: e.peer, dir: e.dir, op: e.op, opcode: e.opcode, handle: e.handle, uuid: e.uuid, value: toHex(e.value) };
}

export function loadEvent(e: StoredEvent): AttEvent {
  return { ...e, value: parseHex(e.value) ?? new Uint8Array(0) };
}

/** Events of `device` (as the analysis counts them); every event when the device is unknown or no event names a peer. */
export function eventsOfDevice(events: AttEvent[], device: string | null): AttEvent[] {
  if (device === null || !events.some((e) => e.peer !== null)) return events;
  return deviceEvents(events, device);
}

export interface RoundCheck {
  device: string | null;
  /** Connections to the device (or all connections when the device is unknown). */
  connections: number;
  messages: { fromDevice: number; toDevice: number };
  warnings: string[];
}

/**
 * What the user sees after a round: which device, how many connections and messages, and
 * warnings when the round looks wrong (no traffic, fewer connections than restarts, another device).
 */
export function checkRound(
  events: AttEvent[],
  connections: Connection[],
  expected: { device: string | null; restarts: number; otherRoundsDevice: string | null },
): RoundCheck {
  const seen = busiestPeer(events);
  const device = expected.device ?? seen;
  const mine = eventsOfDevice(events, device);
  const conns = device === null ? connections : connections.filter((c) => c.peer === device || c.peer === null);
  const connCount = conns.length > 0 ? conns.length : new Set(mine.map((e) => e.conn)).size;
  const fromDevice = mine.filter((e) => e.dir === 'device-to-app').length;
  const toDevice = mine.length - fromDevice;
  const warnings: string[] = [];
  if (mine.length === 0) {
    warnings.push(events.length === 0 ? 'no ATT traffic at all in this round: was the capture running while the app talked to the BMS?' : `no traffic from the device ${device ?? ''}: the capture holds other devices only`.replace('  ', ' '));
  } else if (fromDevice === 0) {
    warnings.push('the device sent nothing (no notifications or read responses): did the app reach the page with the switch?');
  }
  if (mine.length > 0 && connCount < expected.restarts) {
    warnings.push(`${connCount} connection${connCount === 1 ? '' : 's'} seen, fewer than the ${expected.restarts} app restart${expected.restarts === 1 ? '' : 's'} asked for`);
  }
  const reference = expected.device ?? expected.otherRoundsDevice;
  if (reference !== null && seen !== null && seen !== reference) {
    warnings.push(`the busiest device in this round is ${seen}, not ${reference} as in the other rounds`);
  }
  return { device, connections: connCount, messages: { fromDevice, toDevice }, warnings };
}

export function storeRound(args: {
  state: string;
  index: number;
  source: SourceInfo;
  device: string | null;
  events: AttEvent[];
  connections: Connection[];
  warnings: string[];
  /** What the app showed during the round (the shown-value grammar), when asked. */
  shown?: string[];
  now?: Date;
}): StoredRound {
  const mine = eventsOfDevice(args.events, args.device);
  const conns: StoredConnection[] = args.connections
    .filter((c) => args.device === null || c.peer === null || c.peer === args.device)
    .map((c) => ({ conn: c.conn, peer: c.peer, name: c.name, start: c.start, end: c.end }));
  return {
    state: args.state,
    index: args.index,
    source: args.source,
    recordedAt: (args.now ?? new Date()).toISOString(),
    device: args.device,
    connections: conns,
    otherEvents: args.events.length - mine.length,
    warnings: args.warnings,
    events: mine.map(storeEvent),
    shown: args.shown ?? [],
  };
}

/** Rounds as the analysis takes them, rebuilt from the session alone. */
export function sessionRounds(session: Session): Round[] {
  return session.rounds.map((r) => ({ state: r.state, index: r.index, source: r.source, events: r.events.map(loadEvent) }));
}

/** The values shown per round, in the order of sessionRounds() (parsed by the one grammar). */
export function sessionShown(session: Session): ShownValue[][] {
  return session.rounds.map((r, i) => (r.shown ?? []).map((v, k) => parseShownValue(v, `value ${k + 1} of round ${i + 1}`)));
}

/** A shown value as stored: its name (when given), number and unit ("soc=80%"). */
export function storedShown(v: ShownValue): string {
  return v.name ? `${v.name}=${v.text}` : v.text;
}

/** Replaces the round (state, index) or appends it. */
export function putRound(session: Session, round: StoredRound): void {
  const i = session.rounds.findIndex((r) => r.state === round.state && r.index === round.index);
  if (i >= 0) session.rounds[i] = round;
  else session.rounds.push(round);
}
