// Scores candidates so that the switch comes first: isolated flag bits and whole-byte enum changes
// above pieces of numbers; labelled bytes (checksum, counter, length, number) last.
import { hex0x } from '../hex.js';
import { bitOnes, byteProfile, popcount, type BitCandidate, type GroupStats } from './bits.js';
import type { CandidateResult, Label } from './types.js';

export interface RankContext {
  group: string;
  stats: GroupStats;
  /** Label of a byte, or null. */
  labelOf(byte: number, mask: number, decided: boolean[]): Label | null;
}

const LABEL_FACTOR: Record<Label, number> = { checksum: 0.1, counter: 0.1, length: 0.1, number: 0.3, chance: 0.2 };

function hex2(v: number): string {
  return hex0x(v);
}

function bitsOfLowest(mask: number): number {
  let b = 0;
  while (b < 8 && !((mask >> b) & 1)) b++;
  return b;
}

/** Bits of a byte that take both values within at least one state. */
function movingBits(gs: GroupStats, byte: number): number {
  let m = 0;
  for (let s = 0; s < gs.states.length; s++) {
    const n = gs.present[s]![byte] ?? 0;
    if (!n) continue;
    const ones = bitOnes(gs, s, byte);
    ones.forEach((o, k) => {
      if (o > 0 && o < n) m |= 1 << k;
    });
  }
  return m;
}

