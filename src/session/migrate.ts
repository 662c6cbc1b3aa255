// Older session documents are brought up to SCHEMA_VERSION one version at a time,
// before validation. Each step is a pure function of the previous version's document.
import { hex0x } from '../hex.js';
import { InputError } from '../errors.js';
import { SCHEMA_VERSION } from './schema.js';

type Doc = Record<string, unknown>;

/**
 * Version 1 (bms-wizard 0.0.x): flat fields `toolVersion`, `createdAt`, `updatedAt`,
 * `deviceAddress`, `deviceName`, `target` (a name), `states`, `roundsPerState`, `sourceId`;
 * rounds with `files: string[]` and `sha256: string[]` side by side and no connections;
 * `accepted` as `{group, byte, bit}`; steps 'target' | 'record' | 'analyze' | 'done'.
 */
function v1to2(d: Doc): Doc {
  const rounds = Array.isArray(d.rounds) ? d.rounds : [];
  const asRecord = (v: unknown): Doc => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Doc) : {});
  const step = d.step === 'done' ? 'done' : d.step === 'analyze' ? 'analyze' : d.step === 'record' ? 'record' : 'target';
  const accepted = d.accepted === null || d.accepted === undefined ? null : asRecord(d.accepted);
  return {
    schemaVersion: 2,
    tool: { name: 'bms-wizard', version: typeof d.toolVersion === 'string' ? d.toolVersion : '0.0.0' },
    id: d.id,
    created: d.createdAt,
    updated: d.updatedAt,
    step,
    device: { name: d.deviceName ?? null, address: d.deviceAddress ?? null, gatt: null },
    target: { name: d.target, states: d.states, roundsPerState: d.roundsPerState },
    source: typeof d.sourceId === 'string' ? { id: d.sourceId, options: {} } : null,
    rounds: rounds.map((raw) => {
      const r = asRecord(raw);
      const files = Array.isArray(r.files) ? r.files : [];
      const sums = Array.isArray(r.sha256) ? r.sha256 : [];
      const events = Array.isArray(r.events) ? r.events : [];
      return {
        state: r.state,
        index: r.index,
        source: { kind: 'file', files: files.map((path, i) => ({ path, sha256: sums[i] })) },
        recordedAt: d.updatedAt,
        device: d.deviceAddress ?? null,
        connections: [],
        otherEvents: 0,
        warnings: [],
        // v1 had no record numbers or UUIDs.
        events: events.map((e, i) => ({ record: i + 1, uuid: null, ...asRecord(e) })),
      };
    }),
    // v1 analysis results predate the issue-3 shape: drop them, the wizard re-runs the analysis.
    analysis: null,
    accepted: accepted
      ? { group: accepted.group, byte: accepted.byte, bit: accepted.bit, mask: hex0x((1 << Number(accepted.bit))), values: {}, prefix: '', handle: 0, rule: typeof accepted.rule === 'string' ? accepted.rule : '' }
      : null,
    notes: typeof d.notes === 'string' ? d.notes : '',
    exports: [],
    demo: false,
  };
}

/**
 * Version 2 (bms-wizard 0.1, before readings): no shown values per round, no target kind (every
 * session looked for a switch), no fields search and no accepted readings.
 */
function v2to3(d: Doc): Doc {
  const asRecord = (v: unknown): Doc => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Doc) : {});
  const target = asRecord(d.target);
  return {
    ...d,
    schemaVersion: 3,
    target: { ...target, kind: 'switch' },
    rounds: Array.isArray(d.rounds) ? d.rounds.map((r) => ({ ...asRecord(r), shown: [] })) : d.rounds,
    fields: null,
    readings: [],
  };
}

/**
 * Version 3: every round's events inline in the JSON. Version 4 may keep a big round's events in
 * a side file (`eventsFile` instead of `events`); a version 3 document is a valid version 4 one.
 */
function v3to4(d: Doc): Doc {
  return { ...d, schemaVersion: 4 };
}

const STEPS_UP: Record<number, (d: Doc) => Doc> = { 1: v1to2, 2: v2to3, 3: v3to4 };

/** Returns the document at SCHEMA_VERSION (the same object when already current). */
export function migrateSession(doc: unknown, file: string): { doc: unknown; from: number } {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InputError(`${file} is not a bms-wizard session: the file holds ${Array.isArray(doc) ? 'an array' : typeof doc === 'object' ? 'null' : `a ${typeof doc}`}, not an object`);
  }
  const version = (doc as Doc).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new InputError(`${file} is not a bms-wizard session: at $.schemaVersion, no schema version found. Pick a file under sessions/ or start a new session`);
  }
  if (version > SCHEMA_VERSION) {
    throw new InputError(`${file} was written by a newer bms-wizard (schema ${version}; this one reads up to ${SCHEMA_VERSION}). Update bms-wizard to open it`);
  }
  let d = doc as Doc;
  for (let v = version; v < SCHEMA_VERSION; v++) d = STEPS_UP[v]!(d);
  return { doc: d, from: version };
}
