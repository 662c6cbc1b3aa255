// The analysis room's own names: Message, Group, Candidate, Finding and the result's JSON shape (issue 3).
import type { Direction, Micros, Round } from '../model.js';
import type { ChecksumMatch } from './checksums.js';

/** One application frame: one or more consecutive values on one handle, reassembled. */
/** One reassembled application frame of a handle's value stream. */
export interface Frame {
  bytes: Uint8Array;
  t: Micros;
  /** Record of the first value of the frame. */
  record: number;
  /** Number of ATT values joined into this frame. */
  parts: number;
  /** Hex of the last app write that came before this frame in its round (the request it answers), or null. */
  request: string | null;
  /** A value outside any frame of the stream's rule (a lost start, a stray value): no fixed offsets, not searched for candidates. */
  orphan: boolean;
}

/** A frame placed in its state, round and stream. */
export interface Message extends Frame {
  state: string;
  /** Index of the round in the analysis input (0-based, across all states). */
  round: number;
  handle: number;
  dir: Direction;
}

export type FramesOption =
  | { kind: 'auto' }
  | { kind: 'none' }
  | { kind: 'marker'; marker: Uint8Array }
  | { kind: 'gap'; ms: number }
  | { kind: 'request' };

export type KeyOption =
  | { kind: 'auto' }
  | { kind: 'prefix'; n: number }
  | { kind: 'request' }
  | { kind: 'length' }
  | { kind: 'handle' };

export interface AnalysisOptions {
  /** Peer address of the device; chosen automatically when absent. */
  device?: string | null;
  /** Only this attribute handle (value messages; writes on other handles still delimit requests). */
  handle?: number | null;
  frames?: FramesOption;
  key?: KeyOption;
  /** Share of a state's messages that must agree on a bit (default 0.9). */
  minAgreement?: number;
  /** Messages each state must have for a bit to be a candidate (default 2); weaker differences go to `weak`. */
  minSupport?: number;
  /** Unlabelled rounds (e.g. the whole capture around a window) used only to learn how frames are cut. */
  learnFrom?: Round[];
  /** Value searches such as "13.28V" or "80%". */
  find?: string[];
  /** Called with each group's frames and learnt checksum (for views that draw every frame: the visual report). */
  onGroup?: (group: AnalysedGroup) => void;
}

export interface AnalysedGroup {
  id: string;
  messages: Message[];
  checksum: ChecksumMatch | null;
}

export interface StateSummary {
  captures: number;
  rounds: number;
  messages: number;
}

/** How each byte offset of a group behaves over the rounds (analysis/activity.ts). */
export interface GroupActivity {
  /** One activity.ts BEHAVIOUR_CHARS character per byte offset. */
  kinds: string;
  /** One digit per byte offset: the heat level (analysis/heat-level) of how often it changes. */
  levels: string;
}

export interface GroupResult {
  id: string;
  handle: number;
  dir: Direction;
  key: string;
  /** Hex of the leading bytes that every message of the group shares. */
  prefix: string;
  /** Most common message length. */
  length: number;
  lengths: { min: number; max: number };
  frames: string;
  messages: Record<string, number>;
  /** Hex of a representative message. */
  example: string;
  /** Detected checksum, e.g. "crc16-modbus over 0..33 at 34 (le)". */
  checksum: string | null;
  /** Values outside any frame (continuations whose start was lost, stray values): listed, not searched for candidates. */
  orphans: boolean;
  /** Byte offsets labelled in this group: checksum, counter, length. */
  labels: { byte: number; label: Label }[];
  /** What each byte does from frame to frame (the terminal heatmap); absent for orphans and older sessions. */
  activity?: GroupActivity;
}

/** Why a byte changes for another reason than the state ('chance': random-looking byte, too few messages to tell). */
export type Label = 'checksum' | 'counter' | 'length' | 'number' | 'chance';

export interface CandidateResult {
  group: string;
  byte: number;
  /** Lowest bit of the mask (bit 0 = least significant). */
  bit: number;
  mask: string;
  /** 'bit': one bit differs; 'byte': several bits of one byte change together (an enum), reported once. */
  kind: 'bit' | 'byte';
  /** Per state: the bit's value (kind 'bit') or the byte's value (kind 'byte'). */
  values: Record<string, number>;
  support: Record<string, number>;
  agreement: number;
  label: Label | null;
  score: number;
  /** Bits of the byte included in this candidate (for 'byte', all bits that differ). */
  bits: number[];
  /** Why the score is what it is, in a few words. */
  why: string[];
  /** Other bits that change together with this one in every round (one finding; another state can separate them). */
  together?: TogetherBit[];
}

export type TogetherBit = Pick<CandidateResult, 'group' | 'byte' | 'bit' | 'mask' | 'bits' | 'values'>;

export interface FindingResult {
  query: string;
  group: string;
  offset: number;
  encoding: string;
  scale: number;
  /** Raw = value × scale + add. */
  add: number;
  matches: number;
  of: number;
  /** Matches per state. */
  perState: Record<string, number>;
}

/** What the analysis left out, with why. */
export interface LeftOut {
  /** Rounds without a value of the device: 'empty' (no ATT values), 'other-devices' (values of other peers only), 'other-handles' (none on the asked handle). */
  rounds: { round: number; state: string; index: number; reason: 'empty' | 'other-devices' | 'other-handles'; values: number; peers: (string | null)[] }[];
  /** Values left out of the analysed rounds: of other devices (the busiest peers named), of the device on other handles (with --handle). */
  values: { otherDevices: number; otherHandles: number; peers: (string | null)[] };
}

