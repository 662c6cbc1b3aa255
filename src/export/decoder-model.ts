// What a decoder export needs from a session: the device's handles and UUIDs, the frame rule the
// analysis used, the checksum, the accepted finding as a field, and the recorded frames with the
// ATT values (fragments) each was joined from.
import type { GroupResult } from '../analysis/types.js';
import { assemble, NO_RULE, type FrameRule, type StreamValue } from '../analysis/frames.js';
import { familyById } from '../analysis/known/families.js';
import { CHECKSUMS } from '../analysis/checksums.js';
import { InputError } from '../errors.js';
import { parseHex, toHex } from '../hex.js';
import { sessionRounds } from '../session/rounds.js';
import type { Session } from '../session/schema.js';
import { sessionKnown } from './known.js';
import { parseChecksumText, parseRuleText, type ChecksumText, type RuleText } from './rule-text.js';

export interface RecordedFrame {
  state: string;
  round: number;
  /** Capture record of the value that completed the frame (tshark's frame number for binary captures). */
  lastRecord: number;
  bytes: Uint8Array;
  /** The ATT values the frame was joined from, in order. */
  fragments: Uint8Array[];
  /** The frame is of the accepted finding's kind (its start and length). */
  ofFinding: boolean;
}

export interface SwitchField {
  name: string;
  /** Lowercase identifier for field names ("discharge_switch"). */
  id: string;
  byte: number;
  mask: number;
  bit: number;
  single: boolean;
  /** The field's value ((byte & mask) >> bit) per state. */
  values: Record<string, number>;
}

/** An accepted reading the decoders can read: value = raw × scale + add. */
export interface ReadingField {
  name: string;
  id: string;
  unit: string;
  handle: number;
  startsWith: string;
  offset: number;
  size: number;
  /** u8 i8 u16 i16 u24 i24 u32 i32 f32. */
  type: string;
  le: boolean;
  scale: number;
  add: number;
  count: number;
}

/** Reading types a decoder reads with plain integer or float arithmetic. */
const NUMERIC = new Set(['u8', 'i8', 'u16', 'i16', 'u24', 'i24', 'u32', 'i32', 'f32']);

export interface DecoderModel {
  target: string;
  sessionId: string;
  demo: boolean;
  /** Handle of the device's frames that carry the finding. */
  handle: number;
  /** Every handle of the device with traffic (the app's write handles end request-cut frames). */
  handles: number[];
  rule: RuleText;
  ruleText: string;
  /** Frames of the finding: they start with this (hex) and have this length (null: any). */
  frame: { startsWith: string; length: number | null };
  checksum: ChecksumText | null;
  field: SwitchField | null;
  readings: ReadingField[];
  /** Accepted readings the decoders leave out (text and BCD encodings, other handles). */
  skippedReadings: string[];
  uuids: { service: string | null; notify: string | null; write: string | null };
  deviceName: string | null;
  family: { id: string; name: string } | null;
  frames: RecordedFrame[];
  /** Capture files of the rounds (for the tshark test). */
  files: { path: string; rounds: { state: string; from: number; to: number }[] }[];
}

/** "discharge switch" → "discharge_switch" (letters, digits, underscores; never empty). */
export function identifier(text: string): string {
  const id = text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  return /^[a-z]/.test(id) ? id : `f_${id || 'field'}`;
}

function toFrameRule(r: RuleText): FrameRule {
  return {
    ...NO_RULE,
    marker: r.marker ? parseHex(r.marker) : null,
    length: r.length ? { ...r.length, anchor: null } : null,
    fixed: r.fixed,
    ...(r.fixedByType ? { fixedByType: r.fixedByType } : {}),
    request: r.request,
    gapUs: r.gapMs === null ? null : r.gapMs * 1000,
  };
}

/** The stored frames text of the group, e.g. "marker:dd+length@3+7". */
function groupOf(session: Session): GroupResult {
  const a = session.accepted;
  const g = a && session.analysis?.result.groups.find((x) => x.id === a.group);
  if (!a || !g) throw new InputError('this session has no accepted finding yet; accept a candidate in the wizard (bms-wizard resume) before exporting a decoder');
  return g;
}

