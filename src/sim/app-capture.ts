// A simulated phone app with the BMS (and a heart-rate strap nearby) recorded by a simulated
// sniffer as real capture bytes: what the demo's round source and the wizard's engine use.
import { InputError } from '../errors.js';
import type { GattService } from '../model.js';
import { simulateCapture } from './capture.js';
import { toModelGatt } from './gatt.js';
import type { SwitchTruth } from './protocol.js';
import { getProtocol } from './protocols/index.js';
import { CAPTURE_FORMATS, FORMAT_EXTENSION, type SimCaptureFormat } from './writers/index.js';

export interface SimulateOptions {
  protocol: string;
  switchOn: boolean;
  /** App sessions (connections) in the capture. */
  rounds: number;
  /** Fixes the device (its address) and its battery. */
  seed: number;
  format: string;
  /** Another recording of the same device later on (each state, each redo): a later start time. */
  variant?: number;
}

export interface SimulatedCapture {
  bytes: Buffer;
  truth: SwitchTruth;
  deviceAddress: string;
  /** File name extension of the format, with the dot. */
  extension: string;
  gatt: GattService[];
}

/** A simulated phone app with the BMS (and a heart-rate strap nearby) written as real capture bytes. */
export function simulateAppCapture(o: SimulateOptions): SimulatedCapture {
  if (!(CAPTURE_FORMATS as readonly string[]).includes(o.format)) throw new InputError(`unknown capture format '${o.format}' (known: ${CAPTURE_FORMATS.join(', ')})`);
  const format = o.format as SimCaptureFormat;
  const protocol = getProtocol(o.protocol);
  // `seed` is the battery (address, serial); each recording (variant) has its own drifting values and time.
  const sim = simulateCapture({ protocol: o.protocol, switchOn: o.switchOn, rounds: o.rounds, seed: o.seed * 1000 + (o.variant ?? 0), device: o.seed, format, otherDevice: true });
  return { bytes: sim.bytes, truth: sim.truth, deviceAddress: sim.deviceAddress, extension: FORMAT_EXTENSION[format], gatt: toModelGatt(protocol.gatt) };
}

export type SimulateAppCapture = typeof simulateAppCapture;
