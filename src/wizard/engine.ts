// The wizard's view of the other rooms: capture → ATT events (hci/), analysis (analysis/),
// simulated captures (sim/). Injected, so tests can pass their own wiring.
import type { AnalysisOptions, AnalysisResult } from '../analysis/types.js';
import type { AttEvent, Connection, Round } from '../model.js';

export interface ExtractedCapture {
  capture: { format?: string; [more: string]: unknown };
  events: AttEvent[];
  result: { connections: Connection[]; warnings: string[]; [more: string]: unknown };
}

export interface SimulatedCapture {
  bytes: Buffer;
  truth: unknown;
  deviceAddress: string;
}

export interface SimulateOptions {
  protocol: string;
  switchOn: boolean;
  rounds: number;
  seed: number;
  format: string;
}

export interface Engine {
  extract(path: string): Promise<ExtractedCapture>;
  analyze(rounds: Round[], options: AnalysisOptions): AnalysisResult;
  simulate(options: SimulateOptions): SimulatedCapture | Promise<SimulatedCapture>;
  /** Protocol names the simulator offers. */
  protocols(): Promise<string[]>;
}

// Loaded by name at run time: these modules are built by other engineers in parallel.
async function load<T>(specifier: string, name: string): Promise<T> {
  const mod = (await import(specifier)) as Record<string, unknown>;
  const f = mod[name];
  if (f === undefined) throw new Error(`${specifier} does not export ${name}`);
  return f as T;
}

let cached: Engine | null = null;

export async function realEngine(): Promise<Engine> {
  if (cached) return cached;
  const extract = await load<Engine['extract']>('../hci/extract-file.js', 'extractAttFromFile');
  const analyze = await load<Engine['analyze']>('../analysis/analyze.js', 'analyze');
  const simMod = (await import('../sim/index.js' as string)) as Record<string, unknown>;
  const simulate = simMod.simulateCapture as Engine['simulate'];
  const PROTOCOLS = simMod.PROTOCOLS as Record<string, unknown> | string[] | undefined;
  cached = {
    extract: (path) => extract(path),
    analyze,
    simulate,
    protocols: async () => (Array.isArray(PROTOCOLS) ? PROTOCOLS.map(String) : Object.keys(PROTOCOLS ?? {})),
  };
  return cached;
}
