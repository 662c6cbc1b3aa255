// Checks a parsed session document field by field; the first problem becomes one InputError
// naming the file and the JSON path (e.g. `$.rounds[2].events[5].value`).
import { InputError } from '../errors.js';
import { parseShownValue } from '../analysis/shown.js';
import { EVENT_FILE_NAME } from './event-file.js';
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

/** Runs the check when the field is present (optional fields of older files). */
function opt<T>(v: unknown, path: string, check: (v: unknown, path: string) => T): T | undefined {
  return v === undefined ? undefined : check(v, path);
}
/** An object whose every value passes the check. */
function record<T>(v: unknown, path: string, check: (v: unknown, path: string) => T): Record<string, T> {
  const o = obj(v, path);
  for (const [k, x] of Object.entries(o)) check(x, `${path}.${k}`);
  return o as Record<string, T>;
}
function arrOf<T>(v: unknown, path: string, check: (v: unknown, path: string) => T): T[] {
  return arr(v, path).map((x, i) => check(x, `${path}[${i}]`));
}
function hexOrNull(v: unknown, path: string): string | null {
  return v === null ? null : hex(v, path);
}
function intOrNull(v: unknown, path: string): number | null {
  return v === null ? null : int(v, path);
}
/** "0x02": the mask of a candidate or finding. */
function mask(v: unknown, path: string): string {
  const s = str(v, path);
  if (!/^0x[0-9a-f]{1,2}$/i.test(s)) throw new Problem(path, `expected a byte mask such as "0x02", found ${describe(s)}`);
  return s;
}
/** A device address: a MAC (aa:bb:cc:dd:ee:ff) or a platform id (macOS gives UUIDs); nothing else. */
function address(v: unknown, path: string): string | null {
  const s = strOrNull(v, path);
  if (s !== null && !/^[0-9A-Za-z]+(?:[:-][0-9A-Za-z]+)*$/.test(s)) throw new Problem(path, `expected a device address such as "a4:c1:38:00:11:22", found ${describe(s)}`);
  return s;
}
function primitive(v: unknown, path: string): unknown {
  if (v !== null && typeof v !== 'string' && typeof v !== 'boolean') num(v, path);
  return v;
}

function checkGatt(v: unknown, p: string): void {
  arrOf(v, p, (sv, sp) => {
    const svc = obj(sv, sp);
    str(svc.uuid, `${sp}.uuid`);
    strOrNull(svc.name ?? null, `${sp}.name`);
    arrOf(svc.characteristics, `${sp}.characteristics`, (cv, cp) => {
      const c = obj(cv, cp);
      str(c.uuid, `${cp}.uuid`);
      strOrNull(c.name, `${cp}.name`);
      intOrNull(c.handle, `${cp}.handle`);
      arrOf(c.properties, `${cp}.properties`, str);
      hexOrNull(c.value, `${cp}.value`);
      arrOf(c.descriptors, `${cp}.descriptors`, (dv, dp) => {
        const d = obj(dv, dp);
        str(d.uuid, `${dp}.uuid`);
        intOrNull(d.handle, `${dp}.handle`);
        hexOrNull(d.value, `${dp}.value`);
      });
    });
  });
}

function checkGroup(v: unknown, q: string): void {
  const g = obj(v, q);
  str(g.id, `${q}.id`);
  int(g.handle, `${q}.handle`);
  oneOf(g.dir, `${q}.dir`, ['app-to-device', 'device-to-app'] as const);
  str(g.key, `${q}.key`);
  hex(g.prefix, `${q}.prefix`);
  int(g.length, `${q}.length`);
  str(g.frames, `${q}.frames`);
  record(g.messages, `${q}.messages`, (x, path) => int(x, path));
  hex(g.example, `${q}.example`);
  opt(g.lengths, `${q}.lengths`, (x, path) => {
    const l = obj(x, path);
    int(l.min, `${path}.min`);
    int(l.max, `${path}.max`);
  });
  opt(g.checksum, `${q}.checksum`, strOrNull);
  opt(g.orphans, `${q}.orphans`, bool);
  opt(g.labels, `${q}.labels`, (x, path) =>
    arrOf(x, path, (lv, lp) => {
      const l = obj(lv, lp);
      int(l.byte, `${lp}.byte`);
      str(l.label, `${lp}.label`);
    }),
  );
  opt(g.activity, `${q}.activity`, (x, path) => {
    const a = obj(x, path);
    str(a.kinds, `${path}.kinds`);
    str(a.levels, `${path}.levels`);
  });
}

