// The analysis: rounds → device → streams → frames → groups → bit statistics → labelled, ranked candidates.
import { groupBy } from './stats.js';
import { AnalysisError } from './analysis-error.js';
import { toHex } from '../hex.js';
import type { Direction, Micros, Round } from '../model.js';
import { countGroup, findBitCandidates } from './bits.js';
import { describeChecksum } from './checksums.js';
import { chooseDevice, deviceEvents, logHandles, ofDevice, streamId } from './device.js';
import { findValues, parseQuery } from './find.js';
import { assemble, describeRule, type FrameRule, type StreamValue } from './frames.js';
import { LEARN_VALUES, sampleRounds } from './frame-learning.js';
import { StreamRound } from './stream-values.js';
import { EventMessage, KeptMessage } from './kept-message.js';
import { chooseRule, framingReport } from './frame-hypotheses.js';
import { commonPrefix, groupStream } from './groups.js';
import { groupActivity } from './activity.js';
import { continuesCounter, isChance, isNumberPart, labelGroup } from './labels.js';
import { describeFramesOption, describeKeyOption } from './options.js';
import { buildCandidates, sortCandidates } from './rank.js';
import { explained, findNearMisses } from './near-miss.js';
import { sharedInputs } from './shared-input.js';
import { leftOut } from './left-out.js';
import { foldTogether, TIE } from './together.js';
import type { AnalysisNote, AnalysisOptions, AnalysisResult, CandidateResult, FramesOption, GroupResult, KeyOption, Message, NearMiss, StateSummary, StreamFraming } from './types.js';

export interface Stream {
  handle: number;
  dir: Direction;
  /** Per round (index into the rounds array). */
  values: Map<number, StreamRound>;
}

/** Splits each round's device events into streams (handle × direction), noting the app's writes. */
export function buildStreams(rounds: Round[], device: string | null, withUnknown: boolean): Map<string, Stream> {
  const streams = new Map<string, Stream>();
  const own = logHandles(rounds, device);
  rounds.forEach((round, ri) => {
    const mine = ofDevice(round.events, device, withUnknown, own.get(round));
    // Captures come in record order: sort only when they do not (sorting millions costs seconds),
    // and copy the device's events out of the round's only then.
    let sorted = true;
    let prev = -Infinity;
    for (const e of round.events) {
      if (!mine(e)) continue;
      if (e.record < prev) {
        sorted = false;
        break;
      }
      prev = e.record;
    }
    const evs = sorted ? round.events : round.events.filter(mine).sort((a, b) => a.record - b.record);
    let writes = 0;
    let lastWrite: string | null = null;
    // This round's list and writes seen per stream, by a numeric key (no string per event).
    const here = new Map<number, { list: StreamRound; seenWrites: number }>();
    for (const e of evs) {
      if (sorted && !mine(e)) continue;
      const fromApp = e.dir === 'app-to-device';
      const k = e.handle * 2 + (fromApp ? 1 : 0);
      let h = here.get(k);
      if (!h) {
        const id = streamId(e.handle, e.dir);
        let s = streams.get(id);
        if (!s) streams.set(id, (s = { handle: e.handle, dir: e.dir, values: new Map() }));
        let list = s.values.get(ri);
        if (!list) s.values.set(ri, (list = new StreamRound()));
        here.set(k, (h = { list, seenWrites: 0 }));
      }
      h.list.push(e, !fromApp && writes > h.seenWrites, fromApp ? null : lastWrite);
      h.seenWrites = writes;
      if (fromApp) {
        writes++;
        lastWrite = toHex(e.value);
      }
    }
  });
  return streams;
}

/** The most common message length (the longer of two as common). */
function modalLength(msgs: Message[]): number {
  const c = new Map<number, number>();
  let best = 0;
  let n = 0;
  for (const m of msgs) {
    const x = m.bytes.length;
    const k = (c.get(x) ?? 0) + 1;
    c.set(x, k);
    if (k > n || (k === n && x > best)) [best, n] = [x, k];
  }
  return best;
}

