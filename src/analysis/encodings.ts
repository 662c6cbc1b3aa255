// How a number can sit in a frame: the one list of fixed-width encodings (value search, fields, map).
// ASCII decimal and ASCII hex have no fixed width and are read by their own functions below.

export type EncodingType = 'u8' | 'i8' | 'u16' | 'i16' | 'u24' | 'i24' | 'u32' | 'i32' | 'f32' | 'sm16' | 'bcd';
export type Endian = 'be' | 'le';

export interface Encoding {
  type: EncodingType;
  size: number;
  /** null for one-byte encodings. */
  endian: Endian | null;
  /** The raw number at offset o (the caller checks o + size ≤ length); NaN when the bytes are not this encoding (BCD). */
  read(b: Uint8Array, o: number): number;
  /** Floats carry their own scale: no scale or offset is applied. */
  float: boolean;
}

function uint(b: Uint8Array, o: number, n: number, endian: Endian): number {
  let v = 0;
  if (endian === 'be') for (let i = 0; i < n; i++) v = v * 256 + b[o + i]!;
  else for (let i = n - 1; i >= 0; i--) v = v * 256 + b[o + i]!;
  return v;
}

function bcd(b: Uint8Array, o: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const x = b[o + i]!;
    const hi = x >> 4;
    const lo = x & 15;
    if (hi > 9 || lo > 9) return NaN;
    v = v * 100 + hi * 10 + lo;
  }
  return v;
}

const signed = (v: number, bits: number): number => (v >= 2 ** (bits - 1) ? v - 2 ** bits : v);

function ints(type: 'u' | 'i', size: number): Encoding[] {
  const bits = size * 8;
  const t = `${type}${bits}` as EncodingType;
  if (size === 1) return [{ type: t, size, endian: null, float: false, read: type === 'u' ? (b, o) => b[o]! : (b, o) => signed(b[o]!, 8) }];
  return (['be', 'le'] as const).map((endian) => ({
    type: t,
    size,
    endian,
    float: false,
    read: type === 'u' ? (b: Uint8Array, o: number) => uint(b, o, size, endian) : (b: Uint8Array, o: number) => signed(uint(b, o, size, endian), bits),
  }));
}

/** Every fixed-width encoding tried, plainest first within a width. */
export const ENCODINGS: readonly Encoding[] = [
  ...ints('u', 1),
  ...ints('i', 1),
  ...ints('u', 2),
  ...ints('i', 2),
  ...(['be', 'le'] as const).map((endian): Encoding => ({
    // Sign and magnitude (a current whose top bit is the direction).
    type: 'sm16',
    size: 2,
    endian,
    float: false,
    read: (b, o) => {
      const v = uint(b, o, 2, endian);
      return v & 0x8000 ? -(v & 0x7fff) : v;
    },
  })),
  ...ints('u', 3),
  ...ints('i', 3),
  ...ints('u', 4),
  ...ints('i', 4),
  ...(['be', 'le'] as const).map((endian): Encoding => ({
    type: 'f32',
    size: 4,
    endian,
    float: true,
    read: (b, o) => Buffer.from(b.buffer, b.byteOffset + o, 4)[endian === 'be' ? 'readFloatBE' : 'readFloatLE'](0),
  })),
  { type: 'bcd', size: 1, endian: null, float: false, read: (b, o) => bcd(b, o, 1) },
  { type: 'bcd', size: 2, endian: 'be', float: false, read: (b, o) => bcd(b, o, 2) },
  { type: 'bcd', size: 4, endian: 'be', float: false, read: (b, o) => bcd(b, o, 4) },
];

/** "u16be", "i8", "bcd16", "f32le": one short name per encoding. */
export function encodingName(e: Pick<Encoding, 'type' | 'size' | 'endian'>): string {
  if (e.type === 'bcd') return `bcd${e.size * 8}`;
  return `${e.type}${e.endian ?? ''}`;
}

const BY_NAME = new Map(ENCODINGS.map((e) => [encodingName(e), e]));

/** Reads a number by its encoding name ('u16le', 'f32be', 'u8', …); null when unknown or out of bounds. */
export function decodeNumber(name: string, b: Uint8Array, o: number): number | null {
  const e = BY_NAME.get(name);
  return e && o >= 0 && o + e.size <= b.length ? e.read(b, o) : null;
}

const DIGIT = (c: number): boolean => c >= 0x30 && c <= 0x39;
const HEXDIGIT = (c: number): boolean => DIGIT(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** An ASCII decimal number starting at o ("-13.28"): its value, its width in bytes and its decimals; null when none starts here. */
export function asciiDecimalAt(b: Uint8Array, o: number): { value: number; size: number; decimals: number } | null {
  let i = o;
  if (b[i] === 0x2d || b[i] === 0x2b) i++;
  const startDigits = i;
  while (i < b.length && DIGIT(b[i]!)) i++;
  if (i === startDigits) return null;
  // A number starts where the digits start: not in the middle of one.
  if (o > 0 && (DIGIT(b[o - 1]!) || b[o - 1] === 0x2e)) return null;
  let decimals = 0;
  if (b[i] === 0x2e && i + 1 < b.length && DIGIT(b[i + 1]!)) {
    i++;
    while (i < b.length && DIGIT(b[i]!)) {
      i++;
      decimals++;
    }
  }
  const text = Buffer.from(b.buffer, b.byteOffset + o, i - o).toString('latin1');
  return { value: Number(text), size: i - o, decimals };
}

const hexDigit = (c: number): number => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);

/**
 * `n` ASCII hex digits at o read as an unsigned number, or NaN. Big-endian: most significant digit
 * first ("3681"); little-endian: the digit pairs are bytes, least significant first ("8136" = 0x3681).
 */
export function asciiHexAt(b: Uint8Array, o: number, n: number, endian: Endian = 'be'): number {
  let v = 0;
  for (let i = 0; i < n; i++) if (!HEXDIGIT(b[o + i]!)) return NaN;
  if (endian === 'be') for (let i = 0; i < n; i++) v = v * 16 + hexDigit(b[o + i]!);
  else for (let i = n - 2; i >= 0; i -= 2) v = v * 256 + hexDigit(b[o + i]!) * 16 + hexDigit(b[o + i + 1]!);
  return v;
}

/** Widths of ASCII hex numbers tried (2, 4, 8 digits = 1, 2, 4 bytes of value). */
export const ASCII_HEX_DIGITS = [2, 4, 8] as const;
