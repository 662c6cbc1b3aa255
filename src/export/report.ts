// The export: one report object (JSON as is, markdown rendered from it), optionally redacted.
import { basename } from 'node:path';
import { hex0x } from '../hex.js';
import { frameSelector } from '../session/finding.js';
import type { GattService } from '../model.js';
import { knownJson, type KnownJson } from '../analysis/known/words.js';
import type { AcceptedFinding, AcceptedReading, Session, StoredAnalysis } from '../session/schema.js';
import { sessionKnown } from './known.js';
import { createRedactor, type Redactor } from './redact.js';

/** Version of the export's own shape (not of the session file). */
export const REPORT_SCHEMA_VERSION = 1;

export interface ReportQuery {
  handle: number;
  uuid: string | null;
  op: string;
  /** Lowercase hex of the written value. */
  value: string;
  count: number;
  /** States whose rounds hold this write: a write of one state only (of several) sets something, the others ask. */
  states: string[];
}

export interface ReportRound {
  index: number;
  source: string;
  files: { path: string; sha256: string }[];
  /** The part of the files the round is ("records #3..#9", "12.5..20 s", "connection 2"), or null for the whole file: the round can be rebuilt from it. */
  part: string | null;
  connections: number;
  messages: { fromDevice: number; toDevice: number };
  warnings: string[];
  /** What the app showed during the round (empty when not asked). */
  shown: string[];
}

export interface Report {
  schemaVersion: number;
  kind: 'bms-wizard-report';
  tool: { name: string; version: string };
  session: { id: string; created: string; updated: string; step: string; demo: boolean };
  redacted: boolean;
  device: { name: string | null; address: string | null; gatt: GattService[] | null };
  target: Session['target'];
  /** What the app wrote to the device: queries (in every state) and set commands (in some states only). */
  queries: ReportQuery[];
  states: Record<string, { rounds: ReportRound[]; messages: number }>;
  analysis: StoredAnalysis | null;
  accepted: AcceptedFinding | null;
  /** The accepted finding as a decoder rule: which frame, offset, size, mask, meaning of each value. */
  decoder: DecoderRule | null;
  /** The known BMS family the device's frames match (checksums and lengths verified), with the documented meanings of candidates. */
  known: KnownJson | null;
  /** Readings accepted into the session, and each as a decoder rule. */
  readings: AcceptedReading[];
  readingRules: ReadingRule[];
  notes: string;
}

/** A reading as a decoder rule: value = raw × scale + add, in unit (cells: `count` values of `size` bytes). */
export interface ReadingRule extends Pick<AcceptedReading, 'name' | 'offset' | 'size' | 'type' | 'endian' | 'scale' | 'add' | 'unit' | 'count'> {
  frame: { handle: number; startsWith: string; length: number | null };
  text: string;
}

export interface DecoderRule {
  /** `selector`: the whole selector in words (length, leading bytes, handle, the request it answers). */
  frame: { handle: number; startsWith: string; length: number | null; selector: string };
  offset: number;
  size: 1;
  mask: string;
  /** Value of (byte & mask) >> bit per state: 0/1 for a bit; for a whole-byte change, the byte's value. */
  values: Record<string, number>;
  text: string;
}

/** "records #3..#9, connection 2": what of its files a round is (windows as FILE@… takes them). */
function roundPart(src: Session['rounds'][number]['source']): string | null {
  const w = src.window;
  const parts = [w ? (w.unit === 'records' ? `records #${w.from}..#${w.to}` : `${w.from}..${w.to} s`) : null, src.conn !== undefined ? `connection ${src.conn}` : null].filter((x): x is string => x !== null);
  return parts.length ? parts.join(', ') : null;
}

