// What the live sources share after they have a capture file: read it with the real readers
// (through the function the wizard hands in), hash it, and describe a time window.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readCaptureFile } from '../capture/read.js';
import type { AttEvent, Connection } from '../model.js';

/** Reads a capture file into ATT events and connections (the wizard passes engine.extract). */
export type ExtractFile = (path: string) => Promise<{ events: AttEvent[]; result: { connections: Connection[]; warnings: string[] } }>;

/** SHA-256 (hex) of a file, streamed: bug report logs can be large. */
export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

class FirstFound extends Error {}

/** Time of the capture's first timestamped record (µs): where "seconds from capture start" count from. */
export async function captureStartUs(path: string): Promise<number | null> {
  let first: number | null = null;
  try {
    await readCaptureFile(path, (p) => {
      if (p.t === null) return;
      first = p.t;
      throw new FirstFound(); // stops the reading after the first chunk
    });
  } catch (e) {
    if (!(e instanceof FirstFound)) throw e;
  }
  return first;
}

/** Earliest time seen in a capture's connections and events (µs), or null. */
export function firstTime(events: AttEvent[], connections: Connection[]): number | null {
  let first: number | null = null;
  for (const c of connections) if (c.start !== null && (first === null || c.start < first)) first = c.start;
  for (const e of events) if (e.t !== null && (first === null || e.t < first)) first = e.t;
  return first;
}

/** Connections that overlap [fromUs, toUs] (a connection without times is kept). */
export function connectionsInWindow(connections: Connection[], fromUs: number, toUs: number): Connection[] {
  return connections.filter((c) => (c.end === null || c.end >= fromUs) && (c.start === null || c.start <= toUs));
}

/** "2026-11-29 04:12:03.250" (UTC) for messages. */
export function isoTime(us: number): string {
  return new Date(Math.round(us / 1000)).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** A safe piece of a file name from a state name: "Switch ON" → "switch-on". */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'state';
}
