// The shape of one row of the known-protocol table: how a family's frames look and what they hold.
import type { Direction } from '../../model.js';

/** How long a frame is: a length field (total = value + add), a fixed size, or each value as cut. */
export type LengthSpec =
  | { kind: 'field'; offset: number; size: 1 | 2; le: boolean; add: number }
  | { kind: 'fixed'; n: number }
  | { kind: 'whole' };

/** A checksum by its name in analysis/checksums.ts, over bytes [from, field), stored fromEnd bytes before the end. */
export interface ChecksumSpec {
  algorithm: string;
  from: number;
  fromEnd: number;
  /** Byte order of a 2-byte checksum. */
  le: boolean;
}

export type NumberType = 'u8' | 'u16' | 'u32' | 'i16' | 'i32' | 'f32';

/** A documented field of a frame. */
export interface FieldSpec {
  name: string;
  offset: number;
  /**
   * Fields after variable-length blocks: the offset grows by `times` × the sum of the bytes at
   * these offsets (ANT: 2 × (cells + temperature sensors)).
   */
  shiftBy?: { at: number[]; times: number };
  type: NumberType;
  le: boolean;
  /** Shown value = (raw + add) × scale. */
  scale?: number;
  add?: number;
  unit?: string;
  /** Bits with their documented meaning: mask → meaning (a boolean field when set). */
  bits?: { mask: number; meaning: string }[];
  /** Repeated fields (cell voltages): count entries `stride` bytes apart (at most the byte at countAt). */
  count?: number;
  stride?: number;
  countAt?: number;
  /** Only in frames whose byte at `offset` is `value` (a frame type or command). */
  onType?: { offset: number; value: number };
}

/** A plausibility check on a documented field, used to tell apart layouts that share one framing. */
export interface SignatureSpec {
  /** What the check shows, for the evidence sentence ("cell 1 voltage 2.5–4.5 V as u16 mV"). */
  what: string;
  offset: number;
  type: NumberType;
  le: boolean;
  min: number;
  max: number;
  /** Only frames whose byte at `offset` is `value` (a frame type) are checked. */
  onType?: { offset: number; value: number };
}

/** One kind of frame of a family (a reply type, or a request the app sends). */
export interface FrameShape {
  id: string;
  dir: Direction;
  /** Accepted starts (hex); a frame must start with one of them. */
  heads: string[];
  tail?: string;
  length: LengthSpec;
  checksum?: ChecksumSpec;
  /**
   * OGT-style scrambling: every byte is XORed with one key byte, found as head[0] XOR frame[0];
   * the unscrambled frame must be printable ASCII between head and tail.
   */
  xorAscii?: boolean;
  /** Frames of this shape must also pass these checks (share of frames that do is the evidence). */
  signature?: SignatureSpec[];
  /** Total voltage equals the sum of the cells (within 2 %): tells cell layouts apart. */
  cellSum?: { cells: { offset: number; count: number; le: boolean }; total: { offset: number; le: boolean }; onType?: { offset: number; value: number } };
  fields?: FieldSpec[];
}

export interface Family {
  id: string;
  /** For sentences: "JBD byte 24 bit 1 is documented as …". */
  short: string;
  name: string;
  /** Service UUIDs (lowercase; 16-bit ones as 4 hex digits). */
  services: string[];
  notify: string[];
  write: string[];
  /** Advertised names and manufacturer ids that integrations match on. */
  advertisement?: { names?: string[]; manufacturerIds?: number[]; serviceUuids?: string[] };
  frames: FrameShape[];
  /** Integrations that decode the family. */
  supportedBy: string[];
  /** Where each fact comes from (repository, path, commit). */
  sources: string[];
  /** Facts worth knowing that the shape cannot say. */
  note?: string;
}
