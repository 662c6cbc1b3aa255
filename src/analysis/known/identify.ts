// Is this device a known BMS family? Its frames are re-cut with each family's documented framing
// (the analysis' own reassembly, fed the family's marker and length rule) and every frame is
// checked: head, length, tail, checksum. A family matches on evidence: checksums that verify and
// lengths that match on most of its frames, or — for families whose frames carry no checksum —
// matching lengths plus the family's GATT UUIDs.
import { CHECKSUMS, type ChecksumAlgorithm } from '../checksums.js';
import { assemble, NO_RULE, type FrameRule, type StreamValue } from '../frames.js';
import { parseHex, spacedHex } from '../../hex.js';
import type { Round } from '../../model.js';
import { deviceFrames, limit, type DeviceStream } from './device-frames.js';
import { FAMILIES } from './families.js';
import type { Family, FrameShape } from './family-types.js';
import { readRaw } from './fields.js';

export interface FamilyMatch {
  family: string;
  name: string;
  /** 0..1: how strongly the frames show the family (checksums weigh most, then lengths, then UUIDs). */
  score: number;
  /** Frames of the device that start like the family's frames. */
  frames: number;
  /** Of those, frames whose checksum verifies (null: the family's frames carry none). */
  checksumValid: number | null;
  /** Of those, frames whose length (and tail) match the family's rule. */
  lengthValid: number;
  /** The family's UUIDs seen in the capture. */
  uuids: string[];
  supportedBy: string[];
  /** Handle of the device's frames. */
  handle: number;
  /** The app's requests of the family's shape (sent / verified), as further evidence. */
  requests: { frames: number; valid: number };
  /** "36-byte dd 03 … 77 frames, checksum valid in 51/51, service ff00". */
  evidence: string;
}

export interface IdentifyResult {
  matches: FamilyMatch[];
  /** Families looked at. */
  families: number;
  /** Device frames looked at (on the device's handles). */
  deviceFrames: number;
}

export interface IdentifyOptions {
  /** UUIDs (services and characteristics) the captures' GATT discovery named, per peer. */
  discovered?: { peer: string | null; uuids: string[] }[];
  /** Values per stream to look at (a sample keeps it cheap on huge captures); default all. */
  maxValues?: number;
}

const ALGORITHMS = new Map<string, ChecksumAlgorithm>(CHECKSUMS.map((a) => [a.name, a]));

function startsWith(b: Uint8Array, m: Uint8Array): boolean {
  if (b.length < m.length) return false;
  for (let i = 0; i < m.length; i++) if (b[i] !== m[i]) return false;
  return true;
}

function commonPrefix(heads: Uint8Array[]): Uint8Array {
  let n = Math.min(...heads.map((h) => h.length));
  for (const h of heads) for (let i = 0; i < n; i++) if (h[i] !== heads[0]![i]) n = i;
  return heads[0]!.subarray(0, n);
}

/** The analysis' reassembly rule that the family documents for this shape. */
function ruleOf(shape: FrameShape, heads: Uint8Array[]): FrameRule | null {
  if (shape.length.kind === 'whole') return null;
  const prefix = commonPrefix(heads);
  const marker = prefix.length > 0 ? prefix : null;
  if (shape.length.kind === 'fixed') return { ...NO_RULE, marker, fixed: shape.length.n };
  const l = shape.length;
  return { ...NO_RULE, marker, length: { offset: l.offset, size: l.size, le: l.le, add: l.add, anchor: null } };
}

interface ShapeEvidence {
  frames: number;
  lengthValid: number;
  checksumValid: number;
  /** Frames that pass every check (head, length, tail, checksum, signature). */
  valid: number;
  signatureTested: number;
  signaturePassed: number;
  cellSumTested: number;
  cellSumPassed: number;
  /** Valid frames per kind ("36-byte dd 03"). */
  kinds: Map<string, number>;
}

