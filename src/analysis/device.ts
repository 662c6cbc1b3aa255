// Which device and which handles to analyse: the peer present in every state with the most value traffic.
import { InputError } from '../errors.js';
import type { AttEvent, Direction, Round } from '../model.js';

const UNKNOWN = '(unknown)';

function peerKey(e: AttEvent): string {
  return e.peer ?? UNKNOWN;
}

/** Values the device sends (notifications, indications, read responses) weigh more than the app's writes. */
function weight(e: AttEvent): number {
  return e.dir === 'device-to-app' ? 1 : 0.25;
}

/** The peer with the most events (null when no event names a peer); the first seen wins a tie. */
export function busiestPeer(events: AttEvent[]): string | null {
  const counts = new Map<string, number>();
  for (const e of events) if (e.peer) counts.set(e.peer, (counts.get(e.peer) ?? 0) + 1);
  let best: string | null = null;
  let n = 0;
  for (const [peer, c] of counts) if (c > n) [best, n] = [peer, c];
  return best;
}

export interface DeviceChoice {
  /** Peer address, or null when the captures name no peer (ACL-only logs). */
  device: string | null;
  /** Peers seen, with their value counts, best first. */
  peers: { peer: string | null; events: number; states: number }[];
  /**
   * Events without a peer address count as the device's: some captures of the set name no peer
   * (ACL-only logs, text exports) while others do.
   */
  withUnknown: boolean;
}

export function chooseDevice(rounds: Round[], wanted?: string | null): DeviceChoice {
  const states = new Set(rounds.map((r) => r.state));
  const score = new Map<string, { w: number; n: number; states: Set<string> }>();
  for (const r of rounds) {
    for (const e of r.events) {
      const k = peerKey(e);
      let s = score.get(k);
      if (!s) score.set(k, (s = { w: 0, n: 0, states: new Set() }));
      s.w += weight(e);
      s.n++;
      s.states.add(r.state);
    }
  }
  const peers = [...score.entries()]
    .sort((a, b) => b[1].states.size - a[1].states.size || b[1].w - a[1].w)
    .map(([k, s]) => ({ peer: k === UNKNOWN ? null : k, events: s.n, states: s.states.size }));
  if (wanted) {
    const w = wanted.toLowerCase();
    if (!score.has(w)) {
      const seen = peers.map((p) => p.peer ?? UNKNOWN).join(', ') || 'none';
      throw new InputError(`device ${wanted} has no ATT values in these captures (peers seen: ${seen})`);
    }
    return { device: w, peers, withUnknown: unknownFills(score, w, states) };
  }
  if (peers.length === 0) throw new InputError('the captures hold no ATT values from any device; check that they contain BLE GATT traffic');
  // Prefer a named peer present in every state; an unnamed one only when no named one qualifies.
  const everywhere = peers.filter((p) => p.states === states.size);
  const named = peers.find((p) => p.peer !== null);
  // A named peer missing from some states, where only unnamed traffic exists, is the same device.
  if (everywhere.length === 0 || everywhere[0]!.peer === null) {
    if (named && unknownFills(score, named.peer!, states)) return { device: named.peer, peers, withUnknown: true };
  }
  const best = everywhere[0] ?? peers[0]!;
  // Unnamed traffic mostly on the handles of a named peer seen in every state is that peer's
  // (the ACL-only part of its log): the named peer is the device, and its unnamed part joins it.
  if (best.peer === null) {
    const same = everywhere.find((p) => p.peer !== null && sharesHandles(rounds, p.peer));
    if (same) return { device: same.peer, peers, withUnknown: false };
  }
  return { device: best.peer, peers, withUnknown: false };
}

/** Most of the unnamed values sit on handles where `peer` is named in the same log. */
function sharesHandles(rounds: Round[], peer: string): boolean {
  const own = logHandles(rounds, peer);
  let unnamed = 0;
  let onPeer = 0;
  for (const r of rounds) {
    const hs = own.get(r)!;
    for (const e of r.events) {
      if (e.peer !== null || e.dir !== 'device-to-app') continue;
      unnamed++;
      if (hs.has(e.handle)) onPeer++;
    }
  }
  return unnamed > 0 && onPeer * 2 > unnamed;
}

/** True when the peer plus the unnamed traffic covers every state and the peer alone does not. */
function unknownFills(score: Map<string, { states: Set<string> }>, peer: string, states: Set<string>): boolean {
  const p = score.get(peer)?.states ?? new Set<string>();
  const u = score.get(UNKNOWN)?.states ?? new Set<string>();
  if (p.size === states.size || u.size === 0) return false;
  return [...states].every((s) => p.has(s) || u.has(s));
}

/** Handles on which `device` is named in these events (its GATT table, as this log shows it). */
function handlesOf(events: AttEvent[], device: string): Set<number> {
  const hs = new Set<number>();
  for (const e of events) if (e.peer === device) hs.add(e.handle);
  return hs;
}

/**
 * The device's events, optionally only one handle (writes on every handle are kept: they delimit
 * requests). One identity across addressed and address-less traffic of one log: unnamed events on
 * the handles where the device is named are its own (the ACL-only parts of the same log).
 */
export function deviceEvents(events: AttEvent[], device: string | null, handle?: number | null, withUnknown = false, own?: Set<number>): AttEvent[] {
  const mine = ofDevice(events, device, withUnknown, own);
  return events.filter((e) => mine(e) && (handle === null || handle === undefined || e.handle === handle || e.dir === 'app-to-device'));
}

/** The test deviceEvents applies to each event; `own`: the device's handles in this log (learnt from these events when not given). */
export function ofDevice(events: AttEvent[], device: string | null, withUnknown = false, own?: Set<number>): (e: AttEvent) => boolean {
  const key = device ?? UNKNOWN;
  const handles = device !== null && !withUnknown ? (own ?? handlesOf(events, device)) : null;
  return (e) => peerKey(e) === key || (e.peer === null && (withUnknown || handles!.has(e.handle)));
}

/**
 * Per round: the handles on which the device is named anywhere in its log — every round cut from
 * the same capture (a window of the ACL-only part and a window of the addressed part are one log).
 */
export function logHandles(rounds: Round[], device: string | null): Map<Round, Set<number>> {
  const byLog = new Map<string, Set<number>>();
  const logOf = (r: Round, i: number): string => r.source.files.map((f) => f.sha256 || f.path).join('|') || `round:${i}`;
  rounds.forEach((r, i) => {
    const k = logOf(r, i);
    let hs = byLog.get(k);
    if (!hs) byLog.set(k, (hs = new Set()));
    if (device !== null) for (const e of r.events) if (e.peer === device) hs.add(e.handle);
  });
  return new Map(rounds.map((r, i) => [r, byLog.get(logOf(r, i))!]));
}

export interface StreamKey {
  handle: number;
  dir: Direction;
}

export function streamId(handle: number, dir: Direction): string {
  return `${handle}/${dir}`;
}
