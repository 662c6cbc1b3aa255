// The one-call convenience for tests, the demo and the recorders: a capture file's bytes of
// `rounds` app sessions with a simulated BMS whose switch is on or off, plus the ground truth.
import type { HciPacket } from '../model.js';
import type { SwitchTruth } from './protocol.js';
import { getProtocol } from './protocols/index.js';
import { simulateRounds } from './rounds.js';
import type { SimulatedBms } from './state.js';
import { writeCapture, type SimCaptureFormat } from './writers/index.js';

export interface SimulateCaptureOptions {
  protocol: string;
  switchOn: boolean;
  rounds?: number;
  seed?: number;
  format?: SimCaptureFormat;
  otherDevice?: boolean;
  aclOnly?: boolean;
  seconds?: number;
  pollIntervalMs?: number;
  mtu?: number;
  deviceMtu?: number;
  aclFragment?: number;
  start?: number;
  bms?: SimulatedBms;
  /** Identity of the simulated battery (address, serial); default 1. */
  device?: number;
  /** The user flips the switch in the app during each round: seconds after subscribing. */
  toggles?: { atSeconds: number; on: boolean }[];
}

/** A stretch of the capture with one switch state, for time windows (`FILE@FROM..TO`). */
export interface StateWindow {
  on: boolean;
  /** Seconds from the capture's first record. */
  fromSeconds: number;
  toSeconds: number;
  /** Record numbers in the written file (1-based, inclusive). */
  fromRecord: number;
  toRecord: number;
}

export interface SimulatedCapture {
  bytes: Buffer;
  truth: SwitchTruth;
  deviceAddress: string;
  deviceName: string;
  otherAddress: string | null;
  packets: HciPacket[];
  format: SimCaptureFormat;
  bms: SimulatedBms;
  /** Stretches with one switch state (one window when nothing was toggled). */
  windows: StateWindow[];
}

/** Records a format writes before the first packet (btmon index records, PacketLogger notes). */
const LEADING_RECORDS: Record<SimCaptureFormat, number> = {
  btsnoop: 0,
  'btsnoop-1001': 0,
  btmon: 2,
  pklg: 2,
  'pklg-be': 2,
  'pcap-187': 0,
  'pcap-201': 0,
};

function stateWindows(packets: HciPacket[], firstOn: boolean, toggled: { t: number; on: boolean }[], lead: number): StateWindow[] {
  if (packets.length === 0) return [];
  const t0 = packets[0]!.t ?? 0;
  const out: StateWindow[] = [];
  let on = firstOn;
  let from = 0;
  const cut = (end: number) => {
    if (end <= from) return;
    const a = packets[from]!;
    const b = packets[end - 1]!;
    out.push({ on, fromSeconds: ((a.t ?? t0) - t0) / 1e6, toSeconds: ((b.t ?? t0) - t0) / 1e6, fromRecord: from + 1 + lead, toRecord: end + lead });
  };
  for (const tg of toggled) {
    // The new state holds from the packet that carries the app's switch command.
    const i = packets.findIndex((p) => (p.t ?? 0) >= tg.t);
    if (i < 0) break;
    cut(i);
    from = i;
    on = tg.on;
  }
  cut(packets.length);
  return out;
}

export function simulateCapture(o: SimulateCaptureOptions): SimulatedCapture {
  const protocol = getProtocol(o.protocol);
  const format = o.format ?? 'btsnoop';
  const r = simulateRounds({
    protocol,
    switchOn: o.switchOn,
    rounds: o.rounds ?? 3,
    seed: o.seed ?? 1,
    otherDevice: o.otherDevice,
    aclOnly: o.aclOnly,
    seconds: o.seconds,
    pollIntervalMs: o.pollIntervalMs,
    mtu: o.mtu,
    deviceMtu: o.deviceMtu,
    aclFragment: o.aclFragment,
    start: o.start,
    bms: o.bms,
    device: o.device,
    toggles: o.toggles,
  });
  return {
    bytes: writeCapture(r.packets, format),
    truth: protocol.truth,
    deviceAddress: r.deviceAddress,
    deviceName: protocol.advertisedName(r.bms.state.serial),
    otherAddress: r.otherAddress,
    packets: r.packets,
    format,
    bms: r.bms,
    windows: stateWindows(r.packets, o.switchOn, r.toggled, LEADING_RECORDS[format]),
  };
}
