// A capture file → ATT events, connections and counts: the capture driver feeding the extractor.
import { type CaptureInfo, readCaptureFile } from '../capture/read.js';
import type { AttEvent } from '../model.js';
import { createAttExtractor } from './extractor.js';
import type { ExtractResult } from './types.js';

export interface ExtractFileOptions {
  /** Called for each event as it is decoded (values are owned copies). */
  onEvent?: (e: AttEvent) => void;
  /**
   * Keep the events in the returned array (default: true when no onEvent is given). Kept events
   * whose handle was named by discovery later in the capture get that UUID at the end.
   */
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
  const result = x.finish();
  if (keep) fillUuids(events, result);
  return { capture, events, result };
}

/**
 * Kept events decoded before the discovery that names their handle (a capture that starts
 * mid-connection, discovery repeated after a restart) get the UUID the whole capture taught.
 */
function fillUuids(events: AttEvent[], result: ExtractResult): void {
  let byConn: Map<number, Map<number, string>> | null = null;
  for (const e of events) {
    if (e.uuid !== null) continue;
    if (!byConn) {
      byConn = new Map();
      for (const h of result.handles) {
        if (h.uuid === null) continue;
        let m = byConn.get(h.conn);
        if (!m) byConn.set(h.conn, (m = new Map()));
        m.set(h.handle, h.uuid);
      }
    }
    const uuid = byConn.get(e.conn)?.get(e.handle);
    if (uuid !== undefined) e.uuid = uuid;
  }
}
