// A protocol nobody designed rules for: from a seed, the framing (start marker or none, type byte,
// length field or fixed length per type, checksum at the tail), the transport (MTU, pieces,
// polled or streamed), the frame types (data, a second data frame, acks) and their fields
// (numbers of every encoding, counters, padding, the switch as a bit, an enum or a byte).
// Plain data: random/protocol.ts turns it into a simulated device.
import { Prng } from '../prng.js';

export type NumberEncoding = 'u16be' | 'u16le' | 'i16be' | 'i16le' | 'u32be' | 'u32le' | 'f32be' | 'f32le' | 'u8';

/** What a field of a data frame holds. */
export type FieldSpec =
  | { kind: 'cells'; count: number; enc: 'u16be' | 'u16le' | 'f32be' | 'f32le' }
  | { kind: 'number'; what: 'pack' | 'current' | 'soc' | 'remaining' | 'cycles' | 'uptime' | 'temp' | 'mos'; enc: NumberEncoding }
  | { kind: 'counter'; size: 1 | 2 }
  | { kind: 'constant'; bytes: number[] }
  | { kind: 'padding'; size: number }
  /** The switch: one bit of a flags byte (the other flags: charge on, and a bit that follows the current), an enum value, or a 0/1 byte. */
  | { kind: 'switch'; style: 'bit' | 'enum' | 'byte'; mask: number; on: number; off: number };

export interface FrameTypeSpec {
  /** The type byte's value (when the protocol has one). */
  type: number;
  role: 'data' | 'ack';
  /** Total frame length. */
  length: number;
  fields: FieldSpec[];
}

export interface LengthSpec {
  size: 1 | 2;
  le: boolean;
  /** What the value counts: the whole frame, the bytes after the field, or the payload between header and tail. */
  counts: 'frame' | 'after-field' | 'payload';
}

export interface ChecksumSpec {
  /** An algorithm of analysis/checksums.ts (CHECKSUMS). */
  algorithm: string;
  size: 1 | 2;
  le: boolean;
  /** First byte summed: 0 or the first byte after the marker. */
  from: number;
}

export interface RandomSpec {
  seed: number;
  marker: number[];
  /** Header order after the marker: the type byte, a length field, and an address byte, as drawn. */
  header: ('type' | 'length' | 'address')[];
  address: number;
  length: LengthSpec | null;
  checksum: ChecksumSpec | null;
  /** A constant last byte after the checksum (0x77, 0x0d...), or null. */
  end: number | null;
  /** Notification payload (ATT_MTU − 3). */
  payload: number;
  /** 'mtu': each notification filled up to the payload; 'pieces': a UART bridge forwards pieces of any size. */
  cut: 'mtu' | 'pieces';
  mode: 'poll' | 'stream';
  intervalMs: number;
  /** Pause between the app's requests of one poll, ms: patient apps wait for the answer, impatient ones write into it. */
  requestGapMs: [number, number];
  types: FrameTypeSpec[];
  /** The index in `types` of the frame that carries the switch. */
  switchType: number;
  /** Streamed captures that begin inside a frame. */
  startMidFrame: boolean;
  seconds: number;
}

const CHECKSUM_CHOICES: { algorithm: string; size: 1 | 2 }[] = [
  { algorithm: 'sum8', size: 1 },
  { algorithm: 'xor8', size: 1 },
  { algorithm: 'neg8 (two\'s complement of sum8)', size: 1 },
  { algorithm: '0x10000-sum16', size: 2 },
  { algorithm: 'crc16-modbus', size: 2 },
  { algorithm: 'crc16-ccitt-false', size: 2 },
  { algorithm: 'crc8-smbus', size: 1 },
  { algorithm: 'crc8-maxim', size: 1 },
];

function pick<T>(p: Prng, xs: readonly T[]): T {
  return xs[p.int(0, xs.length - 1)]!;
}