/** Merges the bits of one byte into one candidate when several change together (an enum), then scores. */
export function buildCandidates(bits: BitCandidate[], ctx: RankContext): CandidateResult[] {
  const states = ctx.stats.states;
  const byByte = new Map<number, BitCandidate[]>();
  for (const b of bits) {
    let l = byByte.get(b.byte);
    if (!l) byByte.set(b.byte, (l = []));
    l.push(b);
  }
  const out: CandidateResult[] = [];
  for (const [byte, list] of byByte) {
    const prof = byteProfile(ctx.stats, byte);
    const support: Record<string, number> = {};
    states.forEach((s, i) => (support[s] = list[0]!.support[i]!));
    const agreement = Math.min(...list.map((b) => b.agreement));
    const mask = list.reduce((m, b) => m | (1 << b.bit), 0);
    const values: Record<string, number> = {};
    let kind: 'bit' | 'byte';
    if (list.length === 1) {
      kind = 'bit';
      // A state where the bit is not constant has no value (-1).
      states.forEach((s, i) => (values[s] = list[0]!.decided[i] ? list[0]!.values[i]! : -1));
    } else {
      kind = 'byte';
      states.forEach((s, i) => (values[s] = prof.mode[i]!));
    }
    const decided = states.map((_, i) => list.every((b) => b.decided[i]));
    const label = ctx.labelOf(byte, mask, decided);
    const why: string[] = [];
    const supportedStates = list[0]!.support.filter((n) => n > 0).length;
    const undecided = states.filter((_, i) => list[0]!.support[i]! > 0 && !list.every((b) => b.decided[i]));
    // Score parts, each in (0, 1].
    const minSupport = Math.min(...list[0]!.support.filter((n) => n > 0));
    let score = agreement * (0.5 + (0.5 * minSupport) / (minSupport + 2));
    // A byte that holds nothing but this bit (0x00/0x01) is the plainest way to store a switch.
    const alone = prof.mode.every((v) => v < 0 || (v & ~mask) === 0);
    // Flags sit in bytes that hold few other set bits; the low byte of a number that merely
    // drifted between the recordings has bits all over it (0xb5 ↔ 0xb7).
    let others = 0;
    for (let i = 0; i < states.length; i++) if (decided[i] && prof.mode[i]! >= 0) others |= prof.mode[i]! & ~mask;
    const busy = popcount(others);
    if (!alone) score *= 0.97 * (1 - 0.02 * Math.max(0, busy - 1));
    const carry = kind === 'byte' && numberStep(prof.mode.filter((v, i) => v >= 0 && decided[i]), others);
    if (carry) {
      score *= 0.8;
      why.push('values a step apart, with a carry (a number that ticked over?)');
    }
    if (kind === 'bit') why.push(alone ? 'one bit differs, alone in its byte' : 'one bit differs');
    else {
      score *= Math.max(0.7, 0.97 - 0.03 * (list.length - 2));
      why.push(`byte values ${states.map((s) => `${s} ${hex2(values[s]!)}`).join(', ')}`);
    }
    // Other bits of the byte flicker within a state: looks like part of a number, more so when
    // only bits below the candidate move (low-order noise under a stable higher bit).
    if (prof.distinct.some((d, i) => d >= 2 && decided[i])) {
      const below = (1 << bitsOfLowest(mask)) - 1;
      const moving = movingBits(ctx.stats, byte);
      // One moving bit above bit 0, with bit 0 fixed, is a flag of its own (charging, beside the
      // MOSFET flag): a number drifting from its low end moves its lowest bit first.
      const flag = popcount(moving) === 1 && moving !== 1;
      const onlyBelow = !flag && moving !== 0 && (moving & ~below) === 0;
      const onlyAbove = moving !== 0 && ((moving & below) === 0 || flag) && popcount(moving) <= 2;
      // Bits above the candidate that flicker are other flags of a bit field (a balancing flag
      // next to a MOSFET flag): no sign of a number, which drifts from its low end.
      score *= onlyBelow ? 0.6 : onlyAbove ? 1 : prof.distinct.some((d) => d >= 3) ? 0.75 : 0.9;
      why.push(onlyBelow ? 'lower bits of the byte vary (a number?)' : onlyAbove ? (flag && (moving & below) !== 0 ? 'a lower bit of the byte varies (another flag)' : 'higher bits of the byte vary (other flags)') : 'other bits of the byte vary');
    }
    const neighbours = [byte - 1, byte + 1].filter((p) => p >= 0 && p < ctx.stats.length);
    const noisyNeighbours = neighbours.filter((p) => byteProfile(ctx.stats, p).distinct.some((d) => d >= 3)).length;
    if (noisyNeighbours > 0) {
      score *= noisyNeighbours === 2 ? 0.8 : 0.9;
      why.push('next to bytes that vary');
    }
    if (undecided.length) {
      score *= (supportedStates - undecided.length) / supportedStates;
      why.push(`not constant in ${undecided.join(', ')}`);
    }
    if (label) {
      score *= LABEL_FACTOR[label];
      why.push(`labelled ${label}`);
    }
    const bitsOf = list.map((b) => b.bit).sort((a, b) => a - b);
    out.push({
      group: ctx.group,
      byte,
      bit: bitsOf[0]!,
      mask: hex2(mask),
      kind,
      values,
      support,
      agreement: Math.round(agreement * 1000) / 1000,
      label,
      score: Math.round(score * 1000) / 1000,
      bits: bitsOf,
      why,
    });
  }
  return out;
}

/** Best first: unlabelled before labelled, then by score; ties keep group and byte order. */
export function sortCandidates(cands: CandidateResult[], groupOrder: Map<string, number>): CandidateResult[] {
  return [...cands].sort(
    (a, b) =>
      Number(a.label !== null) - Number(b.label !== null) ||
      b.score - a.score ||
      (groupOrder.get(a.group) ?? 0) - (groupOrder.get(b.group) ?? 0) ||
      a.byte - b.byte ||
      a.bit - b.bit,
  );
}

/**
 * Two state values a small step apart whose change carried into higher bits (0x51 → 0x52), in a
 * byte with other bits set: the last digits of a number, not an enum (1 ↔ 2 has no other bits).
 */
function numberStep(values: number[], others: number): boolean {
  if (values.length !== 2 || others === 0) return false;
  const [a, b] = values as [number, number];
  const step = Math.abs(a - b);
  return step > 0 && step <= 3 && (a ^ b) > step;
}
