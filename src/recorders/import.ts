// Round source: capture files the user already has. Paths, globs (in the file name) or a folder;
// one round per file, or one per connection to the device when a file holds several app sessions
// (the seed's way: one capture per state with 3 restarts). Extra rounds wait for the next requests.
import { basename } from 'node:path';
import { characteristicName, serviceName } from '../gatt-names.js';
import { parseFileSpec, windowEventsOrSay, type RoundWindow } from './files.js';
import { busiestPeer } from '../analysis/device.js';
import { InputError } from '../errors.js';
import { classicOnlySentence } from '../hci/classic.js';
import type { ExtractFile, ExtractFileResult } from '../hci/extract-file.js';
import type { HandleInfo } from '../hci/types.js';
import type { GattService, SourceInfo } from '../model.js';
import { expandPath, skippable, skippedSentence, type ListedPath } from './paths.js';
import type { RecordedRound, RoundRequest, RoundSource, SourceUI } from './source.js';

/** What the GATT table needs of the extractor's handle table (hci/types HandleInfo). */
export type HandleSeen = Pick<HandleInfo, 'conn' | 'peer' | 'handle' | 'service' | 'uuid' | 'properties'>;

/** The device's GATT table as far as the capture's discovery showed it (null when none was seen). */
export function gattFromHandles(handles: HandleSeen[], peer: string | null): GattService[] | null {
  const mine = handles.filter((h) => (peer === null || h.peer === null || h.peer === peer) && h.service !== null && h.uuid !== null);
  if (mine.length === 0) return null;
  const services = new Map<string, GattService>();
  const seen = new Set<string>();
  for (const h of [...mine].sort((a, b) => a.handle - b.handle)) {
    const key = `${h.service}/${h.handle}`;
    if (seen.has(key)) continue; // the same table again on the next connection
    seen.add(key);
    const s = services.get(h.service!) ?? { uuid: h.service!, name: serviceName(h.service!), characteristics: [] };
    services.set(h.service!, s);
    const last = s.characteristics[s.characteristics.length - 1];
    if (h.properties.length === 0 && last) last.descriptors.push({ uuid: h.uuid!, handle: h.handle, value: null });
    else s.characteristics.push({ uuid: h.uuid!, name: characteristicName(h.uuid!), handle: h.handle, properties: [...h.properties], value: null, descriptors: [] });
  }
  return [...services.values()];
}

export interface ImportSpec extends ListedPath {
  window: RoundWindow | null;
}

