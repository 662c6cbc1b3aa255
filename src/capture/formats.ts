// The registry of capture readers, in probe order. The driver (read.ts) picks the first whose
// probe() accepts the file's first bytes. Binary formats come first: they have magic numbers or
// strict structure checks; text readers come after them because their probes are looser.
import type { CaptureFormat } from './format.js';

export const FORMATS: CaptureFormat[] = [
  // binary readers
  // text readers (appended by their owner)
];