function decoderOf(session: Session): DecoderRule | null {
  const a = session.accepted;
  if (!a) return null;
  const g = session.analysis?.result.groups.find((x) => x.id === a.group);
  return {
    frame: { handle: a.handle, startsWith: a.prefix, length: g?.length ?? null, selector: g ? frameSelector(g) : `frame on handle ${hex0x(a.handle, 4)}` },
    offset: a.byte,
    size: 1,
    mask: a.mask,
    values: { ...a.values },
    text: a.rule,
  };
}

function readingRulesOf(session: Session): ReadingRule[] {
  return (session.readings ?? []).map((r) => {
    const g = session.fields?.result.groups.find((x) => x.id === r.group) ?? session.analysis?.result.groups.find((x) => x.id === r.group);
    return {
      name: r.name,
      frame: { handle: r.handle, startsWith: r.prefix, length: g?.length ?? null },
      offset: r.offset,
      size: r.size,
      type: r.type,
      endian: r.endian,
      scale: r.scale,
      add: r.add,
      unit: r.unit,
      ...(r.count !== undefined ? { count: r.count } : {}),
      text: r.rule,
    };
  });
}

function knownOf(session: Session): KnownJson | null {
  const k = sessionKnown(session);
  return k && knownJson(k, session.analysis?.result.candidates ?? []);
}

export function buildReport(session: Session, opts: { redact?: boolean } = {}): Report {
  const redact = Boolean(opts.redact);
  const device = session.device.address;
  const isDevice = (peer: string | null): boolean => !redact || device === null || peer === null || peer === device;

  const queries = new Map<string, ReportQuery>();
  const states: Report['states'] = {};
  for (const state of session.target.states) states[state] = { rounds: [], messages: 0 };
  for (const r of [...session.rounds].sort((a, b) => a.index - b.index)) {
    const events = r.events.filter((e) => isDevice(e.peer));
    for (const e of events) {
      if (e.dir !== 'app-to-device') continue;
      const k = `${e.handle}:${e.value}`;
      const q = queries.get(k);
      if (q) {
        q.count++;
        if (!q.states.includes(r.state)) q.states.push(r.state);
      } else queries.set(k, { handle: e.handle, uuid: e.uuid, op: e.op, value: e.value, count: 1, states: [r.state] });
    }
    const fromDevice = events.filter((e) => e.dir === 'device-to-app').length;
    const conns = r.connections.filter((c) => isDevice(c.peer)).length;
    const s = (states[r.state] ??= { rounds: [], messages: 0 });
    s.messages += fromDevice;
    s.rounds.push({
      index: r.index,
      source: r.source.kind,
      files: r.source.files.map((f) => ({ path: redact ? basename(f.path) : f.path, sha256: f.sha256 })),
      part: roundPart(r.source),
      connections: conns,
      messages: { fromDevice, toDevice: events.length - fromDevice },
      warnings: r.warnings,
      shown: [...(r.shown ?? [])],
    });
  }

  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'bms-wizard-report',
    tool: { ...session.tool },
    session: { id: session.id, created: session.created, updated: session.updated, step: session.step, demo: session.demo },
    redacted: redact,
    device: { ...session.device },
    target: { ...session.target, states: [...session.target.states] },
    queries: [...queries.values()].sort((a, b) => b.count - a.count || a.handle - b.handle),
    states,
    analysis: session.analysis,
    accepted: session.accepted,
    decoder: decoderOf(session),
    known: knownOf(session),
    readings: session.readings ?? [],
    readingRules: readingRulesOf(session),
    notes: session.notes,
  };
  if (!redact) return report;
  return redactorOf(session).value(report);
}

/** The redactor for every address the session knows; the device gets the first placeholder, so reports read the same across sessions. */
function redactorOf(session: Session): Redactor {
  const addresses: Array<string | null> = [session.device.address];
  for (const r of session.rounds) addresses.push(r.device, ...r.connections.map((c) => c.peer), ...r.events.map((e) => e.peer));
  return createRedactor(addresses);
}

/** The same redaction as the report's, for other text made from the session (the bundle's files). */
export function redactText(session: Session, text: string): string {
  return redactorOf(session).text(text);
}

export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
