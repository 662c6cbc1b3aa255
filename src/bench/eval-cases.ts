// The labelled cases of `npm run eval`: every simulated family and frame shape over several seeds,
// and, when the shared corpus is present, the real captures whose switch is known (MANIFEST.md).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisOptions } from '../analysis/types.js';
import type { Round } from '../model.js';
import { PROTOCOLS, SimulatedBms, simulateAttRounds, type BmsProtocol } from '../sim/index.js';
import { SHAPES, shapeRounds } from '../sim/shapes/index.js';

/** Where the true switch is: the analysis must rank it first among the unlabelled candidates. */
export interface EvalTruth {
  byte: number;
  mask: number;
  /** The handle of the frames that carry it (null: any). */
  handle: number | null;
  /** Hex the group's frames start with (either is a prefix of the other), or null. */
  prefix: string | null;
  /** Length of the true frame, when known: a miss where no group has it is a framing miss. */
  length?: number;
  /** Why the data cannot tell the switch (a random protocol that never sent it): the row is not counted. */
  undecidable?: string | null;
}

export interface EvalInput {
  rounds: Round[];
  options: AnalysisOptions;
  truth: EvalTruth;
}

export interface EvalCase {
  name: string;
  kind: 'sim' | 'shape' | 'random' | 'corpus';
  build(): Promise<EvalInput>;
}

export const SEEDS = [1, 2, 3];

function protocolCase(name: string, kind: EvalCase['kind'], protocol: BmsProtocol, seed: number, rounds: (switchOn: boolean, bms: SimulatedBms) => Round[]): EvalCase {
  return {
    name,
    kind,
    async build() {
      const bms = new SimulatedBms(protocol, { switchOn: true, seed });
      const on = rounds(true, bms);
      const off = rounds(false, bms);
      const t = protocol.truth;
      return { rounds: [...on, ...off], options: {}, truth: { byte: t.byte, mask: t.mask, handle: t.handle, prefix: t.prefix, length: t.length } };
    },
  };
}

/** Each simulated family, 3 rounds per state of 6 s, for each seed. */
export function simCases(seeds = SEEDS): EvalCase[] {
  const out: EvalCase[] = [];
  for (const [id, protocol] of Object.entries(PROTOCOLS)) {
    for (const seed of seeds) {
      out.push(protocolCase(`sim ${id} seed ${seed}`, 'sim', protocol, seed, (switchOn, bms) => simulateAttRounds({ protocol, switchOn, rounds: 3, seed: seed * 10 + (switchOn ? 1 : 2), seconds: 6, bms }).rounds));
    }
  }
  return out;
}

/** Each frame shape that none of the families has (src/sim/shapes), for each seed. */
export function shapeCases(seeds = SEEDS): EvalCase[] {
  const out: EvalCase[] = [];
  for (const shape of Object.values(SHAPES)) {
    for (const seed of seeds) {
      out.push(protocolCase(`shape ${shape.protocol.id} seed ${seed}`, 'shape', shape.protocol, seed, (switchOn, bms) => shapeRounds(shape, { switchOn, seed: seed * 10 + (switchOn ? 1 : 2), bms })));
    }
  }
  return out;
}

export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/captures');

export function haveCorpus(dir = CORPUS_DIR): boolean {
  return existsSync(join(dir, 'MANIFEST.md'));
}

interface CorpusSpec {
  name: string;
  file: string;
  /** --state arguments with FILE standing for the capture's path. */
  states: string[];
  truth: EvalTruth;
  /** Settings other than the defaults, only where a state has a single message (a window of one answer). */
  options?: AnalysisOptions;
}