/** "a.btsnoop@12.5..20, b.pklg@#10..#90, caps/*.pklg, folder" → files with their windows. */
export async function expandSpecs(answer: string, cwd: string): Promise<ImportSpec[]> {
  const out: ImportSpec[] = [];
  for (const part of answer.split(/[,\n]/).map((p) => p.trim()).filter((p) => p !== '')) {
    const spec = parseFileSpec(part.replace(/^(['"])(.*)\1$/, '$2'));
    if (spec.window && /[*?]/.test(spec.path)) throw new InputError(`${part}: a time window needs one file, not a pattern`);
    const files = await expandPath(spec.path, cwd);
    if (spec.window && files.length > 1) throw new InputError(`${part}: a time window needs one file, not a folder`);
    out.push(...files.map((f) => ({ ...f, window: spec.window })));
  }
  if (out.length === 0) throw new InputError('no capture file given');
  // The same file named twice (a folder and one of its files) is one round source.
  return out.filter((x, i) => out.findIndex((y) => y.path === x.path && JSON.stringify(y.window) === JSON.stringify(x.window)) === i);
}

/** Splits one capture into rounds: one per connection that carries the device's traffic (inside the window, if any). */
function splitByConnection(spec: ImportSpec, raw: ExtractFileResult, device: string | null): RecordedRound[] {
  const { path, window } = spec;
  const classic = classicOnlySentence(raw.result.counts);
  if (classic) throw new InputError(`${path}: ${classic}`);
  const sha256 = raw.capture.sha256!;
  const x = window ? { ...raw, events: windowEventsOrSay(raw.events, window, raw.start, path) } : raw;
  const peer = device ?? busiestPeer(x.events);
  const mine = peer === null ? x.events : x.events.filter((e) => e.peer === peer || e.peer === null);
  const conns = [...new Set(mine.map((e) => e.conn))].sort((a, b) => a - b);
  const gatt = gattFromHandles(x.result.handles, peer) ?? undefined;
  if (conns.length <= 1) {
    const connections = window ? x.result.connections.filter((c) => conns.includes(c.conn)) : x.result.connections;
    return [{ source: { kind: 'file', files: [{ path, sha256 }], ...(window ? { window } : {}) }, events: x.events, connections, warnings: [...x.warnings], gatt }];
  }
  return conns.map((conn, i) => ({
    source: { kind: 'file', files: [{ path, sha256 }], conn, note: `app session ${i + 1} of ${conns.length} (connection ${conn})`, ...(window ? { window } : {}) },
    events: x.events.filter((e) => e.conn === conn),
    connections: x.result.connections.filter((c) => c.conn === conn),
    warnings: [...x.warnings],
    gatt,
  }));
}

export class ImportSource implements RoundSource {
  readonly id = 'import';
  readonly label = 'Import capture files (btsnoop, PacketLogger, pcap/pcapng, text exports)';
  /** Rounds read ahead from multi-round files, per state. */
  private pending = new Map<string, RecordedRound[]>();
  private lastIndex = new Map<string, number>();
  private helped = false;

  /** `hint: false`: the answers come from a program (the demo), not a person who needs the syntax. */
  constructor(private readonly opts: { extract: ExtractFile; cwd?: string; hint?: boolean }) {
    this.helped = opts.hint === false;
  }

  async unavailableReason(): Promise<string | null> {
    return null;
  }

  async recordRound(request: RoundRequest, ui: SourceUI): Promise<RecordedRound> {
    const { state, index } = request;
    // The same index again is a redo: forget what was read ahead and ask.
    if ((this.lastIndex.get(state) ?? 0) >= index) this.pending.delete(state);
    this.lastIndex.set(state, index);
    const queued = this.pending.get(state);
    if (queued && queued.length > 0) {
      return queued.shift()!;
    }
    if (!this.helped) ui.info('Give paths, globs or a folder; FILE@12.5..20 (seconds) or FILE@#100..#250 (records) for a part of a file. A file with several app sessions (connections) fills several rounds.');
    this.helped = true;
    const answer = await ui.ask(`Capture file(s) for '${state}' round ${index}`);
    const specs = await expandSpecs(answer, this.opts.cwd ?? process.cwd());
    const files = specs.map((s) => s.path);
    const progress = ui.progress(`reading ${files.length} file${files.length === 1 ? '' : 's'}`);
    const rounds: RecordedRound[] = [];
    const skipped: string[] = [];
    try {
      for (const spec of specs) {
        progress.update(`reading ${basename(spec.path)}`);
        let x: ExtractFileResult;
        try {
          x = await this.opts.extract(spec.path);
        } catch (err) {
          if (!skippable(err, spec)) throw err;
          skipped.push(spec.path);
          continue;
        }
        rounds.push(...splitByConnection(spec, x, request.device));
      }
    } finally {
      progress.stop();
    }
    if (skipped.length) ui.warn(skippedSentence(skipped));
    if (rounds.length === 0 && skipped.length) throw new InputError(`no capture among ${files.length} file${files.length === 1 ? '' : 's'}: ${skippedSentence(skipped)}`);
    // After a resume, a file given again must not refill rounds with connections already kept.
    const key = (src: SourceInfo, sha: string): string => `${sha}#${src.conn ?? 0}#${src.window ? `${src.window.unit}:${src.window.from}..${src.window.to}` : ''}`;
    const used = new Set((request.previous ?? []).flatMap((p) => p.files.map((f) => key(p, f.sha256))));
    const fresh = rounds.filter((r) => !used.has(key(r.source, r.source.files[0]!.sha256)));
    if (fresh.length < rounds.length) ui.info(`${rounds.length - fresh.length} of these app sessions are already used by earlier rounds of '${state}'`);
    if (fresh.length === 0) throw new InputError(`every app session in ${files.map((f) => basename(f)).join(', ')} is already used by an earlier round of '${state}'; give another capture`);
    rounds.splice(0, rounds.length, ...fresh);
    const stillNeeded = request.roundsPerState - index + 1;
    if (rounds.length > stillNeeded) {
      ui.warn(`${rounds.length} rounds found, ${stillNeeded} still needed for '${state}': the last ${rounds.length - stillNeeded} are not used`);
      rounds.length = stillNeeded;
    } else if (rounds.length > 1 && rounds.length < stillNeeded) {
      rounds[0]!.warnings.push(`${rounds.length} app sessions (connections) found, fewer than the ${stillNeeded} restarts still needed for '${state}': the next rounds will ask for more files`);
    }
    if (rounds.length > 1) ui.info(`${rounds.length} app sessions (connections) found: rounds ${index}–${index + rounds.length - 1} of '${state}'`);
    else if (stillNeeded > 1 && !specs.some((sp) => sp.window)) ui.info(`one app session (connection) in ${files.map((f) => basename(f)).join(', ')}: round ${index + 1} asks for the next file (a capture with ${stillNeeded} app restarts fills them all at once)`);
    this.pending.set(state, rounds.slice(1));
    return rounds[0]!;
  }

  async close(): Promise<void> {
    this.pending.clear();
  }
}
