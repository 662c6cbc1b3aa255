// Checks a parsed session document field by field; the first problem becomes one InputError
// naming the file and the JSON path (e.g. `$.rounds[2].events[5].value`).
import { InputError } from '../errors.js';
import { SCHEMA_VERSION, STEPS, type Session } from './schema.js';

class Problem extends Error {
  constructor(readonly path: string, readonly what: string) {
    super(`${path}: ${what}`);
  }
}

type Obj = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 30 ? `${v.slice(0, 30)}…` : v}"`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Problem(path, `expected an object, found ${describe(v)}`);
  return v as Obj;
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new Problem(path, `expected an array, found ${describe(v)}`);
  return v;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new Problem(path, `expected a string, found ${describe(v)}`);
  return v;
}
function strOrNull(v: unknown, path: string): string | null {
  return v === null ? null : str(v, path);
}
function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Problem(path, `expected a number, found ${describe(v)}`);
  return v;
}
function numOrNull(v: unknown, path: string): number | null {
  return v === null ? null : num(v, path);
}
function int(v: unknown, path: string, min = 0): number {
  const n = num(v, path);
  if (!Number.isInteger(n) || n < min) throw new Problem(path, `expected a whole number ≥ ${min}, found ${n}`);
  return n;
}
function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new Problem(path, `expected true or false, found ${describe(v)}`);
  return v;
}
function hex(v: unknown, path: string): string {
  const s = str(v, path);
  if (s.length % 2 !== 0 || !/^[0-9a-f]*$/.test(s)) throw new Problem(path, 'expected lowercase hex with an even number of digits');
  return s;
}
function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  const s = str(v, path);
  if (!allowed.includes(s as T)) throw new Problem(path, `expected one of ${allowed.join(', ')}, found "${s}"`);
  return s as T;
}
function date(v: unknown, path: string): string {
  const s = str(v, path);
  if (Number.isNaN(Date.parse(s))) throw new Problem(path, `expected an ISO date, found "${s}"`);
  return s;
}

function checkSource(v: unknown, p: string): void {
  const s = obj(v, p);
  str(s.kind, `${p}.kind`);
  arr(s.files, `${p}.files`).forEach((f, i) => {
    const fo = obj(f, `${p}.files[${i}]`);
    str(fo.path, `${p}.files[${i}].path`);
    hex(fo.sha256, `${p}.files[${i}].sha256`);
  });
  if (s.window !== undefined) {
    const w = obj(s.window, `${p}.window`);
    oneOf(w.unit, `${p}.window.unit`, ['seconds', 'records'] as const);
    num(w.from, `${p}.window.from`);
    num(w.to, `${p}.window.to`);
  }
  if (s.conn !== undefined) int(s.conn, `${p}.conn`, 1);
}

function checkEvent(v: unknown, p: string): void {
  const e = obj(v, p);
  int(e.record, `${p}.record`);
  numOrNull(e.t, `${p}.t`);
  int(e.conn, `${p}.conn`);
  strOrNull(e.peer, `${p}.peer`);
  oneOf(e.dir, `${p}.dir`, ['app-to-device', 'device-to-app'] as const);
  str(e.op, `${p}.op`);
  int(e.opcode, `${p}.opcode`);
  int(e.handle, `${p}.handle`);
  strOrNull(e.uuid, `${p}.uuid`);
  hex(e.value, `${p}.value`);
}

function checkRound(v: unknown, p: string, states: string[]): void {
  const r = obj(v, p);
  const state = str(r.state, `${p}.state`);
  if (!states.includes(state)) throw new Problem(`${p}.state`, `"${state}" is not one of the target's states (${states.join(', ')})`);
  int(r.index, `${p}.index`, 1);
  checkSource(r.source, `${p}.source`);
  date(r.recordedAt, `${p}.recordedAt`);
  strOrNull(r.device, `${p}.device`);
  arr(r.connections, `${p}.connections`).forEach((c, i) => {
    const co = obj(c, `${p}.connections[${i}]`);
    int(co.conn, `${p}.connections[${i}].conn`);
    strOrNull(co.peer, `${p}.connections[${i}].peer`);
    strOrNull(co.name, `${p}.connections[${i}].name`);
  });
  int(r.otherEvents, `${p}.otherEvents`);
  arr(r.warnings, `${p}.warnings`).forEach((w, i) => str(w, `${p}.warnings[${i}]`));
  arr(r.events, `${p}.events`).forEach((e, i) => checkEvent(e, `${p}.events[${i}]`));
}

