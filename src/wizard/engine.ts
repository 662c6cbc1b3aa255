// The wizard's view of the other rooms: capture → ATT events (hci/), analysis (analysis/),
// simulated captures (sim/). Injected, so tests can wire their own (e.g. another format).
import { analyze } from '../analysis/analyze.js';
import type { AnalysisOptions, AnalysisResult } from '../analysis/types.js';
import { extractAttFromFile } from '../hci/extract-file.js';
import type { AttEvent, Connection, GattService, Round } from '../model.js';
import { toModelGatt } from '../sim/gatt.js';
import type { SwitchTruth } from '../sim/protocol.js';
import { getProtocol, PROTOCOLS } from '../sim/protocols/index.js';
import { simulateRounds } from '../sim/rounds.js';
import { SimulatedBms } from '../sim/state.js';
import { CAPTURE_FORMATS, FORMAT_EXTENSION, writeCapture, type SimCaptureFormat } from '../sim/writers/index.js';
import { InputError } from '../errors.js';

export interface ExtractedCapture {
  events: AttEvent[];
  result: { connections: Connection[]; warnings: string[] };
}

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
  extract(path: string): Promise<ExtractedCapture>;
  analyze(rounds: Round[], options: AnalysisOptions): AnalysisResult;
  simulate(options: SimulateOptions): SimulatedCapture;
  /** Protocol ids the simulator offers. */
  protocols(): string[];
}

// One battery per protocol and seed, kept across captures like the real one (its values drift on).
const batteries = new Map<string, SimulatedBms>();

/** A simulated phone app with the BMS (and a heart-rate strap nearby) written as real capture bytes. */
export function simulateCapture(o: SimulateOptions): SimulatedCapture {
  const protocol = getProtocol(o.protocol);
  if (!(CAPTURE_FORMATS as readonly string[]).includes(o.format)) throw new InputError(`unknown capture format '${o.format}' (known: ${CAPTURE_FORMATS.join(', ')})`);
  const format = o.format as SimCaptureFormat;
  const key = `${o.protocol}:${o.seed}`;
  const bms = batteries.get(key) ?? new SimulatedBms(protocol, { switchOn: o.switchOn, seed: o.seed });
  batteries.set(key, bms);
  // Ten minutes between recordings: the user sets the switch, verifies it, starts the capture.
  const variant = o.variant ?? 0;
  if (variant > 0) bms.advance(600_000);
  const start = (Date.UTC(2025, 2, 14, 10, 0, 0) + variant * 600_000) * 1000;
  const sim = simulateRounds({ protocol, switchOn: o.switchOn, rounds: o.rounds, seed: o.seed, otherDevice: true, bms, start });
  return { bytes: writeCapture(sim.packets, format), truth: protocol.truth, deviceAddress: sim.deviceAddress, extension: FORMAT_EXTENSION[format], gatt: toModelGatt(protocol.gatt) };
}

export const realEngine: Engine = {
  extract: (path) => extractAttFromFile(path),
  analyze,
  simulate: simulateCapture,
  protocols: () => Object.keys(PROTOCOLS),
};