// Labelled as in test/analysis-corpus.test.ts (MANIFEST.md gives the records of each write).
const lumentreeWindow = (from: number): string => `FILE@#${from + 3}..#${from + 18}`;
const CORPUS_SPECS: CorpusSpec[] = [
  { name: 'lumentree register 166', file: 'lumentree_inverter.btsnoop', states: ['off=FILE@#723..#738', 'on=FILE@#742..#757'], truth: { byte: 36, mask: 0x01, handle: null, prefix: '010372' }, options: { minSupport: 1 } },
  { name: 'lumentree register 165', file: 'lumentree_inverter.btsnoop', states: ['off=FILE@#761..#776', 'on=FILE@#780..#795'], truth: { byte: 34, mask: 0x01, handle: null, prefix: '010372' }, options: { minSupport: 1 } },
  { name: 'lumentree register 168', file: 'lumentree_inverter.btsnoop', states: [`off=${lumentreeWindow(853)}`, `on=${lumentreeWindow(872)}`], truth: { byte: 40, mask: 0x01, handle: null, prefix: '010372' }, options: { minSupport: 1 } },
  { name: 'lumentree register 150 = 4/5', file: 'lumentree_inverter.btsnoop', states: [`four=${lumentreeWindow(932)}`, `five=${lumentreeWindow(951)}`], truth: { byte: 4, mask: 0x01, handle: null, prefix: '010372' }, options: { minSupport: 1 } },
  { name: 'lumentree register 167 = 1/2', file: 'lumentree_inverter.btsnoop', states: [`one=${lumentreeWindow(796)}`, `two=${lumentreeWindow(815)}`], truth: { byte: 38, mask: 0x03, handle: null, prefix: '010372' }, options: { minSupport: 1 } },
  { name: 'lumentree register 167, 3 states', file: 'lumentree_inverter.btsnoop', states: [`one=${lumentreeWindow(796)}`, `two=${lumentreeWindow(815)}`, `zero=${lumentreeWindow(834)}`], truth: { byte: 38, mask: 0x03, handle: null, prefix: '010372' }, options: { minSupport: 1 } },
  // Two windows per state: the notifications of the docstring's "on"/"off" and of "turn dsg on/off".
  { name: 'daly DSG (PacketLogger text)', file: 'daly_dsg_onoff.packetlogger.txt', states: ['on=FILE@#3..#5,FILE@#14..#15', 'off=FILE@#9..#9,FILE@#18..#19'], truth: { byte: 5, mask: 0x01, handle: 0x12, prefix: 'd20600a600' } },
  { name: 'novax lock', file: 'novax_escooter.btsnoop', states: ['locked=FILE@#725..#736', 'unlocked=FILE@#1029..#1045'], truth: { byte: 19, mask: 0x02, handle: null, prefix: null }, options: { minSupport: 1 } },
  { name: 'ecoflow AC out', file: 'ecoflow_delta2_labelled_hexdumps.txt', states: ['off=FILE@#280..#301,FILE@#367..#377', 'on=FILE@#302..#312,FILE@#269..#279'], truth: { byte: 0x31, mask: 0x01, handle: null, prefix: 'aa026f00' }, options: { minSupport: 1 } },
  { name: 'jbd password answer (halves)', file: 'jbd_sp04s034_ffaa_auth_dl1001.btsnoop', states: ['a=FILE@#1..#107', 'b=FILE@#108..'], truth: { byte: 4, mask: 0x01, handle: null, prefix: 'ffaa18' } },
];

/** The corpus cases (none when the corpus is absent). */
export function corpusCases(dir = CORPUS_DIR): EvalCase[] {
  if (!haveCorpus(dir)) return [];
  return CORPUS_SPECS.map((spec) => ({
    name: `corpus ${spec.name}`,
    kind: 'corpus' as const,
    async build() {
      // The shell that reads captures (and learns frames from the whole file around a window).
      const { loadCaptures } = await import('../recorders/files.js');
      const path = join(dir, spec.file);
      const { rounds, context } = await loadCaptures(spec.states.map((s) => s.replaceAll('FILE', path)));
      return { rounds, options: { ...spec.options, learnFrom: context }, truth: spec.truth };
    },
  }));
}
