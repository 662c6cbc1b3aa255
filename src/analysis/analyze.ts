// The analysis: rounds → device → streams → frames → groups → bit statistics → labelled, ranked candidates.
import { minLength } from './stats.js';
import { InputError } from '../errors.js';
import { toHex } from '../hex.js';
import type { Direction, Round } from '../model.js';
import { countGroup, findBitCandidates } from './bits.js';
import { describeChecksum } from './checksums.js';
import { chooseDevice, deviceEvents, streamId } from './device.js';
import { findValues, parseQuery } from './find.js';
import { assemble, chooseRule, describeRule, type FrameRule, type StreamValue } from './frames.js';
import { commonPrefix, groupStream } from './groups.js';
import { isChance, isNumberPart, labelGroup } from './labels.js';
import { buildCandidates, sortCandidates } from './rank.js';
import type { AnalysisOptions, AnalysisResult, CandidateResult, FramesOption, GroupResult, KeyOption, Message, StateSummary } from './types.js';

export function describeFramesOption(f: FramesOption): string {
  switch (f.kind) {
    case 'marker':
      return `marker:${toHex(f.marker)}`;
    case 'gap':
      return `gap:${f.ms}`;
    default:
      return f.kind;
  }
}

export function describeKeyOption(k: KeyOption): string {
  return k.kind === 'prefix' ? `prefix:${k.n}` : k.kind;
}

interface Stream {
  handle: number;
  dir: Direction;
  /** Per round (index into the rounds array). */
  values: Map<number, StreamValue[]>;
}

/** Splits each round's device events into streams (handle × direction), noting the app's writes. */
function buildStreams(rounds: Round[], device: string | null, withUnknown: boolean): Map<string, Stream> {
  const streams = new Map<string, Stream>();
  rounds.forEach((round, ri) => {
    const evs = deviceEvents(round.events, device, null, withUnknown).slice().sort((a, b) => a.record - b.record);
    let writes = 0;
    let lastWrite: string | null = null;
    const seenWrites = new Map<string, number>();
    for (const e of evs) {
      const id = streamId(e.handle, e.dir);
      let s = streams.get(id);
      if (!s) streams.set(id, (s = { handle: e.handle, dir: e.dir, values: new Map() }));
      let list = s.values.get(ri);
      if (!list) s.values.set(ri, (list = []));
      const fromApp = e.dir === 'app-to-device';
      list.push({
        bytes: e.value,
        t: e.t,
        record: e.record,
        afterWrite: !fromApp && writes > (seenWrites.get(id) ?? 0),
        request: fromApp ? null : lastWrite,
      });
      seenWrites.set(id, writes);
      if (fromApp) {
        writes++;
        lastWrite = toHex(e.value);
      }
    }
  });
  return streams;
}

function modal(xs: number[]): number {
  const c = new Map<number, number>();
  let best = 0;
  let n = 0;
  for (const x of xs) {
    const k = (c.get(x) ?? 0) + 1;
    c.set(x, k);
    if (k > n || (k === n && x > best)) [best, n] = [x, k];
  }
  return best;
}

/** A message typical of the group: the most frequent one of the first state (from a sample). */
function example(msgs: Message[], state: string): string {
  const pool = msgs.filter((m) => m.state === state);
  const from = pool.length ? pool : msgs;
  const step = Math.max(1, Math.floor(from.length / 500));
  const c = new Map<string, number>();
  let best = '';
  let n = 0;
  for (let i = 0; i < from.length; i += step) {
    const h = toHex(from[i]!.bytes);
    const k = (c.get(h) ?? 0) + 1;
    c.set(h, k);
    if (k > n) [best, n] = [h, k];
  }
  return best;
}

