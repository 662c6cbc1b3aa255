// The one-call convenience for tests, the demo and the recorders: a capture file's bytes of
// `rounds` app sessions with a simulated BMS whose switch is on or off, plus the ground truth.
import type { HciPacket } from '../model.js';
import type { SwitchTruth } from './protocol.js';
import { getProtocol } from './protocols/index.js';
import { simulateRounds } from './rounds.js';
import type { SimulatedBms } from './state.js';
import { hciToAir } from './air/convert.js';
import { LEADING_RECORDS, writeCapture, writePcapLl, type SimCaptureFormat } from './writers/index.js';
import { packetLoggerTextLines } from './writers/packetlogger-text.js';
import { nrfConnectLines } from './writers/nrfconnect-text.js';

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
  /** Reuse one connection handle for every round. */
  sameHandle?: boolean;
  /** LE Enhanced Connection Complete events (newer Android controllers). */
  enhanced?: boolean;
  /** Firmware behaviours (BmsProtocol.quirks), e.g. ['at-probe'] for JK. */
  quirks?: string[];
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

/** Windows of one state from the times of the file's records (µs, in record order). */
function stateWindows(times: number[], firstOn: boolean, toggled: { t: number; on: boolean }[]): StateWindow[] {
  if (times.length === 0) return [];
  const t0 = times[0]!;
  const out: StateWindow[] = [];
  let on = firstOn;
  let from = 0;
  const cut = (end: number) => {
    if (end <= from) return;
    out.push({ on, fromSeconds: (times[from]! - t0) / 1e6, toSeconds: (times[end - 1]! - t0) / 1e6, fromRecord: from + 1, toRecord: end });
  };
  for (const tg of toggled) {
    // The new state holds from the record that carries the app's switch command.
    const i = times.findIndex((t) => t >= tg.t);
    if (i < 0) break;
    cut(i);
    from = i;
    on = tg.on;
  }
  cut(times.length);
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
    sameHandle: o.sameHandle,
    enhanced: o.enhanced,
    quirks: o.quirks,
  });
  const deviceName = protocol.advertisedName(r.bms.state.serial);
  let bytes: Buffer;
  let times: number[];
  if (format === 'pcap-ll') {
    const names: Record<string, string> = { [r.deviceAddress]: deviceName };
    const services: Record<string, string> = { [r.deviceAddress]: protocol.gatt.service };
    if (r.otherAddress) [names[r.otherAddress], services[r.otherAddress]] = ['HRM-Pro', '180d'];
    const air = hciToAir(r.packets, { names, services, seed: o.seed ?? 1 });
    bytes = writePcapLl(air);
    times = air.map((a) => a.t);
  } else if (format === 'packetlogger-text') {
    const uuids: Record<number, string> = {};
    for (const sv of protocol.gatt.services) for (const c of sv.characteristics) uuids[c.handle] = c.uuid;
    const lines = packetLoggerTextLines(r.packets, { uuids: { [r.deviceAddress]: uuids } });
    bytes = Buffer.from(lines.map((l) => l.text + '\n').join(''), 'utf8');
    times = lines.map((l) => l.t);
  } else if (format === 'nrfconnect-text') {
    const uuids: Record<number, string> = {};
    for (const sv of protocol.gatt.services) {
      for (const c of sv.characteristics) {
        uuids[c.handle] = c.uuid;
        for (const d of c.descriptors) uuids[d.handle] = d.uuid;
      }
    }
    // Only value lines are records for the reader; the windows count lines, as its record numbers do.
    const lines = nrfConnectLines(r.packets, { peer: r.deviceAddress, name: deviceName, uuids });
    bytes = Buffer.from(lines.map((l) => l.text + '\n').join(''), 'utf8');
    times = lines.map((l) => l.t);
  } else {
    bytes = writeCapture(r.packets, format);
    const t0 = r.packets[0]?.t ?? 0;
    times = [...new Array<number>(LEADING_RECORDS[format]).fill(t0), ...r.packets.map((x) => x.t ?? t0)];
  }
  return {
    bytes,
    truth: protocol.truth,
    deviceAddress: r.deviceAddress,
    deviceName,
    otherAddress: r.otherAddress,
    packets: r.packets,
    format,
    bms: r.bms,
    windows: stateWindows(times, o.switchOn, r.toggled),
  };
}