function checkAnalysis(v: unknown, p: string): void {
  const a = obj(v, p);
  obj(a.settings, `${p}.settings`);
  date(a.ranAt, `${p}.ranAt`);
  const r = obj(a.result, `${p}.result`);
  obj(r.states, `${p}.result.states`);
  arr(r.groups, `${p}.result.groups`).forEach((g, i) => {
    const go = obj(g, `${p}.result.groups[${i}]`);
    str(go.id, `${p}.result.groups[${i}].id`);
  });
  arr(r.candidates, `${p}.result.candidates`).forEach((c, i) => {
    const q = `${p}.result.candidates[${i}]`;
    const co = obj(c, q);
    str(co.group, `${q}.group`);
    int(co.byte, `${q}.byte`);
    int(co.bit, `${q}.bit`);
    obj(co.values, `${q}.values`);
  });
  arr(r.findings, `${p}.result.findings`);
}

/** Throws Problem on the first mismatch; returns the same object typed as Session. */
function checkSession(doc: unknown): Session {
  const s = obj(doc, '$');
  if (s.schemaVersion !== SCHEMA_VERSION) throw new Problem('$.schemaVersion', `expected ${SCHEMA_VERSION}, found ${describe(s.schemaVersion)}`);
  const tool = obj(s.tool, '$.tool');
  if (tool.name !== 'bms-wizard') throw new Problem('$.tool.name', `expected "bms-wizard", found ${describe(tool.name)}`);
  str(tool.version, '$.tool.version');
  const id = str(s.id, '$.id');
  if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new Problem('$.id', 'expected letters, digits, dot, dash or underscore only');
  date(s.created, '$.created');
  date(s.updated, '$.updated');
  oneOf(s.step, '$.step', STEPS);
  const device = obj(s.device, '$.device');
  strOrNull(device.name, '$.device.name');
  strOrNull(device.address, '$.device.address');
  if (device.gatt !== null) arr(device.gatt, '$.device.gatt').forEach((g, i) => str(obj(g, `$.device.gatt[${i}]`).uuid, `$.device.gatt[${i}].uuid`));
  const target = obj(s.target, '$.target');
  str(target.name, '$.target.name');
  const states = arr(target.states, '$.target.states').map((x, i) => str(x, `$.target.states[${i}]`));
  if (states.length < 2) throw new Problem('$.target.states', `expected at least 2 states, found ${states.length}`);
  if (new Set(states).size !== states.length) throw new Problem('$.target.states', 'expected distinct state names');
  int(target.roundsPerState, '$.target.roundsPerState', 1);
  if (s.source !== null) {
    const src = obj(s.source, '$.source');
    str(src.id, '$.source.id');
    const o = obj(src.options, '$.source.options');
    for (const [k, v] of Object.entries(o)) str(v, `$.source.options.${k}`);
  }
  arr(s.rounds, '$.rounds').forEach((r, i) => checkRound(r, `$.rounds[${i}]`, states));
  if (s.analysis !== null) checkAnalysis(s.analysis, '$.analysis');
  if (s.analysisSettings !== undefined) obj(s.analysisSettings, '$.analysisSettings');
  if (s.accepted !== null) {
    const a = obj(s.accepted, '$.accepted');
    str(a.group, '$.accepted.group');
    int(a.byte, '$.accepted.byte');
    int(a.bit, '$.accepted.bit');
    str(a.rule, '$.accepted.rule');
  }
  str(s.notes, '$.notes');
  arr(s.exports, '$.exports').forEach((e, i) => {
    const eo = obj(e, `$.exports[${i}]`);
    oneOf(eo.format, `$.exports[${i}].format`, ['md', 'json', 'html'] as const);
    str(eo.path, `$.exports[${i}].path`);
  });
  bool(s.demo, '$.demo');
  return s as unknown as Session;
}

/** Validates a (migrated) session document; `file` names it in the error. */
export function validateSession(doc: unknown, file: string): Session {
  try {
    return checkSession(doc);
  } catch (err) {
    if (err instanceof Problem) {
      throw new InputError(`${file} is not a valid bms-wizard session: at ${err.path}, ${err.what}. Fix or remove the file, or start a new session`);
    }
    throw err;
  }
}
