// What the analysis leaves out, named with why: whole rounds without the device's values, and the
// values of other devices (or other handles, when one handle is asked for). Nothing is dropped
// without a word.
import type { Round } from '../model.js';
import { logHandles, ofDevice } from './device.js';
import type { LeftOut } from './types.js';

/** Peers named per left-out part: the busiest few. */
const MAX_PEERS = 3;

function busiest(counts: Map<string | null, number>): (string | null)[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_PEERS)
    .map(([p]) => p);
}

export function leftOut(rounds: Round[], device: string | null, withUnknown: boolean, handle: number | null): LeftOut {
  const out: LeftOut = { rounds: [], values: { otherDevices: 0, otherHandles: 0, peers: [] } };
  const peers = new Map<string | null, number>();
  const own = logHandles(rounds, device);
  rounds.forEach((r, i) => {
    const isMine = ofDevice(r.events, device, withUnknown, own.get(r));
    const roundPeers = new Map<string | null, number>();
    let mine = 0;
    let onHandle = 0;
    let offHandle = 0;
    for (const e of r.events) {
      if (!isMine(e)) roundPeers.set(e.peer, (roundPeers.get(e.peer) ?? 0) + 1);
      else {
        mine++;
        if (handle === null || e.handle === handle) onHandle++;
        else if (e.dir === 'device-to-app') offHandle++;
      }
    }
    const base = { round: i, state: r.state, index: r.index, values: r.events.length };
    if (r.events.length === 0) out.rounds.push({ ...base, reason: 'empty', peers: [] });
    else if (mine === 0) out.rounds.push({ ...base, reason: 'other-devices', peers: busiest(roundPeers) });
    else if (onHandle === 0) out.rounds.push({ ...base, reason: 'other-handles', peers: [] });
    else {
      out.values.otherDevices += r.events.length - mine;
      out.values.otherHandles += offHandle;
      for (const [p, n] of roundPeers) peers.set(p, (peers.get(p) ?? 0) + n);
    }
  });
  out.values.peers = busiest(peers);
  return out;
}
