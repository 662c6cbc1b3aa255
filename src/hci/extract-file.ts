// A capture file → ATT events, connections and counts: the capture driver feeding the extractor.
import { type CaptureInfo, readCaptureFile } from '../capture/read.js';
import type { AttEvent } from '../model.js';
import { createAttExtractor } from './extractor.js';
import type { ExtractResult } from './types.js';

export interface ExtractFileOptions {
  /** Called for each event as it is decoded (values are owned copies). */
  onEvent?: (e: AttEvent) => void;
  /** Keep the events in the returned array (default: true when no onEvent is given). */
  keepEvents?: boolean;
}

export interface ExtractFileResult {
  capture: CaptureInfo;
  events: AttEvent[];
  result: ExtractResult;
}

/**
 * Reads a capture and extracts its ATT events. Throws CaptureError when the file cannot be read
 * at all; a capture damaged part-way returns what came before the damage with `capture.damage` set.
 */
export async function extractAttFromFile(path: string, opts: ExtractFileOptions = {}): Promise<ExtractFileResult> {
  const keep = opts.keepEvents ?? !opts.onEvent;
  const events: AttEvent[] = [];
  const onEvent = opts.onEvent;
  const x = createAttExtractor(
    keep && onEvent
      ? (e) => {
          events.push(e);
          onEvent(e);
        }
      : keep
        ? (e) => events.push(e)
        : (onEvent ?? (() => undefined)),
  );
  const capture = await readCaptureFile(path, x.push);
  return { capture, events, result: x.finish() };
}
