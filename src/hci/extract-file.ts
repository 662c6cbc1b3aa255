// THE door from a capture file to events: one read of the file gives the capture info (with its
// SHA-256), the ATT events, connections, handles, warnings and the start time.
import { type CaptureInfo, readCaptureFile } from '../capture/read.js';
import { CaptureError } from '../errors.js';
import type { AttEvent, Micros } from '../model.js';
import { createAttExtractor } from './extractor.js';
import type { ExtractResult } from './types.js';

export interface ExtractFileOptions {
  /** Called for each event as it is decoded (values are owned copies), with the capture's start time. */
  onEvent?: (e: AttEvent, captureStart: Micros) => void;
  /**
   * Keep the events in the returned array (default: true when no onEvent is given). Kept events
   * whose handle was named by discovery later in the capture get that UUID at the end.
   */
  keepEvents?: boolean;
  /**
   * Copy each event's value out of the capture buffer (default true). false only for an onEvent
   * that is done with the value when it returns (it is then a view of the buffer being read).
   */
  copyValues?: boolean;
  /** Hash the file while reading it (default true: rounds record it; inspect does without). */
  hash?: boolean;
}

export interface ExtractFileResult {
  /** `capture.sha256` is set unless `hash: false` was asked. */
  capture: CaptureInfo;
  events: AttEvent[];
  result: ExtractResult;
  /** Time of the first timestamped record (windows in seconds count from it), else of the first event, else null. */
  start: Micros;
  /** The extractor's warnings, and the damage that ended the reading early, if any. */
  warnings: string[];
}

/** The door's signature, for the rooms that are handed it (recorders, the wizard's engine). */
export type ExtractFile = (path: string) => Promise<ExtractFileResult>;

/**
 * Reads a capture and extracts its ATT events. Throws CaptureError when the file cannot be read
 * at all; a capture damaged part-way returns what came before the damage with `capture.damage` set.
 */
export async function extractAttFromFile(path: string, opts: ExtractFileOptions = {}): Promise<ExtractFileResult> {
  const keep = opts.keepEvents ?? !opts.onEvent;
  const events: AttEvent[] = [];
  const given = opts.onEvent;
  const onEvent = given ? (e: AttEvent): void => given(e, x.start) : undefined;
  const x = createAttExtractor(
    keep && onEvent
      ? (e) => {
          events.push(e);
          onEvent(e);
        }
      : keep
        ? (e) => events.push(e)
        : (onEvent ?? (() => undefined)),
    { events: keep || onEvent !== undefined, copyValues: keep || opts.copyValues !== false },
  );
  let capture: CaptureInfo;
  try {
    capture = await readCaptureFile(path, x.sink, { hash: opts.hash ?? true });
  } catch (err) {
    throw err instanceof CaptureError && !err.detail.file ? err.inFile(path) : err;
  }
  const result = x.finish();
  if (keep) fillUuids(events, result);
  const warnings = [...result.warnings];
  if (capture.damage) warnings.push(`${capture.damage.message}; the ${capture.records} records before it are used`);
  return { capture, events, result, start: result.start ?? events[0]?.t ?? null, warnings };
}

/**
 * Kept events decoded before the discovery that names their handle (a capture that starts
 * mid-connection, discovery repeated after a restart) get the UUID the whole capture taught.
 */
export function fillUuids(events: AttEvent[], result: ExtractResult): void {
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
