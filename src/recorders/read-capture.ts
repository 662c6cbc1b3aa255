// What the live sources share after they have a capture file (read through hci/extract-file):
// its first time, the connections inside a window, times and file names for messages.
import type { AttEvent, Connection } from '../model.js';

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
