// The session file: one JSON document per wizard session. Everything needed to re-run the
// analysis lives here (the device's ATT events as hex), so the capture files may disappear.
import type { FieldSpec } from '../analysis/fields.js';
import type { FieldsResult } from '../analysis/readings.js';
import type { AnalysisResult } from '../analysis/types.js';
import type { AttEvent, GattService, SourceInfo } from '../model.js';

export const SCHEMA_VERSION = 4;

/** The next step the wizard runs when the session is resumed. */
export const STEPS = ['target', 'source', 'record', 'analyze', 'results', 'accept', 'export', 'done'] as const;
export type Step = (typeof STEPS)[number];

/** An ATT event as stored: the value is lowercase hex. */
export type StoredEvent = Omit<AttEvent, 'value'> & { value: string };

export interface StoredConnection {
  conn: number;
  peer: string | null;
  name: string | null;
  start: number | null;
  end: number | null;
}

export interface StoredRound {
  state: string;
  /** 1-based within its state. */
  index: number;
  source: SourceInfo;
  recordedAt: string;
  /** The device this round's traffic came from (dominant peer), or null when unknown. */
  device: string | null;
  connections: StoredConnection[];
  /** Value events of other peers that were dropped (only the device's events are kept). */
  otherEvents: number;
  warnings: string[];
  events: StoredEvent[];
  /**
   * What the app showed during the round, one value each as typed ("13.28V", "soc=80%"; the grammar is
   * analysis/shown.ts); the i-th value of every round is the same reading. Absent or [] when not given.
   */
  shown?: string[];
}

export interface StoredAnalysis {
  settings: Record<string, string | number | boolean | null>;
  ranAt: string;
  /** Whole after load: what older files lack is filled in (session/complete.ts). */
  result: AnalysisResult;
}

export interface AcceptedFinding {
  group: string;
  byte: number;
  bit: number;
  mask: string;
  /** Value of the bit in each state. */
  values: Record<string, number>;
  /** Leading bytes of the frames it lives in (hex). */
  prefix: string;
  handle: number;
  /** "frame starting `DD 03`, byte 24, mask 0x02: 1 = discharge on" */
  rule: string;
}

/** What a session looks for: a switch (states compared), a reading (values the app showed), or both. */
export type TargetKind = 'switch' | 'reading' | 'both';

/**
 * A reading accepted into the session: the field that holds it and how to decode it, for the reports
 * and the decoders exported from the session (Wireshark Lua, aiobmsble):
 * value = raw × scale + add, in `unit`, raw read from `size` bytes at `offset` of the frames on
 * `handle` that start with `prefix`, as `type` (u8 i8 u16 i16 sm16 u24 i24 u32 i32 f32 bcd, ascii,
 * ascii-hex, ascii-hex-signed) in byte order `endian` (null for one byte and text).
 * A cell array has `count`: cells 1…count, `size` bytes each, from `offset` on.
 */
export interface AcceptedReading extends FieldSpec {
  /** "soc", "reading 2", "cells". */
  name: string;
  unit: string;
  count?: number;
  /** What the app showed per round, and what the field decodes to there (null: no frame of the group; a cell array: the sum of its cells). */
  shown: string[];
  decoded: (number | null)[];
  /** "frame starting dd03 (handle 0x0011), bytes 4–5 u16 be × 0.01 V" */
  rule: string;
}

export interface StoredFields {
  ranAt: string;
  result: FieldsResult;
}

export interface Session {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'bms-wizard'; version: string };
  id: string;
  created: string;
  updated: string;
  step: Step;
  device: { name: string | null; address: string | null; gatt: GattService[] | null };
  /** `setup`: what to set in the app for a state when it is not just the switch in that state (a third state). */
  target: { name: string; states: string[]; roundsPerState: number; setup?: Record<string, string>; kind?: TargetKind };
  /** Round source id ('import', 'sim', 'adb'…) and what the source needs to continue. */
  source: { id: string; options: Record<string, string> } | null;
  rounds: StoredRound[];
  analysis: StoredAnalysis | null;
  /** Settings the user chose, kept while the analysis is stale (rounds changed since it ran). */
  analysisSettings?: StoredAnalysis['settings'];
  accepted: AcceptedFinding | null;
  /** The last search for the shown values (bms-wizard fields), or null. */
  fields?: StoredFields | null;
  /** Readings accepted into the session. */
  readings?: AcceptedReading[];
  notes: string;
  exports: { format: 'md' | 'json' | 'html'; path: string; at: string }[];
  /** true for sessions made by `bms-wizard demo`. */
  demo: boolean;
}

export function newSession(id: string, version: string, now: Date = new Date()): Session {
  const at = now.toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'bms-wizard', version },
    id,
    created: at,
    updated: at,
    step: 'target',
    device: { name: null, address: null, gatt: null },
    target: { name: 'discharge switch', states: ['on', 'off'], roundsPerState: 3, kind: 'switch' },
    source: null,
    rounds: [],
    analysis: null,
    accepted: null,
    fields: null,
    readings: [],
    notes: '',
    exports: [],
    demo: false,
  };
}

/** Rounds recorded for a state (sorted by index). */
export function roundsOf(session: Session, state: string): StoredRound[] {
  return session.rounds.filter((r) => r.state === state).sort((a, b) => a.index - b.index);
}

/** "3/6 rounds" style progress. */
export function progressOf(session: Session): { rounds: number; needed: number } {
  const needed = session.target.states.length * session.target.roundsPerState;
  const rounds = session.target.states.reduce((n, s) => n + Math.min(roundsOf(session, s).length, session.target.roundsPerState), 0);
  return { rounds, needed };
}
