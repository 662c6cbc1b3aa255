// What the known family documents at a candidate's place: "JBD byte 24 bit 1 is documented as the
// discharge MOSFET". The candidate's group example is matched against the family's frame shapes;
// a documented field covering the byte (and the bit, for bit fields) gives the meaning.
import { parseHex } from '../../hex.js';
import type { Direction } from '../../model.js';
import type { Family, FieldSpec } from './family-types.js';
import { fieldApplies, fieldCount, fieldOffset, sizeOf } from './fields.js';

export interface CandidatePlace {
  group: string;
  byte: number;
  mask: string;
}

export interface GroupPlace {
  id: string;
  dir: Direction;
  /** Hex of a typical message of the group. */
  example: string;
}

export interface DocumentedMeaning {
  group: string;
  byte: number;
  mask: string;
  /** The family's name for the field. */
  field: string;
  /** Meanings of the documented bits the mask covers (empty for a number field). */
  bits: { bit: number; meaning: string }[];
  /** For number fields: which byte of the field (0 = first) and its size, scale and unit. */
  part: { index: number; size: number; scale: number | null; unit: string | null; entry: number | null } | null;
}

function startsWithHex(b: Uint8Array, hex: string): boolean {
  const h = parseHex(hex)!;
  if (b.length < h.length) return false;
  for (let i = 0; i < h.length; i++) if (b[i] !== h[i]) return false;
  return true;
}

function fieldAt(f: FieldSpec, frame: Uint8Array, byte: number): { entry: number; index: number } | null {
  if (!fieldApplies(f, frame)) return null;
  const n = fieldCount(f, frame);
  const size = sizeOf(f.type);
  for (let k = 0; k < n; k++) {
    const o = fieldOffset(f, frame, k);
    if (byte >= o && byte < o + size) return { entry: k, index: byte - o };
  }
  return null;
}

function bitsOf(mask: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < 32; b++) if (mask & (1 << b)) out.push(b);
  return out;
}

/** The documented meaning of each candidate that lands on a field the family documents. */
export function documentedMeanings(family: Family, groups: GroupPlace[], candidates: CandidatePlace[]): DocumentedMeaning[] {
  const out: DocumentedMeaning[] = [];
  for (const c of candidates) {
    const g = groups.find((x) => x.id === c.group);
    if (!g) continue;
    const frame = parseHex(g.example);
    if (!frame) continue;
    const shapes = family.frames.filter((s) => s.dir === g.dir && s.heads.some((h) => startsWithHex(frame, h)));
    const mask = Number.parseInt(c.mask, 16);
    for (const f of shapes.flatMap((s) => s.fields ?? [])) {
      const at = fieldAt(f, frame, c.byte);
      if (!at) continue;
      if (f.bits) {
        // A field's masks count over all its bytes (big-endian fields: the last byte holds bits 0–7).
        const size = sizeOf(f.type);
        const shift = 8 * (f.le ? at.index : size - 1 - at.index);
        const hits = f.bits.filter((b) => ((b.mask >>> shift) & 0xff & mask) !== 0);
        if (hits.length === 0) continue;
        out.push({ group: c.group, byte: c.byte, mask: c.mask, field: f.name, bits: hits.flatMap((b) => bitsOf((b.mask >>> shift) & 0xff & mask).map((bit) => ({ bit, meaning: b.meaning }))), part: null });
      } else {
        out.push({
          group: c.group,
          byte: c.byte,
          mask: c.mask,
          field: f.name,
          bits: [],
          part: { index: at.index, size: sizeOf(f.type), scale: f.scale ?? null, unit: f.unit ?? null, entry: f.count ? at.entry : null },
        });
      }
      break;
    }
  }
  return out;
}

/** "JBD byte 24 bit 1 is documented as the discharge MOSFET" / "… is byte 2 of 2 of the documented total voltage (× 0.01 V)". */
export function describeMeaning(short: string, m: DocumentedMeaning): string {
  if (m.bits.length > 0) {
    const byMeaning = new Map<string, number[]>();
    for (const b of m.bits) byMeaning.set(b.meaning, [...(byMeaning.get(b.meaning) ?? []), b.bit]);
    const parts = [...byMeaning].map(([meaning, bits]) => `${bits.length > 1 ? `bits ${bits.join(',')}` : `bit ${bits[0]}`} is documented as ${meaning}`);
    return `${short} byte ${m.byte} ${parts.join('; ')} (field: ${m.field})`;
  }
  const p = m.part!;
  const which = p.entry !== null ? ` ${p.entry + 1}` : '';
  const scale = p.scale !== null || p.unit ? ` (${p.scale !== null ? `× ${p.scale}` : ''}${p.scale !== null && p.unit ? ' ' : ''}${p.unit ?? ''})` : '';
  return p.size === 1
    ? `${short} byte ${m.byte} is documented as the ${m.field}${which}${scale}`
    : `${short} byte ${m.byte} is byte ${p.index + 1} of ${p.size} of the documented ${m.field}${which}${scale}`;
}
