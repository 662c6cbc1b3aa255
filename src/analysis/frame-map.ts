// The frame map maintainers draw by hand: per group, one row per byte offset, a few representative
// frames as columns, and what each byte range looks like (constant, counter, checksum, length, flags,
// number with its likely encoding, text, or a field already identified).
import { hex0x, toHex } from '../hex.js';
import { popcount } from './bits.js';
import type { FieldSpec } from './fields.js';
import type { GroupResult, Message } from './types.js';

export type ByteKind = 'constant' | 'counter' | 'checksum' | 'length' | 'flags' | 'number' | 'text' | 'field' | 'varies';

export interface MapRange {
  from: number;
  to: number;
  kind: ByteKind;
  /** "crc16-modbus over 0..33", "u16 le", "soc (u8, %)", "4 values". */
  detail: string;
}

export interface FrameMapGroup {
  group: string;
  handle: number;
  prefix: string;
  length: number;
  frames: number;
  /** The representative frames: the round they come from and their record. */
  columns: { round: number; record: number; hex: string }[];
  ranges: MapRange[];
}

/** A field named in the session or found by `fields`. */
export interface KnownField extends FieldSpec {
  name: string;
  unit: string;
  count?: number;
}

/** Columns: the most common frame of each round (up to `max`), or frames spread over one round. */
function representatives(messages: Message[], max: number): Message[] {
  const byRound = new Map<number, Message[]>();
  for (const m of messages) {
    let l = byRound.get(m.round);
    if (!l) byRound.set(m.round, (l = []));
    l.push(m);
  }
  const rounds = [...byRound.keys()].sort((a, b) => a - b);
  if (rounds.length === 1) {
    const l = byRound.get(rounds[0]!)!;
    const n = Math.min(max, l.length);
    return Array.from({ length: n }, (_, i) => l[Math.floor((i * l.length) / n)]!);
  }
  return rounds.slice(0, max).map((r) => {
    const l = byRound.get(r)!;
    const count = new Map<string, { m: Message; n: number }>();
    for (const m of l.slice(0, 500)) {
      const k = toHex(m.bytes);
      const c = count.get(k);
      if (c) c.n++;
      else count.set(k, { m, n: 1 });
    }
    return [...count.values()].sort((a, b) => b.n - a.n)[0]!.m;
  });
}

const printable = (b: number): boolean => b >= 0x20 && b < 0x7f;

interface ByteStats {
  distinct: number;
  /** The values seen (up to 5). */
  values: number[];
  /** Share of frames where the byte differs from the previous frame. */
  changes: number;
  printable: number;
  present: number;
}

function byteStats(messages: Message[], length: number): ByteStats[] {
  const step = Math.max(1, Math.floor(messages.length / 2000));
  const sample = messages.filter((_, i) => i % step === 0);
  return Array.from({ length }, (_, o) => {
    const seen = new Set<number>();
    let changes = 0;
    let pr = 0;
    let present = 0;
    let prev = -1;
    for (const m of sample) {
      if (o >= m.bytes.length) continue;
      const b = m.bytes[o]!;
      present++;
      seen.add(b);
      if (printable(b)) pr++;
      if (prev >= 0 && b !== prev) changes++;
      prev = b;
    }
    return { distinct: seen.size, values: [...seen].slice(0, 5), changes: present > 1 ? changes / (present - 1) : 0, printable: present ? pr / present : 0, present };
  });
}

