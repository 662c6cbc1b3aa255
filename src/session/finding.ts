// An accepted candidate phrased the way a decoder needs it:
// "36-byte frame starting `DD 03 00 1D`, notified on handle 0x0011 (the answer to `DD A5 03 00 FF FD 77`),
// byte 24, mask 0x02: 1 = discharge switch on, 0 = discharge switch off".
import type { AnalysisResult, CandidateResult, GroupResult } from '../analysis/types.js';
import { hex0x } from '../hex.js';
import type { AcceptedFinding } from './schema.js';

/** "dd03001d" → "DD 03" (the first `bytes` bytes, uppercase, spaced). */
export function prefixWords(prefixHex: string, bytes = 2): string {
  const pairs = prefixHex.toUpperCase().match(/../g) ?? [];
  return pairs.slice(0, bytes).join(' ');
}

export function maskOf(c: Pick<CandidateResult, 'mask' | 'bit'>): string {
  return typeof c.mask === 'string' && /^0x[0-9a-f]+$/i.test(c.mask) ? c.mask.toLowerCase() : hex0x(1 << c.bit);
}

/** true when the candidate is one bit (values 0/1); false for a whole-byte change (values are bytes). */
export function isSingleBit(c: Pick<CandidateResult, 'mask' | 'bit'>): boolean {
  return Number.parseInt(maskOf(c), 16) === 1 << c.bit;
}

/** A state's value: 0/1 for a bit, 0x.. for a byte. */
export function candidateValue(c: Pick<CandidateResult, 'mask' | 'bit'>, v: number | undefined): string {
  if (v === undefined) return '?';
  return isSingleBit(c) ? String(v) : hex0x(v);
}

/** Bytes that identify the group's frames: the group's shared leading bytes, at most 4 (more is the data). */
const SELECTOR_BYTES = 4;

/**
 * What picks the frame out of the traffic, in full: length, leading bytes, handle and direction,
 * and the request it answers when the frames were grouped by request. "36-byte frame starting
 * `DD 03 00 1D`, notified on handle 0x0011 (the answer to `DD A5 03 00 FF FD 77`)".
 */
export function frameSelector(g: Pick<GroupResult, 'prefix' | 'handle' | 'dir' | 'key' | 'length'> & { lengths?: { min: number; max: number } }): string {
  const lengths = g.lengths;
  const size = lengths && lengths.min !== lengths.max ? `frame of ${lengths.min}–${lengths.max} bytes` : `${g.length}-byte frame`;
  const start = g.prefix ? ` starting \`${prefixWords(g.prefix, SELECTOR_BYTES)}\`` : '';
  const where = g.dir === 'app-to-device' ? `written to handle ${hex0x(g.handle, 4)}` : `notified on handle ${hex0x(g.handle, 4)}`;
  const request = /request=([0-9a-f]+)/.exec(g.key)?.[1];
  return `${size}${start}, ${where}${request ? ` (the answer to \`${prefixWords(request, 16)}\`)` : ''}`;
}

export function decoderRule(c: CandidateResult, g: GroupResult | undefined, targetName: string): string {
  const mask = maskOf(c);
  const start = g ? frameSelector(g) : `frames of group ${c.group}`;
  // The rule reads (byte & mask) == value: a byte's other bits are left out of the value, or no byte could match it.
  const bits = Number.parseInt(mask, 16);
  const meaning = Object.entries(c.values)
    .map(([state, v]) => `${candidateValue(c, isSingleBit(c) || v < 0 ? v : v & bits)} = ${targetName} ${state}`)
    .join(', ');
  return `${start}, byte ${c.byte}, mask ${mask}: ${meaning}`;
}

export function acceptCandidate(c: CandidateResult, result: AnalysisResult, targetName: string): AcceptedFinding {
  const g = result.groups.find((x) => x.id === c.group);
  return {
    group: c.group,
    byte: c.byte,
    bit: c.bit,
    mask: maskOf(c),
    values: { ...c.values },
    prefix: g?.prefix ?? '',
    handle: g?.handle ?? 0,
    rule: decoderRule(c, g, targetName),
  };
}
