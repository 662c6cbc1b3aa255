// Views of an analysis for people: hex with candidate bits marked, and the candidate table.
// Pure: returns strings and segments; the command or the wizard decides on colours.
import { asciiText, hex0x, hexNum } from '../hex.js';
import { layoutTable, type TableColumn } from '../table-layout.js';
import type { AnalysisResult, CandidateResult, GroupResult, Label } from './types.js';

export interface HexSegment {
  /** Two hex digits. */
  hex: string;
  byte: number;
  /** Candidate bits in this byte (0 when none). */
  mask: number;
  /** Rank of the best candidate in this byte (1 = best), or null. */
  rank: number | null;
  /** Label of the byte (checksum, counter, length), or null. */
  label: Label | null;
}

export interface HexLine {
  offset: number;
  segments: HexSegment[];
}

/** "0000 0[0]11": the byte's bits, most significant first, the bits of `mask` in brackets. */
export function markedBits(value: number, mask: number): string {
  let out = '';
  for (let b = 7; b >= 0; b--) {
    const bit = String((value >> b) & 1);
    out += (mask >> b) & 1 ? `[${bit}]` : bit;
    if (b === 4) out += ' ';
  }
  return out;
}

/** "0,1", "3–5", "0–4,6,7": bit numbers with runs of three or more as a range (narrow table cells). */
export function bitList(bits: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < bits.length; ) {
    let j = i;
    while (j + 1 < bits.length && bits[j + 1] === bits[j]! + 1) j++;
    if (j - i >= 2) out.push(`${bits[i]}–${bits[j]}`);
    else for (let k = i; k <= j; k++) out.push(String(bits[k]));
    i = j + 1;
  }
  return out.join(',');
}

/** "byte 24 bit 1 (0x02)" or, for an enum byte, "byte 103 bits 1–3 (0x0e)". */
export function describeBits(c: Pick<CandidateResult, 'byte' | 'bit' | 'mask' | 'bits'>): string {
  const bits = c.bits && c.bits.length > 1 ? `bits ${bitList(c.bits)}` : `bit ${c.bit}`;
  return `byte ${c.byte} ${bits} (${c.mask})`;
}

/** The group's example message, 16 bytes a line, with the candidate bits of the group marked. */
export function hexView(group: GroupResult, candidates: CandidateResult[], perLine = 16): HexLine[] {
  const bytes = Buffer.from(group.example, 'hex');
  const marks = new Map<number, { mask: number; rank: number }>();
  candidates.forEach((c, i) => {
    if (c.group !== group.id) return;
    const m = marks.get(c.byte);
    const mask = parseInt(c.mask, 16);
    if (m) m.mask |= mask;
    else marks.set(c.byte, { mask, rank: i + 1 });
  });
  const labels = new Map(group.labels.map((l) => [l.byte, l.label]));
  const lines: HexLine[] = [];
  for (let o = 0; o < bytes.length; o += perLine) {
    const segments: HexSegment[] = [];
    for (let b = o; b < Math.min(bytes.length, o + perLine); b++) {
      const m = marks.get(b);
      segments.push({ hex: hexNum(bytes[b]!), byte: b, mask: m?.mask ?? 0, rank: m?.rank ?? null, label: labels.get(b) ?? null });
    }
    lines.push({ offset: o, segments });
  }
  return lines;
}

/**
 * "'1' → '3'": the candidate's byte in each state (states in order) when every one of them is an
 * ASCII digit, as in ASCII protocols where a reading or a mode is sent as text. A bit candidate's
 * byte in a state is the example byte with the candidate bits set to that state's value.
 */
export function asciiDigitChange(c: Pick<CandidateResult, 'kind' | 'byte' | 'mask' | 'values'>, example: Uint8Array, states: string[]): string | null {
  const mask = parseInt(c.mask, 16);
  const ex = example[c.byte];
  if (ex === undefined || !Number.isInteger(mask)) return null;
  const bytes = states.map((st) => {
    const v = c.values[st];
    if (v === undefined || v < 0) return -1;
    return c.kind === 'byte' ? v : (ex & ~mask) | (v ? mask : 0);
  });
  if (bytes.some((b) => b < 0x30 || b > 0x39) || new Set(bytes).size < 2) return null;
  return bytes.map((b) => `'${String.fromCharCode(b)}'`).join(' → ');
}

/** The text row under a hex row: each printable byte under its hex, '.' for the others (cells of `cell` characters). */
export function asciiRow(line: HexLine, cell: number, at = 0): string {
  const text = asciiText(Buffer.from(line.segments.map((s) => parseInt(s.hex, 16))));
  return [...text].map((ch) => `${' '.repeat(at)}${ch}`.padEnd(cell)).join('').trimEnd();
}

/** True when a message holds text worth a text row: a run of 4 or more printable ASCII bytes. */
export function holdsText(example: string): boolean {
  return /[ -~]{4,}/.test(Buffer.from(example, 'hex').toString('latin1'));
}

/** Plain-text rendering of a hex view: marked bytes in [brackets]. */
export function hexViewText(lines: HexLine[]): string[] {
  return lines.map(
    (l) => `${l.offset.toString().padStart(4)}  ${l.segments.map((s) => (s.mask ? `[${s.hex}]` : ` ${s.hex} `)).join('')}`,
  );
}

function fmtValue(c: CandidateResult, state: string): string {
  const v = c.values[state];
  if (v === undefined || v < 0) return '-';
  return c.kind === 'byte' ? hex0x(v) : String(v);
}

/** Table rows (header first): rank, group, byte, bit, mask, value per state, support, agreement, label, score. */
export function candidateRows(result: AnalysisResult, limit = 20): string[][] {
  const states = Object.keys(result.states);
  const header = ['#', 'group', 'byte', 'bit', 'mask', ...states, 'support', 'agreement', 'label', 'score'];
  const rows = result.candidates.slice(0, limit).map((c, i) => [
    String(i + 1),
    c.group,
    String(c.byte),
    c.kind === 'byte' ? bitList(c.bits) : String(c.bit),
    c.mask,
    ...states.map((s) => fmtValue(c, s)),
    states.map((s) => c.support[s] ?? 0).join('/'),
    c.agreement.toFixed(2),
    c.label ?? '',
    c.score.toFixed(2),
  ]);
  return [header, ...rows];
}

/**
 * The candidate table laid out for `width` (the lines of each row, header first): numbers on
 * the right, the label the only column that wraps; too narrow for that, each candidate a record.
 */
export function candidateTable(result: AnalysisResult, width: number, limit = 20, indent = 2): string[][] {
  const rows = candidateRows(result, limit);
  const columns: TableColumn[] = rows[0]!.map((h) => (h === 'label' ? { wrap: true } : h === '#' || h === 'byte' || h === 'agreement' || h === 'score' ? { align: 'right' } : {}));
  return layoutTable(rows, { width, indent, columns, header: true });
}

/** What a group is, a few words each: id, handle and direction, length, frames, key, messages per state, checksum. */
export function groupFacts(g: GroupResult): string[] {
  const per = Object.entries(g.messages).map(([s, n]) => `${s} ${n}`).join(', ');
  const len = g.lengths.min === g.lengths.max ? `${g.length} bytes` : `${g.lengths.min}–${g.lengths.max} bytes`;
  return [g.id, `handle ${hex0x(g.handle, 4)} ${g.dir}`, len, `frames ${g.frames}`, `key ${g.key}`, `messages: ${per}`, ...(g.checksum ? [`checksum: ${g.checksum}`] : [])];
}
