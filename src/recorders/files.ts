// The capture-file round source of the command line: "state=FILE@window" arguments, time/record
// windows, one round per connection; used by analyze, fields, identify, the import source and the wizard.
import { InputError } from '../errors.js';
import { classicOnlySentence } from '../hci/classic.js';
import { getHeapStatistics } from 'node:v8';
import { extractAttFromFile, fillUuids, type ExtractFileResult } from '../hci/extract-file.js';
import { ValueSlab } from '../hci/slab.js';
import { KeptEvent, Links } from './kept-event.js';
import { expandPath, skippable, skippedSentence, type ListedPath } from './paths.js';
import type { AttEvent, Micros, Round, SourceInfo } from '../model.js';

export type RoundWindow = NonNullable<SourceInfo['window']>;

export interface FileSpec {
  path: string;
  window: RoundWindow | null;
}

const NUM = '(\\d+(?:\\.\\d+)?)';
const SECONDS = new RegExp(`^${NUM}?\\.\\.${NUM}?$`);
const RECORDS = /^#(\d+)?\.\.(?:#)?(\d+)?$/;

/** "capture.btsnoop", "capture.btsnoop@12.5..20" (seconds from capture start) or "capture.btsnoop@#195..#209" (records). */
export function parseFileSpec(text: string): FileSpec {
  const at = text.lastIndexOf('@');
  if (at > 0) {
    const w = text.slice(at + 1);
    const rec = RECORDS.exec(w);
    const sec = rec ? null : SECONDS.exec(w);
    if (rec || sec) {
      const m = (rec ?? sec)!;
      const from = m[1] === undefined ? 0 : Number(m[1]);
      // Open-ended windows use a finite bound so that the window survives JSON (sessions).
      const to = m[2] === undefined ? Number.MAX_SAFE_INTEGER : Number(m[2]);
      if (to < from) throw new InputError(`window '${w}' of '${text.slice(0, at)}' ends before it starts; write FROM..TO with FROM ≤ TO`);
      return { path: text.slice(0, at), window: { unit: rec ? 'records' : 'seconds', from, to } };
    }
    if (/^[#\d.]*\.\./.test(w)) {
      throw new InputError(`window '${w}' is not understood; write FILE@12.5..20 (seconds) or FILE@#195..#209 (records)`);
    }
  }
  if (!text) throw new InputError('an empty file name was given to --state');
  return { path: text, window: null };
}

/** "on=A.btsnoop,B.pklg@#10..#20" → state and file specs. */
export function parseStateArg(arg: string): { state: string; files: FileSpec[] } {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new InputError(`--state '${arg}' needs a label and files, e.g. --state on=on1.btsnoop,on2.btsnoop`);
  const state = arg.slice(0, eq).trim();
  if (!/^[\w.+-]+$/.test(state)) throw new InputError(`state label '${state}' may hold only letters, digits, '.', '+', '-' and '_'`);
  const files = arg
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(parseFileSpec);
  if (files.length === 0) throw new InputError(`--state ${state}= names no capture file`);
  return { state, files };
}

/** The events inside a window; seconds count from captureStart (the first record's time). */
export function windowEvents(events: AttEvent[], window: RoundWindow | null, captureStart: Micros, file = 'capture'): AttEvent[] {
  if (!window) return events;
  if (window.unit === 'records') return events.filter((e) => e.record >= window.from && e.record <= window.to);
  if (captureStart === null || events.some((e) => e.t === null)) {
    throw new InputError(`${file} has no timestamps, so a window in seconds cannot be cut; use records instead (FILE@#FROM..#TO)`);
  }
  const from = captureStart + window.from * 1e6;
  const to = captureStart + window.to * 1e6;
  return events.filter((e) => (e.t as number) >= from && (e.t as number) <= to);
}

/** "records #3..#19" or "12.5..20 s": a window as the user wrote it. */
export function windowText(window: RoundWindow): string {
  return window.unit === 'records' ? `#${window.from}..#${window.to}` : `${window.from}..${window.to} s`;
}

/** "its ATT traffic is in records #3..#19 (0.0..211.2 s)": where a window could go instead. */
export function trafficSpan(events: AttEvent[], captureStart: Micros): string {
  if (events.length === 0) return 'the file holds no ATT traffic at all';
  const first = events[0]!;
  const last = events[events.length - 1]!;
  const secs = captureStart !== null && first.t !== null && last.t !== null ? ` (${((first.t - captureStart) / 1e6).toFixed(1)}..${((last.t - captureStart) / 1e6).toFixed(1)} s)` : '';
  return `its ATT traffic is in records #${first.record}..#${last.record}${secs} ('bms-wizard inspect FILE' lists them)`;
}

/** The events inside a window, or one sentence saying that it holds none and where the traffic is. */
export function windowEventsOrSay(events: AttEvent[], window: RoundWindow | null, captureStart: Micros, file: string): AttEvent[] {
  const inside = windowEvents(events, window, captureStart, file);
  if (window && inside.length === 0) throw new InputError(`${file}: no ATT traffic inside the window ${windowText(window)}; ${trafficSpan(events, captureStart)}`);
  return inside;
}

/** One round per connection (app session) of one capture; `index` counts from firstIndex. */
export function roundsFromCapture(state: string, events: AttEvent[], source: SourceInfo, firstIndex = 1): Round[] {
  const byConn = new Map<number, AttEvent[]>();
  for (const e of events) {
    let list = byConn.get(e.conn);
    if (!list) byConn.set(e.conn, (list = []));
    list.push(e);
  }
  const conns = [...byConn.keys()].sort((a, b) => a - b);
  return conns.map((conn, i) => ({
    state,
    index: firstIndex + i,
    source: conns.length > 1 ? { ...source, conn } : source,
    events: byConn.get(conn)!,
  }));
}

/** Rounds of all states from "--state on=A,B@12..20" arguments: one round per connection of each file. */
export async function loadRounds(stateArgs: string[]): Promise<Round[]> {
  return (await loadCaptures(stateArgs)).rounds;
}

/**
 * Rounds of all states, plus the whole traffic of windowed captures as unlabelled context (frames
 * are cut the same way inside and outside a window, and a short window alone may not show how).
 */
function tooManyValues(path: string, max: number): InputError {
  const heap = (getHeapStatistics().heap_size_limit / 2 ** 30).toFixed(1);
  return new InputError(
    `${path}: the captures hold more than ${max.toLocaleString('en-US')} ATT values, the most this process can analyse with its ${heap} GiB heap; split the capture into smaller files, or give Node more heap (NODE_OPTIONS=--max-old-space-size=16384)`,
  );
}

/**
 * Heap an analysed value costs, all told, with room for the collector: measured as the smallest heap
 * that analyses 1 M values of 300 bytes, each one message (--max-old-space-size=160 fails, 180
 * completes: a heap limit of 239 MB; its event ~70 bytes as it shares its link, its message ~60 as
 * it keeps the event, its places in lists; the bytes live outside the heap), plus a third. 13.5 M
 * such values are analysed within Node's default 4 GiB heap.
 */
const HEAP_PER_VALUE = 320;

/** Values this process can keep for one analysis: its heap limit over the cost of one. */
export function valueBudget(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / HEAP_PER_VALUE);
}

