// Checksum algorithms seen in BMS protocols, table-driven, over bytes[from, to).
import { minLength } from './stats.js';

/** What an algorithm is, for code that must compute it elsewhere (the Lua and Python exports). */
export type ChecksumParams =
  | { kind: 'sum'; width: 8 | 16; post: 'none' | 'neg' | 'not' | 'sub0x10000' }
  | { kind: 'xor' }
  | { kind: 'crc'; width: 8 | 16; poly: number; init: number; xorout: number; reflected: boolean };

export interface ChecksumAlgorithm {
  name: string;
  /** Bytes of the stored checksum. */
  size: 1 | 2;
  params: ChecksumParams;
  compute(b: Uint8Array, from: number, to: number): number;
}

function crc8Table(poly: number): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ poly) & 0xff : (c << 1) & 0xff;
    t[i] = c;
  }
  return t;
}

function crc8ReflTable(rpoly: number): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ rpoly : c >>> 1;
    t[i] = c;
  }
  return t;
}

function crc16Table(poly: number): Uint16Array {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ poly) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
}

function crc16ReflTable(rpoly: number): Uint16Array {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ rpoly : c >>> 1;
    t[i] = c;
  }
  return t;
}

function crc8(name: string, poly: number, init: number, xorout: number): ChecksumAlgorithm {
  return crc8With(name, crc8Table(poly), init, xorout, { kind: 'crc', width: 8, poly, init, xorout, reflected: false });
}

function crc8r(name: string, rpoly: number, init: number, xorout: number): ChecksumAlgorithm {
  return crc8With(name, crc8ReflTable(rpoly), init, xorout, { kind: 'crc', width: 8, poly: rpoly, init, xorout, reflected: true });
}

/** A table-driven CRC-8; reflected variants differ only in their table. */
function crc8With(name: string, t: Uint8Array, init: number, xorout: number, params: ChecksumParams): ChecksumAlgorithm {
  return {
    name,
    size: 1,
    params,
    compute(b, from, to) {
      let c = init;
      for (let i = from; i < to; i++) c = t[(c ^ b[i]!) & 0xff]!;
      return c ^ xorout;
    },
  };
}


function crc16(name: string, poly: number, init: number, xorout: number): ChecksumAlgorithm {
  const t = crc16Table(poly);
  return {
    name,
    size: 2,
    params: { kind: 'crc', width: 16, poly, init, xorout, reflected: false },
    compute(b, from, to) {
      let c = init;
      for (let i = from; i < to; i++) c = ((c << 8) ^ t[((c >>> 8) ^ b[i]!) & 0xff]!) & 0xffff;
      return c ^ xorout;
    },
  };
}

function crc16r(name: string, rpoly: number, init: number, xorout: number): ChecksumAlgorithm {
  const t = crc16ReflTable(rpoly);
  return {
    name,
    size: 2,
    params: { kind: 'crc', width: 16, poly: rpoly, init, xorout, reflected: true },
    compute(b, from, to) {
      let c = init;
      for (let i = from; i < to; i++) c = (c >>> 8) ^ t[(c ^ b[i]!) & 0xff]!;
      return c ^ xorout;
    },
  };
}

function sum(b: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += b[i]!;
  return s;
}

const CRC16_MODBUS = crc16r('crc16-modbus', 0xa001, 0xffff, 0);

/** CRC-16/MODBUS over bytes[from, to) (Modbus RTU, Daly's newer firmware, ANT; sent little-endian). */
export function crc16Modbus(b: Uint8Array, from = 0, to = b.length): number {
  return CRC16_MODBUS.compute(b, from, to);
}

/** Sum of bytes modulo 256 (Daly, JK). */
export function sum8(b: Uint8Array, from = 0, to = b.length): number {
  return sum(b, from, to) & 0xff;
}

/** 0x10000 − the 16-bit sum of the bytes (JBD). */
export function sum16Complement(b: Uint8Array, from = 0, to = b.length): number {
  return (0x10000 - (sum(b, from, to) & 0xffff)) & 0xffff;
}