/** The shortest message's length (0 without messages). */
function minMessageLength(msgs: Message[]): number {
  let n = Infinity;
  for (const m of msgs) if (m.bytes.length < n) n = m.bytes.length;
  return msgs.length ? n : 0;
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

/** The settings of one analysis, checked. */
interface Settings {
  frames: FramesOption;
  key: KeyOption;
  minAgreement: number;
  minSupport: number;
  states: string[];
}

function checkSettings(rounds: Round[], options: AnalysisOptions): Settings {
  const minAgreement = options.minAgreement ?? 0.9;
  if (!(minAgreement > 0.5 && minAgreement <= 1)) throw new AnalysisError({ code: 'min-agreement-range', value: minAgreement });
  const minSupport = options.minSupport ?? 2;
  if (!(Number.isInteger(minSupport) && minSupport >= 1)) throw new AnalysisError({ code: 'min-support-whole', value: minSupport });
  const states: string[] = [];
  for (const r of rounds) if (!states.includes(r.state)) states.push(r.state);
  if (states.length < 2) throw new AnalysisError({ code: 'too-few-states', states });
  return { frames: options.frames ?? { kind: 'auto' }, key: options.key ?? { kind: 'auto' }, minAgreement, minSupport, states };
}

/** The device's streams that carry values of the analysed rounds (context rounds only help to learn frames). */
function selectStreams(rounds: Round[], options: AnalysisOptions, device: string | null, withUnknown: boolean): Stream[] {
  const context = options.learnFrom ?? [];
  const handle = options.handle ?? null;
  const streams = [...buildStreams([...rounds, ...context], device, withUnknown).values()]
    .filter((s) => [...s.values.keys()].some((i) => i < rounds.length))
    .filter((s) => handle === null || s.handle === handle)
    .sort((a, b) => Number(a.dir === 'app-to-device') - Number(b.dir === 'app-to-device') || a.handle - b.handle);
  if (handle !== null && streams.length === 0) throw new AnalysisError({ code: 'handle-without-values', handle });
  return streams;
}

/** Step 1 of a stream: its frame rule (from all its values, context included) and the analysed rounds' messages. */
function frameStream(s: Stream, rounds: Round[], frames: FramesOption): { rule: FrameRule; messages: Message[]; framing: StreamFraming | null } {
  const allIdx = [...s.values.keys()].sort((a, b) => a - b);
  const { rule, choice } = chooseRule(sampleRounds(allIdx.map((i) => s.values.get(i)!), LEARN_VALUES), frames, s.dir === 'app-to-device');
  const messages: Message[] = [];
  for (const ri of allIdx) {
    if (ri >= rounds.length) continue;
    const state = rounds[ri]!.state;
    // Messages built where frames are cut (no frame object per message to collect), compact
    // (kept-message.ts): the round's place shared, the bytes' view made when read, a message that
    // is one whole value its event.
    const place = { state, round: ri, handle: s.handle, dir: s.dir };
    const make = (bytes: Uint8Array, t: Micros, record: number, parts: number, request: string | null, orphan: boolean, from: StreamValue): Message =>
      parts === 1 && from.event && bytes === from.bytes ? new EventMessage(from.event, request, orphan, place) : new KeptMessage(bytes, t, record, parts, request, orphan, place);
    for (const m of assemble(s.values.get(ri)!, rule, make)) messages.push(m);
    s.values.delete(ri);
  }
  // Cut into messages, the stream's values need not stay alive while the rest is analysed.
  s.values.clear();
  return { rule, messages, framing: choice ? framingReport(s.handle, s.dir, choice) : null };
}

/** A group of a stream before it is numbered: its messages, bit statistics and labels. */
interface StreamGroup {
  key: string;
  messages: Message[];
  stats: ReturnType<typeof countGroup>;
  length: number;
  labels: ReturnType<typeof labelGroup>;
  orphans: boolean;
}

/** Step 2 of a stream: its messages grouped (framed by key, standalone values, orphans) and labelled. */
function groupAndLabel(messages: Message[], rule: FrameRule, key: KeyOption, states: string[]): StreamGroup[] {
  const markerLength = rule.marker?.length ?? 0;
  const lone = messages.filter((m) => m.orphan);
  const { standalone, orphans } = standaloneGroups(lone, key);
  const parts: { key: string; messages: Message[]; orphans?: boolean }[] = [
    ...groupStream(lone.length ? messages.filter((m) => !m.orphan) : messages, key, markerLength).sort((a, b) => b.messages.length - a.messages.length),
    ...standalone,
    ...(orphans.length ? [{ key: 'orphans', messages: orphans, orphans: true }] : []),
  ];
  // Labels first for every group of the stream: a frame counter seen in one frame type is the
  // same counter in the others (where too few frames may hide it).
  const groups = parts.map((part): StreamGroup => {
    const stats = countGroup(part.messages, states);
    const length = modalLength(part.messages);
    return { key: part.key, messages: part.messages, stats, length, labels: labelGroup(part.messages, stats, rule.length, length), orphans: part.orphans === true };
  });
  const headerEnd = markerLength + 4;
  const streamCounters = new Map<number, Message[][]>();
  for (const g of groups) if (!g.orphans) for (const [b, l] of g.labels.bytes) if (l === 'counter' && b < headerEnd) streamCounters.set(b, [...(streamCounters.get(b) ?? []), g.messages]);
  for (const g of groups) for (const [b, sources] of streamCounters) if (b < g.stats.length && !g.labels.bytes.has(b) && continuesCounter(sources, g.messages, b)) g.labels.bytes.set(b, 'counter');
  return groups;
}

/** Step 3 of a stream: a numbered group's result and its candidate bits. */
function judgeGroup(id: string, g: StreamGroup, s: Stream, ruleText: string, settings: Settings): { group: GroupResult; candidates: CandidateResult[] } {
  const { messages: gm, stats, labels, orphans } = g;
  const group = describeGroup(id, g, s, ruleText, settings.states);
  if (orphans) return { group, candidates: [] };
  group.activity = groupActivity(gm, stats);
  const bits = findBitCandidates(stats, settings.minAgreement);
  if (bits.length === 0) return { group, candidates: [] };
  const candidates = buildCandidates(bits, {
    group: id,
    stats,
    labelOf: (byte, mask, decided) =>
      labels.bytes.get(byte) ?? (isChance(stats, byte, decided) ? 'chance' : isNumberPart(gm, stats, byte, mask, decided) ? 'number' : null),
  });
  return { group, candidates };
}

/** A numbered group's result (what it holds, how it is framed and labelled). */
function describeGroup(id: string, g: StreamGroup, s: Stream, ruleText: string, states: string[]): GroupResult {
  const { messages: gm, stats, length, labels, orphans } = g;
  const perState: Record<string, number> = {};
  states.forEach((st, i) => (perState[st] = stats.messages[i]!));
  return {
    id,
    handle: s.handle,
    dir: s.dir,
    key: g.key,
    prefix: commonPrefix(gm),
    length,
    lengths: { min: minMessageLength(gm), max: stats.length },
    frames: ruleText,
    messages: perState,
    example: example(gm, states[0]!),
    checksum: labels.checksum ? describeChecksum(labels.checksum, length) : null,
    orphans,
    labels: [...labels.bytes.entries()].sort((a, b) => a[0] - b[0]).map(([byte, label]) => ({ byte, label })),
  };
}

/** The one state of frameGroups(). */
export const FRAMED_STATE = 'all';

/**
 * The device's frames, grouped and labelled as analyze() does, without comparing states (one round is
 * enough): what `fields` and the frame map search. Each group keeps its messages.
 */
export function frameGroups(given: Round[], options: Pick<AnalysisOptions, 'device' | 'handle' | 'frames' | 'key' | 'learnFrom'> = {}): { device: string | null; groups: { result: GroupResult; messages: Message[] }[] } {
  // Nothing is compared: every round is one state, so that no key is avoided for splitting states
  // (Message.round still tells the rounds apart).
  const rounds = given.map((r) => ({ ...r, state: FRAMED_STATE }));
  const states = [FRAMED_STATE];
  const frames = options.frames ?? { kind: 'auto' };
  const key = options.key ?? { kind: 'auto' };
  const { device, withUnknown } = chooseDevice(rounds, options.device);
  const groups: { result: GroupResult; messages: Message[] }[] = [];
  for (const s of selectStreams(rounds, options, device, withUnknown)) {
    const { rule, messages } = frameStream(s, rounds, frames);
    const ruleText = describeRule(rule);
    for (const g of groupAndLabel(messages, rule, key, states)) {
      groups.push({ result: describeGroup(`g${groups.length + 1}`, g, s, ruleText, states), messages: g.messages });
    }
  }
  return { device, groups };
}

export function analyze(rounds: Round[], options: AnalysisOptions = {}): AnalysisResult {
  const settings = checkSettings(rounds, options);
  const { states, minSupport } = settings;
  const queries = (options.find ?? []).map(parseQuery);
  const { device, withUnknown } = chooseDevice(rounds, options.device);

  const groups: GroupResult[] = [];
  const candidates: CandidateResult[] = [];
  const groupMessages: { id: string; messages: Message[] }[] = [];
  const messagesPerState = new Map<string, number>(states.map((s) => [s, 0]));
  const nearMisses: NearMiss[] = [];
  const framing: StreamFraming[] = [];
  for (const s of selectStreams(rounds, options, device, withUnknown)) {
    const { rule, messages, framing: streamFraming } = frameStream(s, rounds, settings.frames);
    if (streamFraming) framing.push(streamFraming);
    for (const m of messages) messagesPerState.set(m.state, messagesPerState.get(m.state)! + 1);
    const ruleText = describeRule(rule);
    for (const g of groupAndLabel(messages, rule, settings.key, states)) {
      const id = `g${groups.length + 1}`;
      const judged = judgeGroup(id, g, s, ruleText, settings);
      groups.push(judged.group);
      candidates.push(...judged.candidates);
      groupMessages.push({ id, messages: g.messages });
      if (!g.orphans) nearMisses.push(...nearMissesOf(id, g, judged.candidates, rounds, states, settings.minAgreement));
      options.onGroup?.({ id, messages: g.messages, checksum: g.labels.checksum });
    }
  }

  const order = new Map(groups.map((g, i) => [g.id, i]));
  const supported = (c: CandidateResult): boolean => leastSupport(c) >= minSupport;
  const messagesOf = new Map(groupMessages.map((g) => [g.id, g.messages]));
  const sorted = foldTogether(sortCandidates(candidates.filter(supported), order), (g) => messagesOf.get(g) ?? []);
  const weak = sortCandidates(candidates.filter((c) => !supported(c)), order);
  const findings = queries.length ? findValues(queries, groupMessages) : [];

  const summary: Record<string, StateSummary> = {};
  const own = logHandles(rounds, device);
  for (const st of states) {
    const rs = rounds.filter((r) => r.state === st);
    const files = new Set(rs.flatMap((r) => r.source.files.map((f) => f.path)));
    const withDevice = rs.filter((r) => r.events.some(ofDevice(r.events, device, withUnknown, own.get(r)))).length;
    summary[st] = { captures: files.size || rs.length, rounds: withDevice, messages: messagesPerState.get(st)! };
  }
  // Inputs first: two states reading the same records explain any answer that follows.
  const notes: AnalysisNote[] = sharedInputs(rounds).map((x) => ({ code: 'shared-input', ...x }));
  const left = leftOut(rounds, device, withUnknown, options.handle ?? null);
  for (const r of left.rounds) notes.push({ code: 'round-left-out', state: r.state, index: r.index, reason: r.reason, values: r.values, peers: r.peers });
  if (left.values.otherDevices || left.values.otherHandles) notes.push({ code: 'values-left-out', ...left.values });
  const weakUnlabelled = weak.filter((c) => c.label === null);
  if (weakUnlabelled.length) {
    const e = weakUnlabelled[0]!;
    notes.push({
      code: 'weak-differences',
      count: weakUnlabelled.length,
      minSupport,
      rankWith: Math.max(1, Math.min(...weakUnlabelled.map(leastSupport))),
      example: { group: e.group, byte: e.byte, mask: e.mask },
    });
  }
  notes.push(...adviseOn(summary, groups, sorted, states, weakUnlabelled.length > 0));
  for (const f of framing) {
    if (!f.close || !f.runnerUp) continue;
    notes.push({ code: 'framing-close', handle: f.handle, dir: f.dir, chosen: f.chosen.rule, chosenScore: f.chosen.evidence.score, runnerUp: f.runnerUp.rule, runnerUpScore: f.runnerUp.evidence.score, setting: f.runnerUp.setting });
  }
  notes.push(...oddRounds(nearMisses));
  return {
    states: summary,
    device,
    groups,
    candidates: sorted,
    weak,
    findings,
    nearMisses,
    leftOut: left,
    framing,
    notes,
    settings: { frames: describeFramesOption(settings.frames), key: describeKeyOption(settings.key), minAgreement: settings.minAgreement, minSupport, handle: options.handle ?? null, device: options.device ?? null },
  };
}

/**
 * Bits of a group that separate the states in every round but one (not candidates, not in labelled
 * bytes), each judged like a candidate on the rounds without its odd one: a number that drifted
 * across a bit boundary during one round is labelled, a flag is not.
 */
function nearMissesOf(id: string, g: StreamGroup, cands: CandidateResult[], rounds: Round[], states: string[], minAgreement: number): NearMiss[] {
  const taken = new Set(cands.flatMap((c) => c.bits.map((b) => c.byte * 8 + b)));
  const misses = findNearMisses(id, g.messages, g.stats.length, minAgreement, (byte, bit) => explained(g.labels.bytes.get(byte)) || taken.has(byte * 8 + bit), (r) => rounds[r]!.index);
  for (const [round, list] of groupBy(misses, (m) => m.round)) {
    const rest = g.messages.filter((m) => m.round !== round);
    const stats = countGroup(rest, states);
    for (const m of list) {
      const decided = states.map((st) => m.values[st] !== undefined);
      m.label = g.labels.bytes.get(m.byte) ?? (isChance(stats, m.byte, decided) ? 'chance' : isNumberPart(rest, stats, m.byte, 1 << m.bit, decided) ? 'number' : null);
    }
  }
  return misses;
}

/** One note per round that unlabelled near misses name (the round to check and redo). */
function oddRounds(misses: NearMiss[]): AnalysisNote[] {
  const by = groupBy(misses.filter((m) => m.label === null), (m) => m.round);
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, l]) => {
      const e = l[0]!;
      return { code: 'near-miss', state: e.state, index: e.index, bits: l.length, example: { group: e.group, byte: e.byte, mask: e.mask } };
    });
}