export function analyze(rounds: Round[], options: AnalysisOptions = {}): AnalysisResult {
  const frames = options.frames ?? { kind: 'auto' };
  const key = options.key ?? { kind: 'auto' };
  const minAgreement = options.minAgreement ?? 0.9;
  if (!(minAgreement > 0.5 && minAgreement <= 1)) throw new InputError(`--min-agreement ${minAgreement} is out of range; give a share between 0.5 (exclusive) and 1`);
  const minSupport = options.minSupport ?? 2;
  if (!(Number.isInteger(minSupport) && minSupport >= 1)) throw new InputError(`--min-support ${minSupport} must be a whole number of at least 1`);
  const queries = (options.find ?? []).map(parseQuery);
  const states: string[] = [];
  for (const r of rounds) if (!states.includes(r.state)) states.push(r.state);
  if (states.length < 2) throw new InputError(`at least two states are needed to compare (got ${states.length ? states.join(', ') : 'none'}); give --state on=… --state off=…`);

  const { device, withUnknown } = chooseDevice(rounds, options.device);
  // Unlabelled traffic (the rest of windowed captures) only helps to learn how frames are cut.
  const context = options.learnFrom ?? [];
  const streams = [...buildStreams([...rounds, ...context], device, withUnknown).values()]
    .filter((s) => [...s.values.keys()].some((i) => i < rounds.length))
    .filter((s) => options.handle === null || options.handle === undefined || s.handle === options.handle)
    .sort((a, b) => Number(a.dir === 'app-to-device') - Number(b.dir === 'app-to-device') || a.handle - b.handle);
  if (options.handle !== null && options.handle !== undefined && streams.length === 0) {
    throw new InputError(`handle ${options.handle} (0x${options.handle.toString(16).padStart(4, '0')}) carries no values of the device in these captures`);
  }

  const groups: GroupResult[] = [];
  const candidates: CandidateResult[] = [];
  const groupMessages: { id: string; messages: Message[] }[] = [];
  const messagesPerState = new Map<string, number>(states.map((s) => [s, 0]));
  const notes: string[] = [];

  for (const s of streams) {
    const allIdx = [...s.values.keys()].sort((a, b) => a - b);
    const fromApp = s.dir === 'app-to-device';
    const rule: FrameRule = chooseRule(allIdx.map((i) => s.values.get(i)!), frames, fromApp);
    const roundIdx = allIdx.filter((i) => i < rounds.length);
    const perRound = roundIdx.map((i) => s.values.get(i)!);
    const ruleText = describeRule(rule);
    const msgs: Message[] = [];
    roundIdx.forEach((ri, k) => {
      for (const f of assemble(perRound[k]!, rule)) {
        msgs.push({ state: rounds[ri]!.state, round: ri, handle: s.handle, dir: s.dir, bytes: f.bytes, t: f.t, record: f.record, parts: f.parts, request: f.request, orphan: f.orphan });
      }
    });
    for (const m of msgs) messagesPerState.set(m.state, messagesPerState.get(m.state)! + 1);
    const framed = msgs.filter((m) => !m.orphan);
    const { standalone, orphans } = standaloneGroups(msgs.filter((m) => m.orphan), key);
    const parts = [
      ...groupStream(framed, key, rule.marker?.length ?? 0).sort((a, b) => b.messages.length - a.messages.length),
      ...standalone,
      ...(orphans.length ? [{ key: 'orphans', messages: orphans, orphans: true }] : []),
    ];
    // Labels first for every group of the stream: a frame counter seen in one frame type is the
    // same counter in the others (where too few frames may hide it).
    const prepared = parts.map((part) => {
      const gm = part.messages;
      const stats = countGroup(gm, states);
      const length = modal(gm.map((m) => m.bytes.length));
      return { part, gm, stats, length, labels: labelGroup(gm, stats, rule.length, length), isOrphans: 'orphans' in part };
    });
    const headerEnd = (rule.marker?.length ?? 0) + 4;
    const streamCounters = new Set<number>();
    for (const p of prepared) if (!p.isOrphans) for (const [b, l] of p.labels.bytes) if (l === 'counter' && b < headerEnd) streamCounters.add(b);
    for (const { part, gm, stats, length, labels, isOrphans } of prepared) {
      for (const b of streamCounters) if (b < stats.length && !labels.bytes.has(b)) labels.bytes.set(b, 'counter');
      const id = `g${groups.length + 1}`;
      const perState: Record<string, number> = {};
      states.forEach((st, i) => (perState[st] = stats.messages[i]!));
      groups.push({
        id,
        handle: s.handle,
        dir: s.dir,
        key: part.key,
        prefix: commonPrefix(gm),
        length,
        lengths: { min: minLength(gm.map((m) => m.bytes)), max: stats.length },
        frames: ruleText,
        messages: perState,
        example: example(gm, states[0]!),
        checksum: labels.checksum ? describeChecksum(labels.checksum, length) : null,
        orphans: isOrphans,
        labels: [...labels.bytes.entries()].sort((a, b) => a[0] - b[0]).map(([byte, label]) => ({ byte, label })),
      });
      groupMessages.push({ id, messages: gm });
      if (isOrphans) continue;
      const bits = findBitCandidates(stats, minAgreement);
      if (bits.length === 0) continue;
      candidates.push(
        ...buildCandidates(bits, {
          group: id,
          stats,
          labelOf: (byte, mask, decided) =>
            labels.bytes.get(byte) ?? (isChance(stats, byte, decided) ? 'chance' : isNumberPart(gm, stats, byte, mask, decided) ? 'number' : null),
        }),
      );
    }
  }

  const order = new Map(groups.map((g, i) => [g.id, i]));
  const supported = (c: CandidateResult): boolean => Math.min(...Object.values(c.support).filter((n) => n > 0)) >= minSupport;
  const sorted = sortCandidates(candidates.filter(supported), order);
  const weak = sortCandidates(candidates.filter((c) => !supported(c)), order);
  const findings = queries.length ? findValues(queries, groupMessages) : [];

  const summary: Record<string, StateSummary> = {};
  for (const st of states) {
    const rs = rounds.filter((r) => r.state === st);
    const files = new Set(rs.flatMap((r) => r.source.files.map((f) => f.path)));
    const withDevice = rs.filter((r) => deviceEvents(r.events, device, null, withUnknown).length > 0).length;
    summary[st] = { captures: files.size || rs.length, rounds: withDevice, messages: messagesPerState.get(st)! };
  }
  if (weak.some((c) => c.label === null)) {
    const w = weak.filter((c) => c.label === null);
    notes.push(
      `${w.length} difference${w.length === 1 ? ' was' : 's were'} seen in fewer than ${minSupport} messages of a state (e.g. ${w[0]!.group} byte ${w[0]!.byte} mask ${w[0]!.mask}) and ${w.length === 1 ? 'is' : 'are'} not ranked: record more rounds, or rank ${w.length === 1 ? 'it' : 'them'} with --min-support ${Math.max(1, Math.min(...w.map((c) => Math.min(...Object.values(c.support).filter((n) => n > 0)))))}`,
    );
  }
  notes.push(...adviseOn(summary, groups, sorted, states, weak.some((c) => c.label === null)));
  return {
    states: summary,
    device,
    groups,
    candidates: sorted,
    weak,
    findings,
    notes,
    settings: { frames: describeFramesOption(frames), key: describeKeyOption(key), minAgreement, minSupport, handle: options.handle ?? null, device: options.device ?? null },
  };
}

