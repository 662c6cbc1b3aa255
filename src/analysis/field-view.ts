// Fields in words, the same in the terminal, the wizard and the reports:
// "bytes 4–5 u16 be × 0.01 V" and "cells 1–16, u16 le, mV, bytes 6–37".
import type { CellArrayCandidate, FieldSpec } from './fields.js';

function num(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}

/** "bytes 4–5" or "byte 23". */
export function byteRange(offset: number, size: number): string {
  return size === 1 ? `byte ${offset}` : `bytes ${offset}–${offset + size - 1}`;
}

/** "bytes 4–5 u16 be × 0.01 − 273.1 °C" (decoded = raw × scale + add). */
export function describeField(f: FieldSpec, unit: string): string {
  const type = f.type === 'bcd' ? `bcd${f.size * 8}` : f.endian ? `${f.type} ${f.endian}` : f.type;
  const scale = f.scale !== 1 ? ` × ${num(f.scale)}` : '';
  const add = f.add ? ` ${f.add < 0 ? '−' : '+'} ${num(Math.abs(f.add))}` : '';
  return `${byteRange(f.offset, f.size)} ${type}${scale}${add}${unit ? ` ${unit}` : ''}`;
}

/** "cells 1–16, u16 le, mV, bytes 6–37". */
export function describeCells(c: CellArrayCandidate): string {
  const unit = c.scale === 1 && c.unit === 'mV' ? 'mV' : c.scale === 0.001 && c.unit === 'V' ? 'mV' : `× ${num(c.scale)} ${c.unit}`;
  return `cells 1–${c.count}, ${c.type} ${c.endian}, ${unit}, ${byteRange(c.offset, c.count * c.size)}`;
}
