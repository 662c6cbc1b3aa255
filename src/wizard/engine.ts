// The wizard's view of the other rooms: capture → ATT events (hci/), analysis (analysis/),
// simulated captures (sim/). Injected, so tests can wire their own (e.g. another format).
import { analyze } from '../analysis/analyze.js';
import type { AnalysisOptions, AnalysisResult } from '../analysis/types.js';
import type { ExtractFile } from '../hci/extract-file.js';
import { extractWithinBudget } from '../recorders/files.js';
import type { Round } from '../model.js';
import { simulateAppCapture, type SimulateAppCapture } from '../sim/app-capture.js';
import { PROTOCOLS } from '../sim/protocols/index.js';

export interface Engine {
  /** The one door from a capture file to events (hci/extract-file). */
  extract: ExtractFile;
  analyze(rounds: Round[], options: AnalysisOptions): AnalysisResult;
  simulate: SimulateAppCapture;
  /** Protocol ids the simulator offers. */
  protocols(): string[];
}

export const realEngine: Engine = {
  // The capture door, refusing in one sentence what the heap could not hold.
  extract: (path) => extractWithinBudget(path),
  analyze,
  simulate: simulateAppCapture,
  protocols: () => Object.keys(PROTOCOLS),
};