/**
 * Values outside the stream's frames that are messages of their own (a command echo 'd2 06 …' among
 * 'd2 03 …' frames, an 'AT' reply): a group of them with one length and a shared head (two bytes or
 * more) and seen in two states has fixed offsets and is analysed; the rest (lost starts) stays orphan.
 */
function standaloneGroups(msgs: Message[], key: KeyOption): { standalone: { key: string; messages: Message[] }[]; orphans: Message[] } {
  const standalone: { key: string; messages: Message[] }[] = [];
  const orphans: Message[] = [];
  if (msgs.length === 0) return { standalone, orphans };
  for (const part of groupStream(msgs, key, 0)) {
    const gm = part.messages;
    const len = gm[0]!.bytes.length;
    const states = new Set(gm.map((m) => m.state));
    const whole = gm.every((m) => m.bytes.length === len) && commonPrefix(gm).length >= 4 && states.size >= 2;
    if (whole) standalone.push({ key: `standalone:${part.key.replace(/^auto:/, '')}`, messages: gm });
    else orphans.push(...gm);
  }
  return { standalone, orphans };
}

/** What would make the answer clearer. */
function adviseOn(summary: Record<string, StateSummary>, groups: GroupResult[], cands: CandidateResult[], states: string[], weakOnes: boolean): string[] {
  const notes: string[] = [];
  for (const st of states) {
    if (summary[st]!.rounds === 0) notes.push(`state ${st} has no traffic from the device: check the captures of that state`);
    else if (summary[st]!.rounds < 2) notes.push(`state ${st} has only ${summary[st]!.rounds} round: record at least 2 (3 is better) so that bits that merely drift can be told apart`);
  }
  const shared = groups.filter((g) => states.filter((s) => g.messages[s]! > 0).length >= 2);
  if (groups.length > 0 && shared.length === 0) {
    notes.push('no group has messages in more than one state: the key splits the states apart (try --key auto or --key length)');
  }
  const top = cands.filter((c) => c.label === null);
  if (top.length === 0) {
    if (weakOnes) return notes;
    notes.push(
      cands.length
        ? 'only labelled bits (checksums, counters, lengths, parts of numbers) differ between the states: the switch may not have changed, or it is not reported in this traffic'
        : 'no bit is constant within each state and different between them: check that the switch really changed between the rounds, or try other --frames/--key settings',
    );
    return notes;
  }
  const best = top[0]!;
  const minSupport = Math.min(...Object.values(best.support).filter((n) => n > 0));
  if (minSupport < 3) notes.push(`support is low (${minSupport} message${minSupport === 1 ? '' : 's'} in a state for the best candidate): record more rounds`);
  const ties = top.filter((c) => Math.abs(c.score - best.score) < 0.005 && (c.group !== best.group || c.byte !== best.byte));
  if (ties.length > 0) {
    notes.push(`${ties.length + 1} candidates rank equally: a third state (or a round where only this switch changes) would separate them`);
  }
  return notes;
}
