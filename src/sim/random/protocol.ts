// A drawn protocol (random/spec.ts) as a simulated device: it builds each frame type from the
// battery's state, answers the app's requests or streams, cuts frames into notifications, and
// counts the frames that carried the switch in each state (a state that never sent one cannot be
// told apart: the case is undecidable, not a miss).
import { CHECKSUMS } from '../../analysis/checksums.js';
import { toHex } from '../../hex.js';
import { chunk } from '../bytes.js';
import { buildGatt, standardServices, type SimGatt } from '../gatt.js';
import { Prng } from '../prng.js';
import type { BmsProtocol, BmsState } from '../protocol.js';
import { isStart, START_STREAM } from '../shapes/gatt.js';
import { packMv, socPermille } from '../state.js';
import { fieldSize, type FieldSpec, type FrameTypeSpec, type NumberEncoding, type RandomSpec, type SwitchField } from './spec.js';

export interface RandomDevice {
  spec: RandomSpec;
  protocol: BmsProtocol;
  /** Frames of the switch's type sent so far, by the switch's state. */
  switchFrames: { on: number; off: number };
}

function headerSize(s: RandomSpec): number {
  return s.marker.length + s.header.reduce((n, h) => n + (h === 'length' ? s.length!.size : 1), 0);
}

function tailSize(s: RandomSpec): number {
  return (s.checksum?.size ?? 0) + (s.end === null ? 0 : 1);
}

/** The constant leading bytes of a frame type: marker and header (its length field holds one value per type). */
export function headerBytes(s: RandomSpec, t: FrameTypeSpec): Uint8Array {
  const out: number[] = [...s.marker];
  for (const h of s.header) {
    if (h === 'type') out.push(t.type);
    else if (h === 'address') out.push(s.address);
    else {
      const l = s.length!;
      const at = out.length;
      const v = l.counts === 'frame' ? t.length : l.counts === 'after-field' ? t.length - at - l.size : t.length - headerSize(s) - tailSize(s);
      if (l.size === 1) out.push(v & 0xff);
      else out.push(...(l.le ? [v & 0xff, v >>> 8] : [v >>> 8, v & 0xff]));
    }
  }
  return Uint8Array.from(out);
}

function put(f: Uint8Array, at: number, enc: NumberEncoding, x: number): void {
  const v = new DataView(f.buffer, f.byteOffset, f.byteLength);
  const le = enc.endsWith('le');
  if (enc === 'u8') f[at] = Math.round(x) & 0xff;
  else if (enc.startsWith('f32')) v.setFloat32(at, x, le);
  else if (enc.includes('32')) v.setUint32(at, Math.round(x) >>> 0, le);
  else v.setUint16(at, Math.round(x) & 0xffff, le);
}

/** A number in the unit its encoding suggests: 16 bits hold tens of mV or mA, 32 bits the raw value, floats volts and amps, a byte the coarse value. */
function numberValue(s: BmsState, what: Extract<FieldSpec, { kind: 'number' }>['what'], enc: NumberEncoding): number {
  const wide = enc.includes('32') && !enc.startsWith('f');
  const float = enc.startsWith('f');
  const byte = enc === 'u8';
  switch (what) {
    case 'pack':
      return float ? packMv(s) / 1000 : wide ? packMv(s) : byte ? packMv(s) / 1000 : packMv(s) / 10;
    case 'current':
      return float ? s.currentMa / 1000 : wide ? s.currentMa : byte ? s.currentMa / 1000 + 100 : s.currentMa / 10;
    case 'soc':
      return byte || !wide ? socPermille(s) / 10 : socPermille(s);
    case 'remaining':
      return float ? s.remainingMah / 1000 : wide ? s.remainingMah : byte ? s.remainingMah / 1000 : s.remainingMah / 10;
    case 'cycles':
      return s.cycles;
    case 'uptime':
      return Math.floor(s.uptimeS);
    case 'temp':
      return byte ? s.tempsDeciC[0]! / 10 + 40 : float ? s.tempsDeciC[0]! / 10 : s.tempsDeciC[0]!;
    case 'mos':
      return byte ? s.mosDeciC / 10 + 40 : float ? s.mosDeciC / 10 : s.mosDeciC;
  }
}

function switchByte(s: BmsState, f: SwitchField): number {
  if (f.style !== 'bit') return s.dischargeOn ? f.on : f.off;
  // The other flags: charge on (constant) and charging (follows the current).
  const bit = Math.log2(f.mask);
  const charge = 1 << ((bit + 1) % 8);
  const charging = 1 << ((bit + 2) % 8);
  return (s.dischargeOn ? f.mask : 0) | (s.chargeOn ? charge : 0) | (s.currentMa > 200 ? charging : 0);
}