export function decoderModel(session: Session): DecoderModel {
  const a = session.accepted!;
  const g = groupOf(session);
  const rule = parseRuleText(g.frames);
  const marker = rule.marker ? rule.marker.length / 2 : 0;
  // The group's common start names its frame type (JBD dd 03 00 1d, JK 55 aa eb 90 02, Daly a5 01 93 08);
  // bytes past the marker and three more are data that merely did not change in these rounds.
  const startsWith = a.prefix.slice(0, 2 * Math.max(4, marker + 1));
  const fixedLength = g.lengths ? (g.lengths.min === g.lengths.max ? g.length : null) : g.length;
  const known = sessionKnown(session);
  const family = known ? familyById(known.match.family)! : null;
  let checksum = parseChecksumText(g.checksum, g.length);
  if (!checksum && family) {
    // The family documents one the analysis did not label (too few frames): use it when it verifies on the example.
    const spec = family.frames.find((f) => f.dir === g.dir && f.checksum && f.heads.some((h) => a.prefix.startsWith(h)))?.checksum;
    const alg = spec && CHECKSUMS.find((x) => x.name === spec.algorithm);
    if (spec && alg) checksum = { algorithm: alg, from: spec.from, fromEnd: spec.fromEnd, le: spec.le };
  }
  const mask = Number.parseInt(a.mask, 16);
  const field: SwitchField = {
    name: session.target.name,
    id: identifier(session.target.name),
    byte: a.byte,
    mask,
    bit: a.bit,
    single: (mask & (mask - 1)) === 0,
    // A whole-byte finding stores the byte seen in each state; the field is its bits under the mask.
    values: Object.fromEntries(Object.entries(a.values).map(([st, v]) => [st, (mask & (mask - 1)) === 0 ? v : (v & mask) >> a.bit])),
  };

  const rounds = sessionRounds(session);
  const frameRule = toFrameRule(rule);
  const frames: RecordedFrame[] = [];
  const handles = new Set<number>();
  const files = new Map<string, { state: string; from: number; to: number }[]>();
  rounds.forEach((r, ri) => {
    const evs = [...r.events].sort((x, y) => x.record - y.record);
    for (const e of evs) handles.add(e.handle);
    const values: StreamValue[] = [];
    let writes = 0;
    let seen = 0;
    let lastWrite: string | null = null;
    for (const e of evs) {
      if (e.dir === 'app-to-device') {
        writes++;
        lastWrite = toHex(e.value);
        continue;
      }
      if (e.handle !== g.handle) continue;
      values.push({ bytes: e.value, t: e.t, record: e.record, afterWrite: writes > seen, request: lastWrite });
      seen = writes;
    }
    const byRecord = new Map(values.map((v, i) => [v.record, i]));
    for (const f of assemble(values, frameRule)) {
      if (f.orphan) continue;
      const i = byRecord.get(f.record) ?? 0;
      const fragments = values.slice(i, i + f.parts).map((v) => v.bytes);
      const hex = toHex(f.bytes);
      frames.push({
        state: r.state,
        round: ri,
        lastRecord: values[i + f.parts - 1]?.record ?? f.record,
        bytes: f.bytes,
        fragments,
        ofFinding: hex.startsWith(startsWith) && (fixedLength === null || f.bytes.length === fixedLength),
      });
    }
    if (evs.length) {
      for (const file of r.source.files) {
        const list = files.get(file.path) ?? [];
        list.push({ state: r.state, from: evs[0]!.record, to: evs[evs.length - 1]!.record });
        files.set(file.path, list);
      }
    }
  });

  const readings: ReadingField[] = [];
  const skippedReadings: string[] = [];
  const used = new Set([field.id]);
  for (const r of session.readings ?? []) {
    if (!NUMERIC.has(r.type) || r.handle !== a.handle || (r.type === 'f32' && r.size !== 4)) {
      skippedReadings.push(`${r.name} (${r.rule})`);
      continue;
    }
    let id = identifier(r.name);
    while (used.has(id)) id = `${id}_`;
    used.add(id);
    readings.push({ name: r.name, id, unit: r.unit, handle: r.handle, startsWith: r.prefix.slice(0, 2 * Math.max(4, marker + 1)), offset: r.offset, size: r.size, type: r.type, le: r.endian === 'le', scale: r.scale, add: r.add, count: r.count ?? 1 });
  }
  const gatt = session.device.gatt ?? [];
  const uuidOf = (h: number): string | null => {
    for (const s of gatt) for (const c of s.characteristics) if (c.handle === h) return c.uuid;
    return rounds.flatMap((r) => r.events).find((e) => e.handle === h && e.uuid)?.uuid ?? null;
  };
  const writeHandle = rounds.flatMap((r) => r.events).find((e) => e.dir === 'app-to-device' && e.value.length > 2)?.handle ?? null;
  const service = gatt.find((s) => s.characteristics.some((c) => c.handle === a.handle))?.uuid ?? family?.services[0] ?? null;
  return {
    target: session.target.name,
    sessionId: session.id,
    demo: session.demo,
    handle: a.handle,
    handles: [...handles].sort((x, y) => x - y),
    rule,
    ruleText: g.frames,
    frame: { startsWith, length: fixedLength },
    checksum,
    field,
    readings,
    skippedReadings,
    uuids: { service, notify: uuidOf(a.handle), write: writeHandle === null ? null : uuidOf(writeHandle) },
    deviceName: session.device.name,
    family: family ? { id: family.id, name: family.name } : null,
    frames,
    files: [...files].map(([path, rs]) => ({ path, rounds: rs })),
  };
}
