// Big rounds' events live in side files beside the session (event-file.ts), not in its JSON:
// saved before the JSON that names them, read only when something asks for a round's events,
// and removed once no saved session names them.
import { readFileSync, statSync } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably, type WriteFn } from '../durable-write.js';
import { InputError } from '../errors.js';
import { decodeEvents, encodeEvents, EVENT_FILE_NAME, type EventFileRef } from './event-file.js';
import type { Session, StoredEvent, StoredRound } from './schema.js';

/** Rounds with at least this many events go to a side file (small rounds stay readable in the JSON). */
export const INLINE_EVENTS_MAX = 4096;

interface Held {
  ref: EventFileRef;
  /** The events the ref was made from or decoded into; null while not read. */
  events: StoredEvent[] | null;
}
const held = new WeakMap<StoredRound, Held>();

/** Makes `round.events` read its side file on first use (the ref comes from a validated session). */
function attach(round: StoredRound, ref: EventFileRef, path: string): void {
  const h: Held = { ref, events: null };
  held.set(round, h);
  delete (round as { eventsFile?: unknown }).eventsFile;
  Object.defineProperty(round, 'events', {
    enumerable: true,
    configurable: true,
    get: () => (h.events ??= decodeEvents(readFileSync(path), h.ref, path)),
    set: (v: StoredEvent[]) => {
      held.delete(round);
      Object.defineProperty(round, 'events', { value: v, writable: true, enumerable: true, configurable: true });
    },
  });
}

/** After validation: rounds that name a side file get their events from it, lazily; a missing or resized file is refused now. */
export function attachRoundEvents(session: Session, folder: string, file: string): void {
  session.rounds.forEach((round, i) => {
    const ref = (round as { eventsFile?: EventFileRef }).eventsFile;
    if (!ref) return;
    const path = join(folder, ref.name);
    const size = (() => {
      try {
        return statSync(path).size;
      } catch {
        return -1;
      }
    })();
    if (size !== ref.bytes) {
      throw new InputError(`${file}: the events of round ${i + 1} (${round.state} #${round.index}) are in ${path}, which is ${size < 0 ? 'missing' : `${size} bytes instead of ${ref.bytes}`}. Put the file back, or remove the session`);
    }
    attach(round, ref, path);
  });
}

/**
 * The session as it is written to JSON: big rounds' events replaced by { eventsFile } after their
 * side file is on disk (unchanged rounds are neither read nor rewritten). Returns the document and
 * the side files it names.
 */
export async function externalizeRoundEvents(session: Session, folder: string, opts: { write?: WriteFn; inlineMax?: number } = {}): Promise<{ doc: Record<string, unknown>; names: Set<string> }> {
  const names = new Set<string>();
  const rounds: Record<string, unknown>[] = [];
  for (const round of session.rounds) {
    const copy: Record<string, unknown> = {};
    for (const k of Object.keys(round)) if (k !== 'events' && k !== 'eventsFile') copy[k] = (round as unknown as Record<string, unknown>)[k];
    let h = held.get(round);
    if (!h || h.events !== null) {
      const events = round.events;
      if (events.length < (opts.inlineMax ?? INLINE_EVENTS_MAX)) {
        rounds.push({ ...copy, events });
        continue;
      }
      if (!h || h.events !== events || h.ref.count !== events.length) {
        const { data, ref } = encodeEvents(events);
        const path = join(folder, ref.name);
        const present = await stat(path).then((s) => s.size === ref.bytes, () => false);
        if (!present) await writeFileDurably(path, data, { write: opts.write, previous: 'the previous save of the session' });
        h = { ref, events };
        held.set(round, h);
      }
    }
    names.add(h.ref.name);
    rounds.push({ ...copy, eventsFile: h.ref });
  }
  return { doc: { ...session, rounds }, names };
}

/** Side files in the folder that the saved session no longer names (a redone round's old events). */
export async function removeUnnamedEventFiles(folder: string, names: Set<string>): Promise<void> {
  const all = await readdir(folder).catch(() => [] as string[]);
  for (const n of all) if (EVENT_FILE_NAME.test(n) && !names.has(n)) await unlink(join(folder, n)).catch(() => undefined);
}
