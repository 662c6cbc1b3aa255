// The registry of capture readers, in probe order. The driver (read.ts) picks the first whose
// probe() accepts the file's first bytes. Binary formats come first: they have magic numbers or
// strict structure checks; text readers come after them because their probes are looser.
import { btsnoop } from './btsnoop.js';
import { btsnoozFormat } from './btsnooz.js';
import { createZipFormat } from './bugreport-zip.js';
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
  // Android bug report zips: the log inside is read with this same list (lazily: no import cycle)
  createZipFormat(() => FORMATS),
  pklg,
  // text readers (appended by their owner)
  btsnoozFormat,
  ...TEXT_FORMATS,
];