function checkCandidate(v: unknown, q: string): void {
  const c = obj(v, q);
  str(c.group, `${q}.group`);
  int(c.byte, `${q}.byte`);
  int(c.bit, `${q}.bit`);
  if ((c.bit as number) > 7) throw new Problem(`${q}.bit`, `expected a bit number 0–7, found ${String(c.bit)}`);
  mask(c.mask, `${q}.mask`);
  record(c.values, `${q}.values`, num);
  record(c.support, `${q}.support`, num);
  num(c.agreement, `${q}.agreement`);
  strOrNull(c.label, `${q}.label`);
  num(c.score, `${q}.score`);
  opt(c.kind, `${q}.kind`, (x, path) => oneOf(x, path, ['bit', 'byte'] as const));
  opt(c.bits, `${q}.bits`, (x, path) => arrOf(x, path, (b, bp) => int(b, bp)));
  opt(c.why, `${q}.why`, (x, path) => arrOf(x, path, str));
  opt(c.together, `${q}.together`, (x, path) =>
    arrOf(x, path, (tv, tp) => {
      const t = obj(tv, tp);
      str(t.group, `${tp}.group`);
      int(t.byte, `${tp}.byte`);
      int(t.bit, `${tp}.bit`);
      mask(t.mask, `${tp}.mask`);
      opt(t.bits, `${tp}.bits`, (y, yp) => arrOf(y, yp, (b, bp) => int(b, bp)));
      record(t.values, `${tp}.values`, num);
    }),
  );
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
  address(e.peer, `${p}.peer`);
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
  address(r.device, `${p}.device`);
  arr(r.connections, `${p}.connections`).forEach((c, i) => {
    const co = obj(c, `${p}.connections[${i}]`);
    int(co.conn, `${p}.connections[${i}].conn`);
    address(co.peer, `${p}.connections[${i}].peer`);
    strOrNull(co.name, `${p}.connections[${i}].name`);
    opt(co.start, `${p}.connections[${i}].start`, numOrNull);
    opt(co.end, `${p}.connections[${i}].end`, numOrNull);
  });
  int(r.otherEvents, `${p}.otherEvents`);
  arr(r.warnings, `${p}.warnings`).forEach((w, i) => str(w, `${p}.warnings[${i}]`));
  // A big round's events live in a side file named by its hash; small ones inline.
  if (r.eventsFile !== undefined) {
    if (r.events !== undefined) throw new Problem(`${p}.events`, 'expected either events or eventsFile, not both');
    const f = obj(r.eventsFile, `${p}.eventsFile`);
    if (!EVENT_FILE_NAME.test(str(f.name, `${p}.eventsFile.name`))) throw new Problem(`${p}.eventsFile.name`, `expected a name like "events-0123456789abcdef.bin", found ${describe(f.name)}`);
    hex(f.sha256, `${p}.eventsFile.sha256`);
    int(f.count, `${p}.eventsFile.count`);
    int(f.bytes, `${p}.eventsFile.bytes`);
  } else arr(r.events, `${p}.events`).forEach((e, i) => checkEvent(e, `${p}.events[${i}]`));
  if (r.shown !== undefined) arr(r.shown, `${p}.shown`).forEach((v, i) => shown(v, `${p}.shown[${i}]`));
}

/** A shown value in the one grammar (analysis/shown.ts). */
function shown(v: unknown, path: string): string {
  const s = str(v, path);
  try {
    parseShownValue(s);
  } catch (err) {
    throw new Problem(path, (err as Error).message);
  }
  return s;
}

