// The registry of capture readers, in probe order. The driver (read.ts) picks the first whose
// probe() accepts the file's first bytes. Binary formats come first: they have magic numbers or
// strict structure checks; text readers come after them because their probes are looser.
import { btsnoop } from './btsnoop.js';
import type { CaptureFormat } from './format.js';
import { pcap } from './pcap.js';
import { pcapng } from './pcapng.js';
import { pklg } from './pklg.js';
import { TEXT_FORMATS } from './text-formats.js';

export const FORMATS: CaptureFormat[] = [
  // binary readers; pklg last among them because it has no magic number
  btsnoop,
  pcap,
  pcapng,
  pklg,
  // text readers (appended by their owner)
  ...TEXT_FORMATS,
];
