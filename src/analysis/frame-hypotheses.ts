// Framing as competing hypotheses per stream: each way of cutting the values (none, a start marker
// with a length field or a fixed length per type, request-delimited, a time gap, a length field
// alone) is tried and judged by the evidence in frame-evidence.ts; the best wins, the runner-up
// is reported, and a close call is said so.
import { judgeRule, startFlags } from './frame-evidence.js';
import { extendMarker, hasWrites, LEARN_VALUES, learnGap, learnLength, learnRule, learnSpanningLength, ruleForMarker, sampleRounds } from './frame-learning.js';
import { assemble, describeRule, NO_RULE, type FrameRule, type StreamValue } from './frames.js';
import { toHex } from '../hex.js';
import type { Direction } from '../model.js';
import type { FramesOption, FramingEvidence, FramingRuleReport, StreamFraming } from './types.js';

export interface FramingHypothesis {
  rule: FrameRule;
  evidence: FramingEvidence;
  /** Fingerprint of the frames it cuts. */
  cut: number;
}

export interface FramingChoice {
  chosen: FramingHypothesis;
  /** The best hypothesis that cuts other frames, or null when every one cuts alike. */
  runnerUp: FramingHypothesis | null;
  /** The runner-up's score comes within CLOSE of the chosen one's. */
  close: boolean;
}

/** A rule learnt by the earlier single-track learner wins unless another beats it by this much. */
const KEEP_MARGIN = 0.05;
/** A runner-up this close to the chosen rule is worth a word to the user. */
export const CLOSE = 0.1;

/** Leading sequences worth trying as start markers: frequent first bytes, and the first bytes where the device starts talking. */
function markerCandidates(rounds: StreamValue[][]): Uint8Array[] {
  const all: Uint8Array[] = [];
  const starts: Uint8Array[] = [];
  const flags = startFlags(rounds);
  for (const r of rounds) {
    for (const v of r) {
      if (v.bytes.length === 0) continue;
      all.push(v.bytes);
      if (flags.start.get(v)) starts.push(v.bytes);
    }
  }
  const top = (values: Uint8Array[], n: number): [number, number][] => {
    const c = new Map<number, number>();
    for (const v of values) c.set(v[0]!, (c.get(v[0]!) ?? 0) + 1);
    return [...c.entries()].filter(([, k]) => k >= 3 && k >= values.length * 0.02).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, n);
  };
  const bytes = new Map<number, number>();
  for (const [b] of [...top(all, 4), ...top(starts, 3)]) bytes.set(b, all.filter((v) => v[0] === b).length);
  const out: Uint8Array[] = [];
  for (const [b, count] of bytes) {
    const m = extendMarker(all, b, count);
    out.push(m);
    if (m.length > 1) out.push(Uint8Array.of(b)); // the shorter marker too: types may differ in the second byte
  }
  return out;
}

/** Every rule worth judging for a stream of the device. */
function hypotheses(rounds: StreamValue[][]): FrameRule[] {
  const rules: FrameRule[] = [learnRule(rounds, false), NO_RULE];
  for (const m of markerCandidates(rounds)) {
    const rule = ruleForMarker(rounds, m);
    rules.push(rule);
    // Marker bytes inside the data cut frames short, and then few of them show their length field:
    // a field seen in a third of them is worth judging (cut with the field, the frames hold together).
    if (!rule.length) {
      const frames = rounds.flatMap((r) => assemble(r, { ...NO_RULE, marker: m })).filter((f) => !f.orphan).map((f) => f.bytes);
      const length = learnLength(frames, m, 0.3);
      if (length) rules.push({ ...rule, length, fixed: null, fixedByType: undefined });
    }
  }
  const raw = rounds.flat().map((v) => v.bytes);
  const rawLength = learnLength(raw, null);
  if (rawLength) rules.push({ ...NO_RULE, length: rawLength });
  const spanning = learnSpanningLength(rounds);
  if (spanning) rules.push({ ...NO_RULE, length: spanning });
  if (hasWrites(rounds)) {
    rules.push({ ...NO_RULE, request: true });
    const byRequest = rounds.flatMap((r) => assemble(r, { ...NO_RULE, request: true }));
    const length = learnLength(byRequest.map((f) => f.bytes), null);
    if (length) rules.push({ ...NO_RULE, request: true, length });
  }
  const gapUs = learnGap(rounds);
  if (gapUs !== null) rules.push({ ...NO_RULE, gapUs });
  const seen = new Set<string>();
  return rules.filter((r) => {
    const k = describeRule(r) + (r.standalone ? `/${[...r.standalone].sort().join(',')}` : '') + (r.length?.anchor ?? '');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Every hypothesis judged on the stream's values; the earlier single-track learner's rule first. */
export function judgeHypotheses(rounds: StreamValue[][]): FramingHypothesis[] {
  return hypotheses(rounds).map((rule) => ({ rule, ...judgeRule(rounds, rule) }));
}

/** Judges every hypothesis on the stream's values and picks the one the evidence supports. */
export function chooseFraming(rounds: StreamValue[][]): FramingChoice {
  const judged = judgeHypotheses(rounds);
  const incumbent = judged[0]!;
  const ranked = [...judged].sort((a, b) => b.evidence.score - a.evidence.score);
  const best = ranked[0]!;
  const chosen = best.evidence.score - incumbent.evidence.score > KEEP_MARGIN ? best : incumbent;
  const runnerUp = ranked.find((h) => h.cut !== chosen.cut) ?? null;
  return { chosen, runnerUp, close: runnerUp !== null && chosen.evidence.score - runnerUp.evidence.score < CLOSE };
}

/**
 * The rule for one stream: explicit from the frames setting, or judged among the hypotheses
 * (auto; `choice` then says how). The app's writes are never joined: each is one message.
 */
export function chooseRule(rounds: StreamValue[][], option: FramesOption, fromApp: boolean): { rule: FrameRule; choice: FramingChoice | null } {
  if (fromApp) return { rule: NO_RULE, choice: null };
  switch (option.kind) {
    case 'none':
      return { rule: NO_RULE, choice: null };
    case 'marker':
      return { rule: { ...NO_RULE, marker: option.marker }, choice: null };
    case 'gap':
      return { rule: { ...NO_RULE, gapUs: option.ms * 1000 }, choice: null };
    case 'request':
      return { rule: { ...NO_RULE, request: true }, choice: null };
    case 'auto': {
      const choice = chooseFraming(sampleRounds(rounds, LEARN_VALUES));
      return { rule: choice.chosen.rule, choice };
    }
  }
}

/** The frames setting nearest to a rule: what a user gives to ask for it. */
export function settingFor(rule: FrameRule): string {
  if (rule.marker) return `marker:${toHex(rule.marker)}`;
  if (rule.request) return 'request';
  if (rule.gapUs !== null) return `gap:${rule.gapUs / 1000}`;
  return 'none';
}

function ruleReport(h: FramingHypothesis): FramingRuleReport {
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  const e = h.evidence;
  return {
    rule: describeRule(h.rule),
    setting: settingFor(h.rule),
    evidence: { coverage: round(e.coverage), checksum: round(e.checksum), lengthField: round(e.lengthField), oneLength: round(e.oneLength), starts: round(e.starts), whole: round(e.whole), score: round(e.score) },
  };
}

/** The choice of a stream as the result reports it. */
export function framingReport(handle: number, dir: Direction, c: FramingChoice): StreamFraming {
  return { handle, dir, chosen: ruleReport(c.chosen), runnerUp: c.runnerUp ? ruleReport(c.runnerUp) : null, close: c.close };
}