/** The fewest messages of a state that show the candidate's difference. */
function leastSupport(c: CandidateResult): number {
  return Math.min(...Object.values(c.support).filter((n) => n > 0));
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
function adviseOn(summary: Record<string, StateSummary>, groups: GroupResult[], cands: CandidateResult[], states: string[], weakOnes: boolean): AnalysisNote[] {
  const notes: AnalysisNote[] = [];
  for (const st of states) {
    if (summary[st]!.rounds === 0) notes.push({ code: 'state-without-traffic', state: st });
    else if (summary[st]!.rounds < 2) notes.push({ code: 'state-few-rounds', state: st, rounds: summary[st]!.rounds });
  }
  const shared = groups.filter((g) => states.filter((s) => g.messages[s]! > 0).length >= 2);
  if (groups.length > 0 && shared.length === 0) notes.push({ code: 'key-splits-states' });
  const top = cands.filter((c) => c.label === null);
  if (top.length === 0) {
    if (!weakOnes) notes.push({ code: cands.length ? 'only-labelled-bits' : 'no-bit' });
    return notes;
  }
  const best = top[0]!;
  const support = leastSupport(best);
  if (support < 3) notes.push({ code: 'low-support', support });
  if (best.together?.length) notes.push({ code: 'bits-together', bits: [best, ...best.together].map(({ group, byte, bits, mask }) => ({ group, byte, bits, mask })) });
  const ties = top.filter((c) => Math.abs(c.score - best.score) < TIE && (c.group !== best.group || c.byte !== best.byte));
  if (ties.length > 0) notes.push({ code: 'equal-ranks', count: ties.length + 1 });
  return notes;
}