function emptyEvidence(): ShapeEvidence {
  return { frames: 0, lengthValid: 0, checksumValid: 0, valid: 0, signatureTested: 0, signaturePassed: 0, cellSumTested: 0, cellSumPassed: 0, kinds: new Map() };
}

function constant(b: Uint8Array): boolean {
  for (let i = 1; i < b.length; i++) if (b[i] !== b[0]) return false;
  return true;
}

function expectedLength(shape: FrameShape, f: Uint8Array): number | null {
  const l = shape.length;
  if (l.kind === 'whole') return f.length;
  if (l.kind === 'fixed') return l.n;
  const v = readRaw(f, l.offset, l.size === 1 ? 'u8' : 'u16', l.le);
  return v === null ? null : v + l.add;
}

function checksumOk(shape: FrameShape, f: Uint8Array): boolean {
  const c = shape.checksum;
  if (!c) return true;
  const alg = ALGORITHMS.get(c.algorithm);
  if (!alg) return false;
  const at = f.length - c.fromEnd - alg.size;
  if (at <= c.from) return false;
  const stored = alg.size === 1 ? f[at]! : c.le ? f[at]! | (f[at + 1]! << 8) : (f[at]! << 8) | f[at + 1]!;
  return alg.compute(f, c.from, at) === stored;
}

/** OGT: the key is what turns the first byte into the head's; the rest must then read as ASCII. */
function unscramble(shape: FrameShape, f: Uint8Array, head: Uint8Array): Uint8Array | null {
  if (!shape.xorAscii) return f;
  const key = f[0]! ^ head[0]!;
  const out = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) {
    out[i] = f[i]! ^ key;
    if (out[i]! > 0x7e || (out[i]! < 0x20 && out[i] !== 0x0d && out[i] !== 0x0a)) return null;
  }
  return out;
}

function tally(shape: FrameShape, heads: Uint8Array[], tail: Uint8Array | null, frames: Uint8Array[]): ShapeEvidence {
  const ev = emptyEvidence();
  for (const raw of frames) {
    let f: Uint8Array | null = raw;
    let head: Uint8Array | undefined;
    if (shape.xorAscii) {
      head = heads.find((h) => {
        const u = unscramble(shape, raw, h);
        return u !== null && startsWith(u, h);
      });
      f = head ? unscramble(shape, raw, head) : null;
    } else head = heads.find((h) => startsWith(raw, h));
    if (!head || !f || f.length <= head.length || constant(f)) continue;
    ev.frames++;
    const len = expectedLength(shape, f);
    const lengthOk = len === f.length && (!tail || (f.length >= head.length + tail.length && startsWith(f.subarray(f.length - tail.length), tail)));
    if (!lengthOk) continue;
    ev.lengthValid++;
    if (!checksumOk(shape, f)) continue;
    ev.checksumValid++;
    let sigOk = true;
    for (const s of shape.signature ?? []) {
      if (s.onType && f[s.onType.offset] !== s.onType.value) continue;
      const v = readRaw(f, s.offset, s.type, s.le);
      ev.signatureTested++;
      if (v !== null && v >= s.min && v <= s.max) ev.signaturePassed++;
      else sigOk = false;
    }
    const cs = shape.cellSum;
    if (cs && (!cs.onType || f[cs.onType.offset] === cs.onType.value)) {
      let sum = 0;
      for (let i = 0; i < cs.cells.count; i++) sum += readRaw(f, cs.cells.offset + 2 * i, 'u16', cs.cells.le) ?? 0;
      const total = readRaw(f, cs.total.offset, 'u32', cs.total.le);
      ev.cellSumTested++;
      if (sum > 0 && total !== null && Math.abs(total - sum) <= sum * 0.02) ev.cellSumPassed++;
      else sigOk = false;
    }
    if (!sigOk) continue;
    ev.valid++;
    const kind = `${f.length}-byte ${spacedHex(f.subarray(0, Math.max(2, head.length)))}`;
    ev.kinds.set(kind, (ev.kinds.get(kind) ?? 0) + 1);
  }
  return ev;
}

