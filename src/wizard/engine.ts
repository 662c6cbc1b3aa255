// The wizard's view of the other rooms: capture → ATT events (hci/), analysis (analysis/),
// simulated captures (sim/). Injected, so tests can wire their own (e.g. another format).
import { analyze } from '../analysis/analyze.js';
import type { AnalysisOptions, AnalysisResult } from '../analysis/types.js';
import { extractAttFromFile, type ExtractFile } from '../hci/extract-file.js';
import type { GattService, Round } from '../model.js';
import { toModelGatt } from '../sim/gatt.js';
import type { SwitchTruth } from '../sim/protocol.js';
import { getProtocol, PROTOCOLS } from '../sim/protocols/index.js';
import { simulateCapture } from '../sim/capture.js';
import { CAPTURE_FORMATS, FORMAT_EXTENSION, type SimCaptureFormat } from '../sim/writers/index.js';
import { InputError } from '../errors.js';

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

export interface Engine {
  /** The one door from a capture file to events (hci/extract-file). */
  extract: ExtractFile;
  analyze(rounds: Round[], options: AnalysisOptions): AnalysisResult;
  simulate(options: SimulateOptions): SimulatedCapture;
  /** Protocol ids the simulator offers. */
  protocols(): string[];
}

/** A simulated phone app with the BMS (and a heart-rate strap nearby) written as real capture bytes. */
export function simulate(o: SimulateOptions): SimulatedCapture {
  if (!(CAPTURE_FORMATS as readonly string[]).includes(o.format)) throw new InputError(`unknown capture format '${o.format}' (known: ${CAPTURE_FORMATS.join(', ')})`);
  const format = o.format as SimCaptureFormat;
  const protocol = getProtocol(o.protocol);
  // `seed` is the battery (address, serial); each recording (variant) has its own drifting values and time.
  const sim = simulateCapture({ protocol: o.protocol, switchOn: o.switchOn, rounds: o.rounds, seed: o.seed * 1000 + (o.variant ?? 0), device: o.seed, format, otherDevice: true });
  return { bytes: sim.bytes, truth: sim.truth, deviceAddress: sim.deviceAddress, extension: FORMAT_EXTENSION[format], gatt: toModelGatt(protocol.gatt) };
}

export const realEngine: Engine = {
  extract: extractAttFromFile,
  analyze,
  simulate,
  protocols: () => Object.keys(PROTOCOLS),
};