function checkReading(v: unknown, p: string): void {
  const r = obj(v, p);
  str(r.name, `${p}.name`);
  str(r.unit, `${p}.unit`);
  str(r.group, `${p}.group`);
  int(r.handle, `${p}.handle`);
  hex(r.prefix, `${p}.prefix`);
  int(r.offset, `${p}.offset`);
  int(r.size, `${p}.size`, 1);
  str(r.type, `${p}.type`);
  if (r.endian !== null) oneOf(r.endian, `${p}.endian`, ['be', 'le'] as const);
  num(r.scale, `${p}.scale`);
  num(r.add, `${p}.add`);
  if (r.count !== undefined) int(r.count, `${p}.count`, 1);
  arr(r.shown, `${p}.shown`).forEach((x, i) => str(x, `${p}.shown[${i}]`));
  arr(r.decoded, `${p}.decoded`).forEach((x, i) => numOrNull(x, `${p}.decoded[${i}]`));
  str(r.rule, `${p}.rule`);
}

function checkAnalysis(v: unknown, p: string): void {
  const a = obj(v, p);
  record(a.settings, `${p}.settings`, primitive);
  date(a.ranAt, `${p}.ranAt`);
  const r = obj(a.result, `${p}.result`);
  record(r.states, `${p}.result.states`, (x, path) => {
    const st = obj(x, path);
    int(st.captures, `${path}.captures`);
    int(st.messages, `${path}.messages`);
  });
  arrOf(r.groups, `${p}.result.groups`, checkGroup);
  arrOf(r.candidates, `${p}.result.candidates`, checkCandidate);
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
  address(device.address, '$.device.address');
  if (device.gatt !== null) checkGatt(device.gatt, '$.device.gatt');
  const target = obj(s.target, '$.target');
  str(target.name, '$.target.name');
  const states = arr(target.states, '$.target.states').map((x, i) => str(x, `$.target.states[${i}]`));
  const kind = target.kind === undefined ? 'switch' : oneOf(target.kind, '$.target.kind', ['switch', 'reading', 'both'] as const);
  // A reading alone needs no states to compare: its rounds are one state.
  const fewest = kind === 'reading' ? 1 : 2;
  if (states.length < fewest) throw new Problem('$.target.states', `expected at least ${fewest} states, found ${states.length}`);
  if (new Set(states).size !== states.length) throw new Problem('$.target.states', 'expected distinct state names');
  int(target.roundsPerState, '$.target.roundsPerState', 1);
  opt(target.setup, '$.target.setup', (x, path) => record(x, path, str));
  if (s.source !== null) {
    const src = obj(s.source, '$.source');
    str(src.id, '$.source.id');
    const o = obj(src.options, '$.source.options');
    for (const [k, v] of Object.entries(o)) str(v, `$.source.options.${k}`);
  }
  arr(s.rounds, '$.rounds').forEach((r, i) => checkRound(r, `$.rounds[${i}]`, states));
  if (s.analysis !== null) checkAnalysis(s.analysis, '$.analysis');
  opt(s.analysisSettings, '$.analysisSettings', (x, path) => record(x, path, primitive));
  if (s.accepted !== null) {
    const a = obj(s.accepted, '$.accepted');
    str(a.group, '$.accepted.group');
    int(a.byte, '$.accepted.byte');
    int(a.bit, '$.accepted.bit');
    mask(a.mask, '$.accepted.mask');
    record(a.values, '$.accepted.values', num);
    hex(a.prefix, '$.accepted.prefix');
    int(a.handle, '$.accepted.handle');
    str(a.rule, '$.accepted.rule');
  }
  if (s.fields !== undefined && s.fields !== null) {
    const f = obj(s.fields, '$.fields');
    date(f.ranAt, '$.fields.ranAt');
    const res = obj(f.result, '$.fields.result');
    arr(res.readings, '$.fields.result.readings');
    arr(res.cells, '$.fields.result.cells');
    arr(res.groups, '$.fields.result.groups');
  }
  if (s.readings !== undefined) arr(s.readings, '$.readings').forEach((r, i) => checkReading(r, `$.readings[${i}]`));
  str(s.notes, '$.notes');
  arr(s.exports, '$.exports').forEach((e, i) => {
    const eo = obj(e, `$.exports[${i}]`);
    oneOf(eo.format, `$.exports[${i}].format`, ['md', 'json', 'html'] as const);
    str(eo.path, `$.exports[${i}].path`);
    date(eo.at, `$.exports[${i}].at`);
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