/** The stream's frames cut by the family's rule, or as the analysis learnt them when that fits better. */
function shapeEvidence(shape: FrameShape, s: DeviceStream, maxValues: number): ShapeEvidence {
  const heads = shape.heads.map((h) => parseHex(h)!);
  const tail = shape.tail ? parseHex(shape.tail)! : null;
  const values = limit(s.values, maxValues);
  const rule = ruleOf(shape, heads);
  const learnt = tally(shape, heads, tail, s.frames.filter((f) => !f.orphan).map((f) => f.bytes));
  if (!rule || shape.xorAscii) return learnt;
  const recut = tally(shape, heads, tail, values.flatMap((v) => assemble(v, rule)).map((f) => f.bytes));
  return recut.valid >= learnt.valid ? recut : learnt;
}

function familyUuids(f: Family): string[] {
  return [...new Set([...f.services, ...f.notify, ...f.write])];
}

function describeShape(ev: ShapeEvidence, shape: FrameShape): string {
  const kinds = [...ev.kinds.entries()].sort((a, b) => b[1] - a[1]);
  const tail = shape.tail ? ` … ${spacedHex(parseHex(shape.tail)!)}` : ' …';
  const shown = kinds.slice(0, 2).map(([k]) => `${k}${tail}`).join(', ');
  return `${shown}${kinds.length > 2 ? ` and ${kinds.length - 2} other kind${kinds.length === 3 ? '' : 's'} of` : ''} frames`;
}

