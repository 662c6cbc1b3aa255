// Hex as people paste it: byte lists with separators, and offset-prefixed dump lines from
// Wireshark ("0000   aa 02 …"), xxd ("00000000: aa02 …  ascii") and hexdump -C ("… |ascii|").

const HEX_TOKEN = /^[0-9a-fA-F]+$/;

/**
 * Parses a list of bytes separated by spaces, ':', '-' or ',' (or nothing), each optionally
 * prefixed with 0x. Every token must have an even number of digits. Null when it is not that.
 */
export function parseByteList(text: string): Buffer | null {
  const tokens = text.split(/[\s:,\-]+/);
  let hex = '';
  for (let t of tokens) {
    if (t === '') continue;
    if (t.length > 2 && (t[1] === 'x' || t[1] === 'X') && t[0] === '0') t = t.slice(2);
    if (t.length === 0 || t.length % 2 !== 0 || !HEX_TOKEN.test(t)) return null;
    hex += t;
  }
  if (hex.length === 0) return null;
  return Buffer.from(hex, 'hex');
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
  const tokens: string[] = [];
  const ends: number[] = [];
  const re = /\S+/g;
  let t: RegExpExecArray | null;
  while ((t = re.exec(rest)) !== null) {
    const s = t[0];
    if (s.length % 2 !== 0 || s.length > 16 || !HEX_TOKEN.test(s)) break;
    tokens.push(s);
    ends.push(t.index + s.length);
  }
  if (tokens.length === 0) return null;
  // Take the longest run of hex tokens whose remainder is the ASCII rendering of those bytes.
  for (let k = tokens.length; k >= 1; k--) {
    const bytes = Buffer.from(tokens.slice(0, k).join(''), 'hex');
    const remainder = rest.slice(ends[k - 1]).trimEnd();
    if (remainder.length === 0) {
      if (k === tokens.length) return { offset: parseInt(m[1], 16), bytes };
      continue;
    }
    const shown = renderAscii(bytes).trimEnd();
    if (shown.length > 0 && remainder.endsWith(shown) && /^\s+$/.test(remainder.slice(0, remainder.length - shown.length))) {
      return { offset: parseInt(m[1], 16), bytes };
    }
  }
  // An ASCII column that does not render exactly (other tools, other code pages): keep the hex run.
  return { offset: parseInt(m[1], 16), bytes: Buffer.from(tokens.join(''), 'hex') };
}

/** The ASCII column of a dump: printable bytes as themselves, the others as '.'. */
function renderAscii(bytes: Buffer): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  }
  return s;
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
