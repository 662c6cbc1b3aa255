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
  };
}