/** A bit that separates the states in every round but one; that round is named. */
export interface NearMiss {
  group: string;
  byte: number;
  bit: number;
  mask: string;
  /** Each state's value without the odd round. */
  values: Record<string, number>;
  /** The odd round: its place in the analysis input (0-based), its state and its number in that state (1-based). */
  round: number;
  state: string;
  index: number;
  /** The odd round's own value of the bit, or null when it is not constant there. */
  roundValue: number | null;
  /** Why the bit changes for another reason than the state (judged without the odd round), or null. */
  label: Label | null;
}

export interface AnalysisResult {
  states: Record<string, StateSummary>;
  device: string | null;
  groups: GroupResult[];
  candidates: CandidateResult[];
  /** Differences seen in fewer messages than minSupport in some state: not evidence enough to rank. */
  weak: CandidateResult[];
  findings: FindingResult[];
  /** Bits that separate the states in every round but one (the round named): redo that round. */
  nearMisses: NearMiss[];
  /** Rounds and values left out of the analysis, with why. */
  leftOut: LeftOut;
  /** How each stream of the device was cut into frames (auto framing): the rule chosen and the runner-up, with their evidence. */
  framing: StreamFraming[];
  /** Hints for the user: what would make the answer clearer (data; each shell words them). */
  notes: AnalysisNote[];
  settings: { frames: string; key: string; minAgreement: number; minSupport: number; handle: number | null; device: string | null };
}

/** Evidence that a stream's values were cut into the right frames; each figure a share 0..1 (frame-evidence.ts). */
export interface FramingEvidence {
  /** Share of the values' bytes inside frames, or in values left alone whose checksum verifies (messages of their own). */
  coverage: number;
  /** Share of frame bytes in frames whose checksum verifies (one algorithm and place per frame type and length). */
  checksum: number;
  /** Share of frame bytes in frames whose length one length field gives (among frames of several lengths). */
  lengthField: number;
  /** Share of frame bytes in frames of the usual length of their type (types seen 3 times or more). */
  oneLength: number;
  /** Share of the places where the device starts talking (values after a write or a pause) at which a frame begins. */
  starts: number;
  /** Share of frame bytes in frames that straddle no pause. */
  whole: number;
  /** The verdict: coverage × the weighted evidence, 0..1. */
  score: number;
}

/** One framing hypothesis as reported: its rule ("marker:dd+length@3+7"), the frames setting that asks for it, its evidence. */
export interface FramingRuleReport {
  rule: string;
  /** The frames setting (none, request, marker:HEX, gap:MS) nearest to this rule. */
  setting: string;
  evidence: FramingEvidence;
}

export interface StreamFraming {
  handle: number;
  dir: Direction;
  chosen: FramingRuleReport;
  /** The best hypothesis that cuts other frames, or null. */
  runnerUp: FramingRuleReport | null;
  /** The runner-up comes close: the framing is worth a second look. */
  close: boolean;
}

/** An analysis setting a note or problem may point to; each shell names it (a flag, a menu entry). */
export type SettingName = 'frames' | 'key' | 'minAgreement' | 'minSupport' | 'state' | 'handle' | 'device';

/** A hint from the analysis: a code plus the values a shell needs to word it. */
export type AnalysisNote =
  /** Differences seen in fewer than minSupport messages of a state; `rankWith` would rank them. */
  | { code: 'weak-differences'; count: number; minSupport: number; rankWith: number; example: { group: string; byte: number; mask: string } }
  | { code: 'state-without-traffic'; state: string }
  | { code: 'state-few-rounds'; state: string; rounds: number }
  /** No group has messages of two states: the grouping key splits them. */
  | { code: 'key-splits-states' }
  | { code: 'only-labelled-bits' }
  | { code: 'no-bit' }
  /** The best candidate's fewest messages in a state. */
  | { code: 'low-support'; support: number }
  | { code: 'equal-ranks'; count: number }
  /** The best finding's bits that change together in every round (the first leads). */
  /** A round without a value of the device is left out of the analysis. */
  | { code: 'round-left-out'; state: string; index: number; reason: LeftOut['rounds'][number]['reason']; values: number; peers: (string | null)[] }
  /** Values of other devices (or of other handles) left out of the analysed rounds. */
  | { code: 'values-left-out'; otherDevices: number; otherHandles: number; peers: (string | null)[] }
  /** Rounds of two states read the same records of one capture (records null: no events to compare). */
  | { code: 'shared-input'; a: { state: string; index: number }; b: { state: string; index: number }; records: { from: number; to: number } | null }
  /** A round disagrees with all the others on bits that would otherwise separate the states. */
  | { code: 'near-miss'; state: string; index: number; bits: number; example: { group: string; byte: number; mask: string } }
  | { code: 'bits-together'; bits: { group: string; byte: number; bits: number[]; mask: string }[] }
  /** Two framings of a stream are close calls: the chosen one and the runner-up (with the setting that asks for it). */
  | { code: 'framing-close'; handle: number; dir: Direction; chosen: string; chosenScore: number; runnerUp: string; runnerUpScore: number; setting: string }
  /** A note as worded by a version before notes were data (old session files, filled in on load); analyze() never makes it. */
  | { code: 'worded'; text: string };

/** Why the analysis cannot run on these inputs: a code plus values (thrown as AnalysisError). */
export type AnalysisProblem =
  | { code: 'min-agreement-range'; value: number }
  | { code: 'min-support-whole'; value: number }
  | { code: 'too-few-states'; states: string[] }
  | { code: 'handle-without-values'; handle: number };
