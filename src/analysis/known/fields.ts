// Reading a documented field of a family from a frame (offsets, variable shifts, scale and unit).
import { decodeNumber } from '../encodings.js';
import type { FieldSpec, NumberType } from './family-types.js';

const SIZES: Record<NumberType, number> = { u8: 1, u16: 2, u32: 4, i16: 2, i32: 4, f32: 4 };

export function sizeOf(type: NumberType): number {
  return SIZES[type];
}

/** 'u16' + little-endian → 'u16le', the encoding names of analysis/find.ts. */
export function encodingOf(type: NumberType, le: boolean): string {
  return type === 'u8' ? 'u8' : `${type}${le ? 'le' : 'be'}`;
}

export function readRaw(b: Uint8Array, offset: number, type: NumberType, le: boolean): number | null {
  return decodeNumber(encodingOf(type, le), b, offset);
}

/** Where the field starts in this frame (ANT fields move with the number of cells and sensors). */
export function fieldOffset(f: FieldSpec, frame: Uint8Array, index = 0): number {
  let o = f.offset + index * (f.stride ?? 0);
  if (f.shiftBy) o += f.shiftBy.times * f.shiftBy.at.reduce((n, at) => n + (frame[at] ?? 0), 0);
  return o;
}

/** Entries of a repeated field in this frame (cell voltages: at most the cell count the frame gives). */
export function fieldCount(f: FieldSpec, frame: Uint8Array): number {
  const n = f.count ?? 1;
  return f.countAt === undefined ? n : Math.min(n, frame[f.countAt] ?? 0);
}

/** Whether the field is in this frame at all (fields of one frame type or command). */
export function fieldApplies(f: FieldSpec, frame: Uint8Array): boolean {
  return !f.onType || frame[f.onType.offset] === f.onType.value;
}

/** The shown value of the field, (raw + add) × scale. */
export function readField(f: FieldSpec, frame: Uint8Array, index = 0): number | null {
  const raw = readRaw(frame, fieldOffset(f, frame, index), f.type, f.le);
  return raw === null ? null : (raw + (f.add ?? 0)) * (f.scale ?? 1);
}