/** The map of one group; `labels` and `checksum` come from the analysis, `fields` from the session or `fields`. */
export function mapGroup(group: GroupResult, messages: Message[], fields: KnownField[] = [], maxColumns = 4): FrameMapGroup {
  const length = group.length;
  const stats = byteStats(messages, length);
  const labels = new Map(group.labels.map((l) => [l.byte, l.label]));
  const ranges: MapRange[] = [];
  const taken = new Array<boolean>(length).fill(false);
  const put = (from: number, to: number, kind: ByteKind, detail: string): void => {
    ranges.push({ from, to, kind, detail });
    for (let o = from; o <= to && o < length; o++) taken[o] = true;
  };
  for (const f of fields.filter((x) => x.group === group.id)) {
    const to = f.offset + f.size * (f.count ?? 1) - 1;
    if (f.offset >= length || taken.slice(f.offset, to + 1).some(Boolean)) continue;
    const enc = `${f.type}${f.endian ? ` ${f.endian}` : ''}${f.scale !== 1 ? ` × ${f.scale}` : ''}${f.add ? ` ${f.add < 0 ? '−' : '+'} ${Math.abs(f.add)}` : ''}`;
    put(f.offset, Math.min(to, length - 1), 'field', `${f.name} (${f.count ? `${f.count} × ` : ''}${enc}${f.unit ? `, ${f.unit}` : ''})`);
  }
  // Labelled bytes of the analysis (a checksum is one range with its algorithm).
  for (let o = 0; o < length; o++) {
    const l = labels.get(o);
    if (taken[o] || !l || l === 'number' || l === 'chance') continue;
    let to = o;
    while (to + 1 < length && labels.get(to + 1) === l && !taken[to + 1]) to++;
    put(o, to, l, l === 'checksum' && group.checksum ? group.checksum : '');
    o = to;
  }
  // Arrays of 16-bit numbers whose high bytes hold still (cell voltages 0c de, 0c d5 …): the varying
  // byte of each pair is the low byte; three pairs in a row or more make the pattern.
  const varies = (o: number): boolean => o < length && !taken[o] && stats[o]!.distinct > 1;
  const still = (o: number): boolean => o < length && !taken[o] && stats[o]!.distinct === 1;
  for (let o = 0; o + 5 < length; o++) {
    for (const le of [true, false]) {
      const low = le ? 0 : 1;
      let n = 0;
      while (o + 2 * n + 1 < length && varies(o + 2 * n + low) && still(o + 2 * n + 1 - low) && stats[o + 2 * n + 1 - low]!.values[0] === stats[o + 1 - low]!.values[0]) n++;
      if (n >= 3) {
        for (let k = 0; k < n; k++) put(o + 2 * k, o + 2 * k + 1, 'number', le ? 'u16 le (low byte first; one of an array)' : 'u16 be (high byte first; one of an array)');
        o += 2 * n - 1;
        break;
      }
    }
  }
  // Text: printable bytes in a row, not one character repeated: three or more when they change (a
  // reading in ASCII), five or more when they hold still (numbers like 6d 5e are printable by chance).
  for (let o = 0; o < length; o++) {
    if (taken[o] || stats[o]!.printable < 0.9) continue;
    let to = o;
    while (to + 1 < length && !taken[to + 1] && stats[to + 1]!.printable >= 0.9) to++;
    const chars = new Set(stats.slice(o, to + 1).flatMap((x) => x.values));
    const moving = stats.slice(o, to + 1).some((x) => x.distinct > 1);
    if (to - o >= (moving ? 2 : 4) && chars.size >= 2) put(o, to, 'text', '');
    o = to;
  }
  for (let o = 0; o < length; o++) {
    if (taken[o]) continue;
    const s = stats[o]!;
    if (s.distinct <= 1) {
      let to = o;
      while (to + 1 < length && !taken[to + 1] && stats[to + 1]!.distinct <= 1) to++;
      put(o, to, 'constant', '');
      o = to;
      continue;
    }
    // Flags: a few values that differ in one or two bits (01/03, 00/80), not a number that moved a little.
    if (s.distinct <= 4 && s.values.every((a) => s.values.every((b) => popcount(a ^ b) <= 2))) {
      put(o, o, 'flags', s.values.map((v) => hex0x(v)).join('/'));
      continue;
    }
    // A number: its low byte changes more often than its high byte (a carry).
    const next = stats[o + 1];
    if (next && !taken[o + 1] && next.distinct > 1) {
      const le = s.changes >= next.changes;
      put(o, o + 1, 'number', le ? 'u16 le (low byte first)' : 'u16 be (high byte first)');
      o++;
      continue;
    }
    put(o, o, s.distinct > 1 ? 'number' : 'varies', 'u8');
  }
  ranges.sort((a, b) => a.from - b.from);
  return {
    group: group.id,
    handle: group.handle,
    prefix: group.prefix,
    length,
    frames: messages.length,
    columns: representatives(messages, maxColumns).map((m) => ({ round: m.round, record: m.record, hex: toHex(m.bytes) })),
    ranges,
  };
}