function matchFamily(family: Family, streams: DeviceStream[], seen: Set<string>, knownUuids: boolean, maxValues: number): FamilyMatch | null {
  const uuids = familyUuids(family).filter((u) => seen.has(u));
  const replyShapes = family.frames.filter((f) => f.dir === 'device-to-app');
  const requestShapes = family.frames.filter((f) => f.dir === 'app-to-device');
  if (family.frames.length === 0) {
    // A family whose values have no structure: only its (128-bit, distinctive) UUIDs can show it.
    const distinctive = uuids.filter((u) => u.length > 4);
    if (distinctive.length === 0) return null;
    const s = streams.find((x) => x.uuid !== null && distinctive.includes(x.uuid)) ?? streams[0];
    return {
      family: family.id,
      name: family.name,
      score: 0.5,
      frames: s?.frames.length ?? 0,
      checksumValid: null,
      lengthValid: 0,
      uuids,
      supportedBy: family.supportedBy,
      handle: s?.handle ?? 0,
      requests: { frames: 0, valid: 0 },
      evidence: `${distinctive.map((u) => `UUID ${u}`).join(', ')}; its values carry no head, length or checksum to check`,
    };
  }
  let best: { ev: ShapeEvidence; shape: FrameShape; stream: DeviceStream } | null = null;
  for (const s of streams.filter((x) => x.dir === 'device-to-app')) {
    const total = emptyEvidence();
    let example: { ev: ShapeEvidence; shape: FrameShape } | null = null;
    for (const shape of replyShapes) {
      const ev = shapeEvidence(shape, s, maxValues);
      total.frames += ev.frames;
      total.lengthValid += ev.lengthValid;
      total.checksumValid += ev.checksumValid;
      total.valid += ev.valid;
      total.signatureTested += ev.signatureTested;
      total.signaturePassed += ev.signaturePassed;
      total.cellSumTested += ev.cellSumTested;
      total.cellSumPassed += ev.cellSumPassed;
      for (const [k, n] of ev.kinds) total.kinds.set(k, (total.kinds.get(k) ?? 0) + n);
      if (ev.valid > 0 && (!example || ev.valid > example.ev.valid)) example = { ev, shape };
    }
    if (example && (!best || total.valid > best.ev.valid)) best = { ev: total, shape: example.shape, stream: s };
  }
  if (!best) return null;
  const { ev, shape, stream } = best;
  const checksummed = replyShapes.some((x) => x.checksum);
  const share = ev.valid / ev.frames;
  // A layout check that fails on most frames means another layout of the same framing.
  if (ev.signatureTested > 0 && ev.signaturePassed < ev.signatureTested * 0.8) return null;
  if (ev.cellSumTested > 0 && ev.cellSumPassed < ev.cellSumTested * 0.5) return null;
  const requests = { frames: 0, valid: 0 };
  for (const s of streams.filter((x) => x.dir === 'app-to-device')) {
    for (const shapeR of requestShapes) {
      const ev2 = shapeEvidence(shapeR, s, maxValues);
      requests.frames += ev2.frames;
      requests.valid += ev2.valid;
    }
  }
  if (checksummed) {
    if (ev.valid < 2 || share < 0.5) return null;
  } else {
    // Without a checksum, lengths alone are weak (ffe0/ffe1 modules are everywhere): the family's
    // UUIDs must be there, and the app's requests of the family's form or a distinctive UUID.
    if (ev.valid < 3 || share < 0.8 || uuids.length === 0) return null;
    if (requests.valid === 0 && !uuids.some((u) => u.length > 4)) return null;
  }
  let score = checksummed ? 0.6 + 0.3 * share : 0.35 + 0.25 * share;
  if (uuids.length > 0) score += 0.08;
  if (requests.valid > 0) score += 0.02;
  if (knownUuids && uuids.length === 0) score *= 0.8; // discovery was seen and named other UUIDs
  const parts = [describeShape(ev, shape)];
  parts.push(checksummed ? `checksum valid in ${ev.checksumValid}/${ev.frames}` : `length valid in ${ev.lengthValid}/${ev.frames} (no checksum in this family's frames)`);
  if (ev.signatureTested > 0) parts.push(`layout check passed in ${ev.signaturePassed}/${ev.signatureTested}`);
  if (ev.cellSumTested > 0) parts.push(`cells add up to the total voltage in ${ev.cellSumPassed}/${ev.cellSumTested}`);
  if (requests.valid > 0) parts.push(`${requests.valid} app request${requests.valid === 1 ? '' : 's'} of the family's form`);
  const svc = uuids.filter((u) => family.services.includes(u));
  if (svc.length) parts.push(`service ${svc.join(', ')}`);
  else if (uuids.length) parts.push(`characteristic ${uuids.join(', ')}`);
  return {
    family: family.id,
    name: family.name,
    score: Math.round(Math.min(1, score) * 100) / 100,
    frames: ev.frames,
    checksumValid: checksummed ? ev.checksumValid : null,
    lengthValid: ev.lengthValid,
    uuids,
    supportedBy: family.supportedBy,
    handle: stream.handle,
    requests,
    evidence: parts.join(', '),
  };
}

/** The known families the device's frames match, best first (empty when none does). */
export function identifyRounds(rounds: Round[], options: IdentifyOptions = {}): IdentifyResult {
  // Frames cut from a bounded sample: the checks are shares, and a huge capture costs no more.
  const d = deviceFrames(rounds, options.maxValues ?? Infinity);
  const seen = new Set(d.uuids);
  for (const x of options.discovered ?? []) if (x.peer === null || x.peer === d.device) for (const u of x.uuids) seen.add(u.toLowerCase());
  const maxValues = options.maxValues ?? Infinity;
  const matches: FamilyMatch[] = [];
  for (const family of FAMILIES) {
    const m = matchFamily(family, d.streams, seen, seen.size > 0, maxValues);
    if (m) matches.push(m);
  }
  matches.sort((a, b) => b.score - a.score || b.frames - a.frames);
  const deviceFramesSeen = d.streams.filter((s) => s.dir === 'device-to-app').reduce((n, s) => n + s.frames.length, 0);
  return { matches, families: FAMILIES.length, deviceFrames: deviceFramesSeen };
}