/**
 * The capture door with the heap's limit on kept values (`kept` counts across the files of one
 * analysis): said in one sentence before the heap runs out, which would abort the process. The
 * events are kept compact (kept-event.ts).
 */
export async function extractWithinBudget(path: string, maxValues = valueBudget(), kept = { values: 0 }): Promise<ExtractFileResult> {
  const events: AttEvent[] = [];
  const slab = new ValueSlab();
  const links = new Links();
  const x = await extractAttFromFile(path, {
    keepEvents: false,
    copyValues: false,
    onEvent: (e) => {
      if (++kept.values > maxValues) throw tooManyValues(path, maxValues);
      events.push(new KeptEvent(e, slab.copy(e.value, 0, e.value.length), links));
    },
  });
  fillUuids(events, x.result);
  return { ...x, events, start: x.result.start ?? events[0]?.t ?? null };
}

export async function loadCaptures(stateArgs: string[], limits: { maxValues?: number } = {}): Promise<{ rounds: Round[]; context: Round[]; warnings: string[] }> {
  const maxValues = limits.maxValues ?? valueBudget();
  const kept = { values: 0 };
  const byState = new Map<string, (FileSpec & ListedPath)[]>();
  for (const a of stateArgs) {
    const { state, files } = parseStateArg(a);
    byState.set(state, [...(byState.get(state) ?? []), ...(await expandSpecs(files))]);
  }
  const skipped: string[] = [];
  const rounds: Round[] = [];
  const context: Round[] = [];
  const contextFiles = new Set<string>();
  // A capture damaged part-way is analysed up to the damage, and the user is told (as inspect does).
  const warnings: string[] = [];
  // A file given for several windows is read once.
  const read = new Map<string, ExtractFileResult>();
  for (const [state, files] of byState) {
    let index = 1;
    for (const f of files) {
      let x = read.get(f.path);
      if (!x) {
        try {
          x = await extractWithinBudget(f.path, maxValues, kept);
        } catch (err) {
          if (!skippable(err, f)) throw err;
          skipped.push(f.path);
          continue;
        }
        read.set(f.path, x);
        const classic = classicOnlySentence(x.result.counts);
        if (classic) throw new InputError(`${f.path}: ${classic}`);
        const damage = x.capture.damage;
        // Nothing readable at all (e.g. a zip without a log): the same error as inspect, not an empty round.
        if (damage && x.result.counts.packets === 0) throw damage;
        if (damage) warnings.push(`${damage.message}${/[.!?]$/.test(damage.message) ? '' : '.'} Only the records before it are analysed`);
      }
      const { events, start } = x;
      const inWindow = windowEventsOrSay(events, f.window, start, f.path);
      if (f.window && !contextFiles.has(f.path)) {
        contextFiles.add(f.path);
        context.push(...roundsFromCapture('', events, { kind: 'file', files: [] }));
      }
      const source = { kind: 'file', files: [{ path: f.path, sha256: x.capture.sha256! }], ...(f.window ? { window: f.window } : {}) };
      const rs = roundsFromCapture(state, inWindow, source, index);
      if (rs.length === 0) rs.push({ state, index, source, events: [] });
      index += rs.length;
      rounds.push(...rs);
    }
  }
  if (skipped.length) warnings.push(skippedSentence(skipped));
  for (const [state] of byState) {
    if (!rounds.some((r) => r.state === state)) throw new InputError(`state '${state}' has no capture: ${skippedSentence(skipped.filter((p) => byState.get(state)!.some((f) => f.path === p)))}`);
  }
  return { rounds, context, warnings };
}

/** Globs and folders in --state files → one spec per file (a window needs one file). */
async function expandSpecs(files: FileSpec[]): Promise<(FileSpec & ListedPath)[]> {
  const out: (FileSpec & ListedPath)[] = [];
  for (const f of files) {
    const found = await expandPath(f.path, process.cwd());
    if (f.window && found.length > 1) throw new InputError(`${f.path}: a time window needs one file, not a pattern or a folder`);
    // A file named alone keeps the path as given (messages and sessions show it as typed).
    out.push(...(found.length === 1 && !found[0]!.listed ? [{ ...f, listed: false }] : found.map((p) => ({ ...p, window: f.window }))));
  }
  return out;
}