/** One frame of a type from the battery's state. */
export function buildFrame(spec: RandomSpec, t: FrameTypeSpec, s: BmsState): Uint8Array {
  const f = new Uint8Array(t.length);
  const head = headerBytes(spec, t);
  f.set(head);
  let at = head.length;
  for (const field of t.fields) {
    switch (field.kind) {
      case 'cells':
        for (let k = 0; k < field.count; k++) {
          const mv = s.cellsMv[k % s.cellsMv.length]!;
          put(f, at + k * (field.enc.startsWith('f32') ? 4 : 2), field.enc, field.enc.startsWith('f32') ? mv / 1000 : mv);
        }
        break;
      case 'number':
        put(f, at, field.enc, numberValue(s, field.what, field.enc));
        break;
      case 'counter':
        put(f, at, field.size === 1 ? 'u8' : 'u16be', s.frameCounter++);
        break;
      case 'constant':
        f.set(field.bytes, at);
        break;
      case 'padding':
        break;
      case 'switch':
        f[at] = switchByte(s, field);
        break;
    }
    at += fieldSize(field);
  }
  if (spec.checksum) {
    const alg = CHECKSUMS.find((a) => a.name === spec.checksum!.algorithm)!;
    const pos = t.length - tailSize(spec);
    const v = alg.compute(f, spec.checksum.from, pos);
    if (alg.size === 1) f[pos] = v;
    else if (spec.checksum.le) f.set([v & 0xff, v >>> 8], pos);
    else f.set([v >>> 8, v & 0xff], pos);
  }
  if (spec.end !== null) f[t.length - 1] = spec.end;
  return f;
}

/** Where the switch sits in its frame: offset and the bits that differ between the states. */
export function switchPlace(spec: RandomSpec): { type: FrameTypeSpec; byte: number; mask: number } {
  const t = spec.types[spec.switchType]!;
  let at = headerSize(spec);
  for (const f of t.fields) {
    if (f.kind === 'switch') return { type: t, byte: at, mask: f.mask };
    at += fieldSize(f);
  }
  throw new Error(`random protocol ${spec.seed} has no switch`);
}

function randomGatt(seed: number, payload: number): SimGatt {
  const service = `f${(seed % 0xfff).toString(16).padStart(3, '0')}`;
  const name = `RND${seed}`;
  return buildGatt(
    [...standardServices(name), { uuid: service, name: `${name} UART`, chars: [{ uuid: `${service.slice(0, 3)}1`, properties: ['notify'] }, { uuid: `${service.slice(0, 3)}2`, properties: ['write', 'writeWithoutResponse'] }] }],
    { service, notify: `${service.slice(0, 3)}1`, write: `${service.slice(0, 3)}2`, serverMtu: payload + 3 },
  );
}

const READ = 0x52;
const KEEPALIVE = 0x4b;
const SET = 0x57;

/** The drawn protocol as a simulated device. */
export function randomDevice(spec: RandomSpec): RandomDevice {
  const gatt = randomGatt(spec.seed, spec.payload);
  const pieces = new Prng(spec.seed ^ 0x9ece);
  const switchFrames = { on: 0, off: 0 };
  const data = spec.types.filter((t) => t.role === 'data');
  const ack = spec.types.find((t) => t.role === 'ack') ?? null;
  const cmd = (op: number, arg: number): Uint8Array => Uint8Array.of(...spec.marker, op, arg, (op + arg) & 0xff);
  const isCmd = (w: Uint8Array, op: number): boolean => w.length === spec.marker.length + 3 && spec.marker.every((b, i) => w[i] === b) && w[spec.marker.length] === op;
  const send = (s: BmsState, t: FrameTypeSpec, mtu: number): Uint8Array[] => {
    if (t === spec.types[spec.switchType]) switchFrames[s.dischargeOn ? 'on' : 'off']++;
    const f = buildFrame(spec, t, s);
    if (spec.cut === 'mtu') return chunk(f, Math.min(spec.payload, mtu - 3));
    const out: Uint8Array[] = [];
    for (let o = 0; o < f.length; ) {
      const n = pieces.int(1, Math.min(spec.payload, mtu - 3));
      out.push(f.slice(o, o + n));
      o += n;
    }
    return out;
  };
  let ticks = 0;
  const protocol: BmsProtocol = {
    id: `random-${spec.seed}`,
    name: `drawn protocol ${spec.seed}`,
    notes: 'SYNTHETIC: drawn at random from a seed (src/sim/random), no rule designed for it.',
    advertisedName: (serial) => `RND-${serial.slice(-4)}`,
    addressPrefix: 'd0:3e:90',
    gatt,
    writeOpcode: 0x52,
    appConnect: () => (spec.mode === 'stream' ? [START_STREAM] : []),
    appPoll: () => [...(spec.mode === 'poll' ? data.map((t) => cmd(READ, t.type)) : []), ...(ack ? [cmd(KEEPALIVE, 0)] : [])],
    switchCommand: (on) => cmd(SET, on ? 1 : 0),
    respond(s, w, mtu) {
      if (isStart(w)) s.session.streaming = true;
      if (isCmd(w, SET)) s.dischargeOn = w[spec.marker.length + 1] === 1;
      if (isCmd(w, KEEPALIVE) && ack) return send(s, ack, mtu);
      if (spec.mode === 'poll' && isCmd(w, READ)) {
        const t = data.find((x) => x.type === w[spec.marker.length + 1]);
        return t ? send(s, t, mtu) : [];
      }
      return [];
    },
    // One frame per tick (the data types take turns), so that a pause ends every frame.
    stream: spec.mode === 'stream' ? (s, mtu) => send(s, data[ticks++ % data.length]!, mtu) : undefined,
    streamIntervalMs: spec.intervalMs,
    requestGapMs: spec.requestGapMs,
    truth: (() => {
      const place = switchPlace(spec);
      return { what: 'discharge MOSFET', handle: gatt.notifyHandle, prefix: toHex(headerBytes(spec, place.type)), length: place.type.length, byte: place.byte, bit: Math.log2(place.mask & -place.mask), mask: place.mask, on: 1, rule: `random protocol ${spec.seed}` };
    })(),
  };
  return { spec, protocol, switchFrames };
}
