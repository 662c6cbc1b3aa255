// Hex as people paste it: byte lists with separators, and offset-prefixed dump lines from
// Wireshark ("0000   aa 02 …"), xxd ("00000000: aa02 …  ascii") and hexdump -C ("… |ascii|").

const HEX_TOKEN = /^[0-9a-fA-F]+$/;

/** Value of a hex digit by char code, -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[65 + i] = HEX_VALUE[97 + i] = 10 + i;

function hexValue(c: number): number {
  return c < 128 ? HEX_VALUE[c] : -1;
}

/** Space, tab, ':', '-' or ','. */
function isSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 58 || c === 45 || c === 44;
}

/**
 * Parses a list of bytes separated by spaces, ':', '-' or ',' (or nothing), each optionally
 * prefixed with 0x. Every token must have an even number of digits. Null when it is not that.
 * A single pass over the characters: this runs once per line of a hex log.
 */
export function parseByteList(text: string): Buffer | null {
  let i = 0;
  let end = text.length;
  while (i < end && text.charCodeAt(i) <= 32) i++;
  while (end > i && text.charCodeAt(end - 1) <= 32) end--;
  if (i >= end) return null;
  const out = Buffer.allocUnsafe((end - i) >> 1);
  let n = 0;
  while (i < end) {
    if (text.charCodeAt(i) === 48 && i + 1 < end && (text.charCodeAt(i + 1) | 32) === 120) i += 2;
    const start = i;
    for (;;) {
      if (i >= end) break;
      const hi = hexValue(text.charCodeAt(i));
      if (hi < 0) break;
      const lo = i + 1 < end ? hexValue(text.charCodeAt(i + 1)) : -1;
      if (lo < 0) return null; // an odd number of digits
      out[n++] = (hi << 4) | lo;
      i += 2;
    }
    if (i === start) return null;
    const sep = i;
    while (i < end && isSeparator(text.charCodeAt(i))) i++;
    if (i === sep && i < end) return null;
  }
  return out.subarray(0, n);
}

export interface DumpLine {
  offset: number;
  bytes: Buffer;
}

/** Offset (4–8 hex digits) then ':' (xxd) or at least two spaces (Wireshark, hexdump -C). */
const DUMP_LINE = /^\s*([0-9a-fA-F]{4,8})(?::\s*|\s{2,})(.*)$/;

/**
 * Parses one offset-prefixed hex dump line. The ASCII column, when present, is recognised by
 * checking that it renders the bytes before it, so that printable bytes such as "ab" in the
 * ASCII column are not taken for hex. Null when the line is not a dump line.
 */
export function parseDumpLine(line: string): DumpLine | null {
  const m = DUMP_LINE.exec(line);
  if (!m) return null;
  let rest = m[2];
  // hexdump -C puts the ASCII column between bars; the hex part never contains one.
  const bar = rest.indexOf('|');
  if (bar >= 0) rest = rest.slice(0, bar);
  let hex = '';
  /** Hex digits and end position of each token, for the ASCII column check. */
  const digits: number[] = [];
  const ends: number[] = [];
  const re = /\S+/g;
  let t: RegExpExecArray | null;
  while ((t = re.exec(rest)) !== null) {
    const s = t[0];
    if (s.length % 2 !== 0 || s.length > 16 || !HEX_TOKEN.test(s)) break;
    hex += s;
    digits.push(hex.length);
    ends.push(t.index + s.length);
  }
  if (digits.length === 0) return null;
  const offset = parseInt(m[1], 16);
  const all = Buffer.from(hex, 'hex');
  // Take the longest run of hex tokens followed, after a gap of two or more spaces, by the ASCII
  // rendering of those bytes ("6162      ab" in xxd: "ab" is the ASCII column, not a byte). The
  // rendering is compared from its end without building it, within a budget of steps
  // proportional to the line, so a line of 80 000 tokens costs linear time.
  const lastShown = lastNonSpaceBytes(all);
  let budget = 4 * rest.length + 64;
  for (let k = digits.length - 1; k >= 1 && budget > 0; k--) {
    const at = ends[k - 1]!;
    if (rest.charCodeAt(at) !== 32 || rest.charCodeAt(at + 1) !== 32) continue;
    const count = digits[k - 1]! / 2;
    const last = lastShown[count - 1]!; // index of the last byte of `count` that is not a space, -1 if none
    if (last < 0) continue;
    let tailEnd = rest.length;
    while (tailEnd > at && rest.charCodeAt(tailEnd - 1) <= 32) tailEnd--;
    // The column is bytes[0..last] rendered; after the gap the line must hold exactly that.
    const width = last + 1;
    const tailStart = tailEnd - width;
    if (tailStart < at + 2) continue;
    let same = true;
    for (let i = 0; i < width && same; i++) {
      budget--;
      same = rest.charCodeAt(tailEnd - 1 - i) === asciiOf(all[last - i]!);
    }
    if (!same) continue;
    let gapOnly = true;
    for (let i = at; i < tailStart && gapOnly; i++) gapOnly = rest.charCodeAt(i) <= 32;
    budget -= tailStart - at;
    if (gapOnly) return { offset, bytes: all.subarray(0, count) };
  }
  // No ASCII column, or one that does not render exactly (other tools, code pages): the hex run.
  return { offset, bytes: all };
}

/** The character a dump's ASCII column shows for a byte. */
function asciiOf(b: number): number {
  return b >= 0x20 && b < 0x7f ? b : 46;
}

/** For each n, the index of the last byte among the first n+1 that does not render as a space (-1: none). */
function lastNonSpaceBytes(bytes: Buffer): Int32Array {
  const out = new Int32Array(bytes.length);
  let last = -1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x20) last = i;
    out[i] = last;
  }
  return out;
}

/**
 * True when bytes are one complete H4 ACL packet carrying ATT: type 02, ACL length = the rest,
 * L2CAP length = ACL payload minus its header, channel 0x0004.
 */
export function isH4AttPacket(bytes: Uint8Array): boolean {
  if (bytes.length < 10 || bytes[0] !== 2) return false;
  const aclLength = bytes[3] | (bytes[4] << 8);
  if (aclLength !== bytes.length - 5) return false;
  const l2capLength = bytes[5] | (bytes[6] << 8);
  const cid = bytes[7] | (bytes[8] << 8);
  return l2capLength === aclLength - 4 && cid === 4;
}
