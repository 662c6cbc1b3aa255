// The frame rule and checksum a session's analysis stored as text (describeRule, describeChecksum),
// read back for the decoder exports. A test round-trips both against their writers.
import { CHECKSUMS, type ChecksumAlgorithm } from '../analysis/checksums.js';

export interface RuleText {
  marker: string | null;
  length: { offset: number; size: 1 | 2; le: boolean; add: number } | null;
  fixed: number | null;
  /** Fixed length per frame type (the byte after the marker). */
  fixedByType: Map<number, number> | null;
  request: boolean;
  gapMs: number | null;
}

export function parseRuleText(text: string): RuleText {
  const marker = /(?:^|\+)marker:([0-9a-f]+)/.exec(text)?.[1] ?? null;
  const l = /(?:^|\+)length@(\d+)(?:\.\.\d+(le|be))?\+(-?\d+)/.exec(text);
  const byType = /(?:^|\+)fixed:((?:[0-9a-f]{2}=\d+)(?:\/[0-9a-f]{2}=\d+)*)/.exec(text);
  const fixed = byType ? null : /(?:^|\+)fixed:(\d+)/.exec(text);
  const gap = /(?:^|\+)gap:([\d.]+)/.exec(text);
  return {
    marker,
    length: l ? { offset: Number(l[1]), size: l[2] ? 2 : 1, le: l[2] === 'le', add: Number(l[3]) } : null,
    fixed: fixed ? Number(fixed[1]) : null,
    fixedByType: byType ? new Map(byType[1]!.split('/').map((p) => { const [t, n] = p.split('='); return [parseInt(t!, 16), Number(n)] as [number, number]; })) : null,
    request: /(?:^|\+)request(?:\+|$)/.test(text),
    gapMs: gap ? Number(gap[1]) : null,
  };
}

export interface ChecksumText {
  algorithm: ChecksumAlgorithm;
  from: number;
  /** Bytes after the checksum field. */
  fromEnd: number;
  le: boolean;
}

/** "crc16-modbus of bytes 0..34 at byte 35 (little-endian)" for frames of `length` bytes, or null. */
export function parseChecksumText(text: string | null | undefined, length: number): ChecksumText | null {
  if (!text) return null;
  const m = /^(.*) of bytes (\d+)\.\.(-?\d+) at byte (\d+)(?: \((little|big)-endian\))?$/.exec(text);
  if (!m) return null;
  const algorithm = CHECKSUMS.find((a) => a.name === m[1]);
  if (!algorithm) return null;
  const at = Number(m[4]);
  return { algorithm, from: Number(m[2]), fromEnd: length - at - algorithm.size, le: m[5] === 'little' };
}