/** In the order they are tried: simple sums first (a CRC explains fewer coincidences but costs more). */
export const CHECKSUMS: ChecksumAlgorithm[] = [
  { name: 'sum8', size: 1, params: { kind: 'sum', width: 8, post: 'none' }, compute: sum8 },
  { name: 'xor8', size: 1, params: { kind: 'xor' }, compute: (b, f, t) => { let x = 0; for (let i = f; i < t; i++) x ^= b[i]!; return x; } },
  { name: 'neg8 (two\'s complement of sum8)', size: 1, params: { kind: 'sum', width: 8, post: 'neg' }, compute: (b, f, t) => -sum(b, f, t) & 0xff },
  { name: 'not8 (one\'s complement of sum8)', size: 1, params: { kind: 'sum', width: 8, post: 'not' }, compute: (b, f, t) => ~sum(b, f, t) & 0xff },
  { name: 'sum16', size: 2, params: { kind: 'sum', width: 16, post: 'none' }, compute: (b, f, t) => sum(b, f, t) & 0xffff },
  { name: '0x10000-sum16', size: 2, params: { kind: 'sum', width: 16, post: 'sub0x10000' }, compute: sum16Complement },
  CRC16_MODBUS,
  crc16('crc16-ccitt-false', 0x1021, 0xffff, 0),
  crc16('crc16-xmodem', 0x1021, 0, 0),
  crc16r('crc16-kermit', 0x8408, 0, 0),
  crc16r('crc16-arc', 0xa001, 0, 0),
  crc16r('crc16-x25', 0x8408, 0xffff, 0xffff),
  crc8('crc8-smbus', 0x07, 0, 0),
  crc8('crc8-itu', 0x07, 0, 0x55),
  crc8r('crc8-maxim', 0x8c, 0, 0),
  crc8('crc8-sae-j1850', 0x1d, 0xff, 0xff),
  crc8('crc8-autosar', 0x2f, 0xff, 0xff),
  crc8r('crc8-rohc', 0xe0, 0xff, 0),
  crc8('crc8-dvb-s2', 0xd5, 0, 0),
  crc8r('crc8-wcdma', 0xd9, 0, 0),
];

export interface ChecksumMatch {
  algorithm: string;
  /** Bytes covered: [from, to) where to is the field offset (counted from the message end: to = length - fromEnd - size). */
  from: number;
  /** Field offset from the end of the message: field = bytes[len - fromEnd - size, len - fromEnd). */
  fromEnd: number;
  size: 1 | 2;
  le: boolean;
  matches: number;
  of: number;
}

export function describeChecksum(c: ChecksumMatch, length: number): string {
  const at = length - c.fromEnd - c.size;
  return `${c.algorithm} of bytes ${c.from}..${at - 1} at byte ${at}${c.size === 2 ? (c.le ? ' (little-endian)' : ' (big-endian)') : ''}`;
}

/** Finds the algorithm, range start and field position (at the end, before up to 2 trailer bytes) that explain the messages. */
export function detectChecksum(samples: Uint8Array[]): ChecksumMatch | null {
  if (samples.length < 2) return null;
  const minLen = minLength(samples);
  for (const fromEnd of [0, 1, 2]) {
    let best: ChecksumMatch | null = null;
    for (const alg of CHECKSUMS) {
      for (const le of alg.size === 2 ? [true, false] : [false]) {
        const maxFrom = Math.min(8, minLen - fromEnd - alg.size - 2);
        for (let from = 0; from <= maxFrom; from++) {
          let matches = 0;
          for (let i = 0; i < samples.length; i++) {
            const b = samples[i]!;
            const at = b.length - fromEnd - alg.size;
            const stored = alg.size === 1 ? b[at]! : le ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
            if (alg.compute(b, from, at) === stored) matches++;
            else if (i + 1 - matches > samples.length * 0.1) break; // cannot reach 90% any more
          }
          // Of checks that verify as often, the wider one is the stronger evidence (chance passes a
          // 16-bit check 1 time in 65 536, an 8-bit one 1 in 256): a one's-complement sum8 over
          // 0x10000 − sum16 and its low byte verifies whenever the high byte is 0xff.
          if (matches >= samples.length * 0.9 && (!best || matches > best.matches || (matches === best.matches && alg.size > best.size))) {
            best = { algorithm: alg.name, from, fromEnd, size: alg.size, le, matches, of: samples.length };
          }
        }
      }
    }
    if (best) return best;
  }
  return null;
}