function shuffle<T>(p: Prng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = p.int(0, i);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

export function fieldSize(f: FieldSpec): number {
  switch (f.kind) {
    case 'cells':
      return f.count * (f.enc.startsWith('f32') ? 4 : 2);
    case 'number':
      return f.enc === 'u8' ? 1 : f.enc.includes('32') ? 4 : 2;
    case 'counter':
      return f.size;
    case 'constant':
      return f.bytes.length;
    case 'padding':
      return f.size;
    case 'switch':
      return 1;
  }
}

/** A start byte: rare in the data (a high, odd value) or common (zero, one, a cell voltage's high byte, 0xff). */
function startByte(p: Prng): number {
  return p.chance(0.5) ? pick(p, [0x00, 0x01, 0x0c, 0x0d, 0xff, 0x10, 0x02]) : p.int(0x41, 0xfe);
}

function switchField(p: Prng): FieldSpec {
  const style = pick(p, ['bit', 'enum', 'byte'] as const);
  if (style === 'byte') return p.chance(0.5) ? { kind: 'switch', style, mask: 0x01, on: 1, off: 0 } : { kind: 'switch', style, mask: 0x01, on: 0, off: 1 };
  if (style === 'enum') {
    const on = p.int(1, 15);
    let off = p.int(0, 15);
    while (off === on) off = p.int(0, 15);
    return { kind: 'switch', style, mask: on ^ off, on, off };
  }
  const bit = p.int(0, 7);
  return { kind: 'switch', style, mask: 1 << bit, on: 1 << bit, off: 0 };
}

/** Number fields in a random order until `room` bytes are used; the switch (when given) at a random place among them. */
function dataFields(p: Prng, room: number, withSwitch: boolean): FieldSpec[] {
  const pool: FieldSpec[] = [];
  const enc = (): NumberEncoding => pick(p, ['u16be', 'u16le', 'i16be', 'i16le', 'u32be', 'u32le', 'f32be', 'f32le', 'u8'] as const);
  if (room >= 12 && p.chance(0.7)) pool.push({ kind: 'cells', count: p.int(2, Math.min(24, Math.floor(room / 4))), enc: pick(p, ['u16be', 'u16le', 'u16be', 'u16le', 'f32be', 'f32le'] as const) });
  for (const what of ['pack', 'current', 'soc', 'remaining', 'cycles', 'uptime', 'temp', 'mos'] as const) if (p.chance(0.6)) pool.push({ kind: 'number', what, enc: enc() });
  if (p.chance(0.4)) pool.push({ kind: 'counter', size: p.chance(0.7) ? 1 : 2 });
  if (p.chance(0.3)) pool.push({ kind: 'constant', bytes: Array.from({ length: p.int(1, 6) }, () => p.int(0, 255)) });
  shuffle(p, pool);
  const out: FieldSpec[] = [];
  let used = withSwitch ? 1 : 0;
  for (const f of pool) {
    const n = fieldSize(f);
    if (used + n > room) continue;
    out.push(f);
    used += n;
  }
  if (withSwitch) out.splice(p.int(0, out.length), 0, switchField(p));
  // The rest: zero padding (at the end or before the last field), as firmware leaves reserved bytes.
  if (used < room) out.splice(p.chance(0.6) ? out.length : p.int(0, out.length), 0, { kind: 'padding', size: room - used });
  return out;
}

/** Time to wait for the longest answer (a notification every 2–12 ms) and a little more. */
function patientGap(types: FrameTypeSpec[], payload: number): [number, number] {
  const longest = Math.max(...types.map((t) => Math.ceil(t.length / payload)));
  const ms = 60 + 12 * longest;
  return [Math.max(150, ms), Math.max(320, ms + 170)];
}

/** Draws a protocol from the seed (the same seed gives the same protocol). */
export function drawSpec(seed: number): RandomSpec {
  const p = new Prng(seed * 7919 + 0x5a17);
  const markerLength = pick(p, [0, 1, 1, 2, 2]);
  const marker = Array.from({ length: markerLength }, (_, i) => (i === 0 ? startByte(p) : p.int(0, 255)));
  const length: LengthSpec | null = p.chance(0.6) ? { size: p.chance(0.5) ? 1 : 2, le: p.chance(0.5), counts: pick(p, ['frame', 'after-field', 'payload'] as const) } : null;
  const checksumChoice = p.chance(0.8) ? pick(p, CHECKSUM_CHOICES) : null;
  const checksum: ChecksumSpec | null = checksumChoice ? { ...checksumChoice, le: p.chance(0.5), from: p.chance(0.5) ? 0 : markerLength } : null;
  const end = p.chance(0.25) ? pick(p, [0x77, 0x0d, 0x7e, 0xaa, 0x55]) : null;
  const payload = pick(p, [20, 20, 20, 27, 61, 128, 182, 244]);
  const cut = p.chance(0.15) ? 'pieces' : 'mtu';
  const mode = p.chance(0.5) ? 'poll' : 'stream';
  const nData = p.chance(0.4) ? 2 : 1;
  const withAck = p.chance(0.4);
  // A type byte is needed to tell the types apart; a single type may have one or not.
  const typed = nData + (withAck ? 1 : 0) > 1 || p.chance(0.5);
  const header: RandomSpec['header'] = shuffle(p, [...(typed ? (['type'] as const) : []), ...(length ? (['length'] as const) : []), ...(p.chance(0.2) ? (['address'] as const) : [])]);
  const headerSize = markerLength + header.reduce((n, h) => n + (h === 'length' ? length!.size : 1), 0);
  const tailSize = (checksum?.size ?? 0) + (end === null ? 0 : 1);
  // Frames span 1–20 notifications; a 1-byte length field counts at most 255.
  const maxLength = Math.min(400, 20 * payload, length?.size === 1 ? 255 : 400);
  const minLength = Math.max(8, headerSize + tailSize + 2);
  const usedTypes = new Set<number>();
  const typeValue = (): number => {
    let t = p.int(1, 0x9f);
    while (usedTypes.has(t)) t = p.int(1, 0x9f);
    usedTypes.add(t);
    return t;
  };
  const switchType = nData === 2 && p.chance(0.5) ? 1 : 0;
  const types: FrameTypeSpec[] = [];
  const lengths = new Set<number>();
  for (let k = 0; k < nData; k++) {
    // Long frames as often as short ones: lengths drawn on a log scale.
    let total = Math.round(Math.exp(p.range(Math.log(minLength), Math.log(maxLength + 1))));
    total = Math.max(minLength, Math.min(maxLength, total));
    while (lengths.has(total)) total = total < maxLength ? total + 1 : total - 1;
    lengths.add(total);
    types.push({ type: typeValue(), role: 'data', length: total, fields: dataFields(p, total - headerSize - tailSize, k === switchType) });
  }
  if (withAck) {
    let total = headerSize + tailSize + p.int(1, 3);
    while (lengths.has(total)) total++;
    types.push({ type: 0x80 | typeValue(), role: 'ack', length: total, fields: [{ kind: 'constant', bytes: Array.from({ length: total - headerSize - tailSize }, () => p.int(0, 3)) }] });
  }
  const intervalMs = pick(p, [500, 700, 1000, 1000, 1500]);
  return {
    seed,
    marker,
    header,
    address: p.int(1, 0x20),
    length,
    checksum,
    end,
    payload,
    cut,
    mode,
    intervalMs,
    requestGapMs: p.chance(0.25) ? [25, 60] : patientGap(types, payload),
    types,
    switchType,
    startMidFrame: mode === 'stream' && p.chance(0.5),
    // Long enough for 8 polls or ticks (each data type then arrives 4 times or more per round).
    seconds: Math.max(6, Math.ceil((8 * nData * intervalMs) / 1000)) + p.int(0, 4),
  };
}

export type SwitchField = Extract<FieldSpec, { kind: 'switch' }>;

/** The switch field of a spec (its frame type is `types[switchType]`). */
export function switchOf(s: RandomSpec): SwitchField {
  return s.types[s.switchType]!.fields.find((f): f is SwitchField => f.kind === 'switch')!;
}

/** The spec in a few words, for the eval table ("m:a5 t,len1le/payload crc8-smbus 61B poll 2+ack"). */
export function describeSpec(s: RandomSpec): string {
  const m = s.marker.length ? `m:${s.marker.map((b) => b.toString(16).padStart(2, '0')).join('')}` : 'no-marker';
  const hdr = s.header.map((h) => (h === 'length' ? `len${s.length!.size}${s.length!.size === 2 ? (s.length!.le ? 'le' : 'be') : ''}/${s.length!.counts}` : h === 'type' ? 't' : 'a')).join(',');
  const ck = s.checksum ? `${s.checksum.algorithm.split(' ')[0]}${s.checksum.size === 2 ? (s.checksum.le ? 'le' : 'be') : ''}` : 'no-ck';
  const lens = s.types.map((t) => `${t.role === 'ack' ? 'ack' : ''}${t.length}`).join('/');
  const sw = switchOf(s);
  return `${m}${hdr ? ` ${hdr}` : ''} ${ck}${s.end !== null ? '+end' : ''} ${lens}B mtu${s.payload}${s.cut === 'pieces' ? ' pieces' : ''} ${s.mode}${s.startMidFrame ? ' mid' : ''} ${sw.style}`;
}
