// Several app sessions (one per app restart) with one simulated BMS in one capture, optionally
// with an unrelated device connected the whole time.
import { HCI_ACL, type HciPacket } from '../model.js';
import { heartRateStrap } from './other-device.js';
import { Prng } from './prng.js';
import { Timeline, type TrafficSink } from './link/timeline.js';
import type { BmsProtocol } from './protocol.js';
import { appSessionInto, type AppSessionOptions, type SessionResult } from './session.js';
import { SimulatedBms } from './state.js';

export interface RoundsOptions extends Omit<AppSessionOptions, 'start' | 'seed' | 'deviceAddress' | 'connectionHandle'> {
  protocol: BmsProtocol;
  switchOn: boolean;
  rounds: number;
  seed: number;
  /** µs since the Unix epoch; default a fixed date shifted by the seed. */
  start?: number;
  /** Adds a heart-rate strap on its own connection. */
  otherDevice?: boolean;
  /** Use an existing simulated BMS (to keep its state across captures). */
  bms?: SimulatedBms;
  /** Identity of a new simulated BMS (address, serial); default 1. */
  device?: number;
  /** Firmware behaviours of a new simulated BMS (BmsProtocol.quirks). */
  quirks?: string[];
  /** Reuse one connection handle for every round (many controllers hand out the same one again). */
  sameHandle?: boolean;
}

export interface RoundsResult {
  packets: HciPacket[];
  deviceAddress: string;
  otherAddress: string | null;
  bms: SimulatedBms;
  mtu: number;
  /** Switch commands the app wrote (from `toggles`), µs. */
  toggled: { t: number; on: boolean }[];
}

/**
 * Runs `rounds` app sessions with one battery, each into a fresh sink, with the app restarts in
 * between. Shared by simulateRounds (HCI packets) and simulateAttRounds (ATT events only), so both
 * draw the same random numbers in the same order and give the same traffic.
 */
export function runSessions<S extends TrafficSink>(
  o: RoundsOptions,
  sink: () => S,
  each: (s: SessionResult<S>, round: number) => void,
): { bms: SimulatedBms; start: number; end: number } {
  const p = new Prng(o.seed);
  const bms = o.bms ?? new SimulatedBms(o.protocol, { switchOn: o.switchOn, seed: o.seed, device: o.device, quirks: o.quirks });
  bms.setSwitch(o.switchOn);
  const start = o.start ?? (Date.UTC(2025, 2, 14, 10, 0, 0) + (o.seed % 1000) * 60_000) * 1000;
  let t = start + 2_000_000;
  let handle = 0x0040 + p.int(0, 8);
  for (let r = 0; r < o.rounds; r++) {
    const s = appSessionInto(sink(), bms, { ...o, start: t, seed: p.int(1, 1 << 30), deviceAddress: bms.address, connectionHandle: handle });
    each(s, r);
    // The user restarts the app: a few seconds without a connection; the controller usually hands out a new handle.
    const gap = p.int(2000, 6000);
    bms.advance((s.end - t) / 1000 + gap);
    t = s.end + gap * 1000;
    const next = 0x0040 + ((handle - 0x0040 + 1 + p.int(0, 3)) & 0x3f);
    if (!o.sameHandle) handle = next;
  }
  return { bms, start, end: t };
}

export function simulateRounds(o: RoundsOptions): RoundsResult {
  const all = new Timeline();
  let mtu = 23;
  const toggled: { t: number; on: boolean }[] = [];
  const { bms, start, end } = runSessions(o, () => new Timeline(), (s) => {
    all.merge(s.timeline);
    mtu = s.mtu;
    toggled.push(...s.toggled);
  });
  let otherAddress: string | null = null;
  if (o.otherDevice) {
    const other = heartRateStrap({ start, end, seed: o.seed, aclOnly: o.aclOnly });
    all.merge(other.timeline);
    otherAddress = other.address;
  }
  let packets = all.packets();
  if (o.aclOnly) packets = packets.filter((x) => x.type === HCI_ACL).map((x, i) => ({ ...x, record: i + 1 }));
  return { packets, deviceAddress: bms.address, otherAddress, bms, mtu, toggled };
}
