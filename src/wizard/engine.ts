// The wizard's view of the other rooms: capture → ATT events (hci/), analysis (analysis/),
// simulated captures (sim/). Injected, so tests can wire their own (e.g. another format).
import { analyze } from '../analysis/analyze.js';
import type { AnalysisOptions, AnalysisResult } from '../analysis/types.js';
import { readCaptureFile } from '../capture/read.js';
import { CaptureError } from '../errors.js';
import { createAttExtractor } from '../hci/extractor.js';
import type { HandleInfo } from '../hci/types.js';
import type { AttEvent, Connection, GattService, Micros, Round } from '../model.js';
import { toModelGatt } from '../sim/gatt.js';
import type { SwitchTruth } from '../sim/protocol.js';
import { getProtocol, PROTOCOLS } from '../sim/protocols/index.js';
import { simulateCapture } from '../sim/capture.js';
import { CAPTURE_FORMATS, FORMAT_EXTENSION, writeCapture, type SimCaptureFormat } from '../sim/writers/index.js';
import { InputError } from '../errors.js';

export interface ExtractedCapture {
  events: AttEvent[];
  result: { connections: Connection[]; warnings: string[]; handles: HandleInfo[] };
  /** Time of the first record (windows in seconds count from it), or null. */
  start: Micros;
}

/** A capture through the real readers and the ATT extractor; a damaged capture keeps what came before the damage. */
export async function extractCapture(path: string): Promise<ExtractedCapture> {
  const events: AttEvent[] = [];
  let start: Micros = null;
  let first = true;
  const x = createAttExtractor((e) => events.push(e));
  let capture;
  try {
    capture = await readCaptureFile(path, (p) => {
      if (first) {
        start = p.t;
        first = false;
      }
      x.push(p);
    });
  } catch (err) {
    if (err instanceof CaptureError && !err.detail.file) throw err.inFile(path);
    throw err;
  }
  const result = x.finish();
  const warnings = [...result.warnings];
  if (capture.damage) warnings.push(`${capture.damage.message}; the ${capture.records} records before it are used`);
  return { events, result: { connections: result.connections, handles: result.handles, warnings }, start: start ?? events[0]?.t ?? null };
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
  extract: extractCapture,
  analyze,
  simulate,
  protocols: () => Object.keys(PROTOCOLS),
};
