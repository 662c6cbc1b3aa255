// Rounds as ATT events, straight from the simulated sessions without building or parsing a
// capture: the same values, handles and times the capture readers and the ATT extractor give
// for simulateCapture() with the same options (fast, for analysis tests and benchmarks).
import { ATT_INDICATION, ATT_NOTIFICATION, ATT_READ_REQ, ATT_READ_RSP, ATT_WRITE_CMD, ATT_WRITE_REQ, attOpName } from '../att.js';
import type { AttEvent, Round } from '../model.js';
import { AttLog } from './link/timeline.js';
import { runSessions, type RoundsOptions } from './rounds.js';
import { SimulatedBms } from './state.js';

export interface AttRoundsOptions extends Omit<RoundsOptions, 'otherDevice' | 'aclOnly'> {
  /** State label of the rounds; default 'on' or 'off' from switchOn. */
  state?: string;
}

const VALUE_OPS = new Set([ATT_READ_RSP, ATT_WRITE_REQ, ATT_NOTIFICATION, ATT_INDICATION, ATT_WRITE_CMD]);

export function simulateAttRounds(o: AttRoundsOptions): { rounds: Round[]; bms: SimulatedBms; deviceAddress: string } {
  const bms = o.bms ?? new SimulatedBms(o.protocol, { switchOn: o.switchOn, seed: o.seed, device: o.device, quirks: o.quirks });
  bms.setSwitch(o.switchOn);
  const uuids = new Map<number, string>();
  for (const s of o.protocol.gatt.services) {
    for (const c of s.characteristics) {
      uuids.set(c.handle, c.uuid);
      for (const d of c.descriptors) uuids.set(d.handle, d.uuid);
    }
  }
  const rounds: Round[] = [];
  runSessions({ ...o, bms }, () => new AttLog(), (s, r) => {
    const events: AttEvent[] = [];
    let readHandle = 0;
    s.timeline.pdus.forEach((x, i) => {
      const op = x.pdu[0]!;
      if (op === ATT_READ_REQ) readHandle = x.pdu[1]! | (x.pdu[2]! << 8);
      if (!VALUE_OPS.has(op)) return;
      const h = op === ATT_READ_RSP ? readHandle : x.pdu[1]! | (x.pdu[2]! << 8);
      events.push({
        record: i + 1,
        t: x.t,
        conn: r + 1,
        peer: bms.address,
        dir: x.fromHost ? 'app-to-device' : 'device-to-app',
        op: attOpName(op),
        opcode: op,
        handle: h,
        uuid: uuids.get(h) ?? null,
        value: x.pdu.slice(op === ATT_READ_RSP ? 1 : 3),
      });
    });
    rounds.push({ state: o.state ?? (o.switchOn ? 'on' : 'off'), index: r + 1, source: { kind: 'sim', files: [], conn: r + 1, note: `simulated ${o.protocol.id}` }, events });
  });
  return { rounds, bms, deviceAddress: bms.address };
}
