// Plain hex lines, one message per line, as people log or annotate traffic:
//   >>> 01:03:00:00:00:5f:05:f2     # Read Holding Registers
//   <<< 01 03 be 03 …
//   + 0.465628 <- 33353030…
//   d2030414030600eeae
// Direction markers: '>', '>>>', '->' = app-to-device (emitted as Write Command 0x52, handle 0);
// '<', '<<<', '<-' or none = device-to-app (Handle Value Notification 0x1b, handle 0). A marker may
// follow a timestamp ("+ 0.4656 <- …", "12:00:01.250 > …"); only date-and-time stamps give t (as UTC),
// relative seconds give null. Bytes may be separated by spaces, ':', '-', ',' or nothing, with
// optional 0x. Text after '#' is a comment. An unmarked line that is a complete H4 ACL packet
// carrying ATT becomes an HciPacket. Record numbers are 1-based line numbers.
// This is the fallback text format: its probe needs most lines of the head to be hex messages.
import type { Packet } from '../model.js';
import type { CaptureFormat } from './format.js';
import { ATT_NOTIFICATION, ATT_WRITE_CMD } from '../att.js';
import { attPacket, attPdu } from './text-att.js';
import { dumpPacket } from './text-hexdump.js';
import { parseByteList } from './text-hex.js';
import { TextLineParser, textLines } from './text-lines.js';
import { isoMicros } from './text-time.js';

const MARKER = /(^|\s)(>>>|<<<|->|<-|>|<)(?=\s|[0-9a-fA-F]|$)/;
/** What may stand before a marker: a timestamp (digits with '.', ':', '+' or brackets), not words or bytes. */
const STAMP_PREFIX = /^(?=.*[.:+[])[\s\d:.,+\-TZ/[\]]*$/;
const BRACKET_PREFIX = /^\[[^\]]*\]\s*/;

export interface HexLine {
  bytes: Buffer;
  /** true: '>' family; false: '<' family; null: no marker. */
  toDevice: boolean | null;
  t: number | null;
}

/** Parses one plain hex line; null for blank lines, comments and anything that is not a message. */
export function parseHexLine(text: string): HexLine | null {
  const hash = text.indexOf('#');
  let body = (hash >= 0 ? text.slice(0, hash) : text).trim();
  if (body === '' || body.startsWith('//')) return null;
  let toDevice: boolean | null = null;
  let prefix = '';
  const m = MARKER.exec(body);
  if (m) {
    prefix = body.slice(0, m.index).trim();
    if (prefix !== '' && !STAMP_PREFIX.test(prefix)) return null;
    toDevice = m[2].includes('>');
    body = body.slice(m.index + m[0].length);
  } else {
    const b = BRACKET_PREFIX.exec(body);
    if (b) {
      prefix = b[0].trim().slice(1, -1);
      body = body.slice(b[0].length);
    }
  }
  const bytes = parseByteList(body);
  if (bytes === null) return null;
  return { bytes, toDevice, t: stampMicros(prefix) };
}

function stampMicros(prefix: string): number | null {
  const p = prefix.replace(/^\[|\]$/g, '').trim();
  return p.length >= 19 ? isoMicros(p) : null;
}

/** True for lines that carry nothing: blank or comment only. */
function isCommentOrBlank(text: string): boolean {
  const s = text.trim();
  return s === '' || s.startsWith('#') || s.startsWith('//');
}

class HexLinesParser extends TextLineParser {
  protected line(text: string, lineNo: number, emit: (p: Packet) => void): void {
    const h = parseHexLine(text);
    if (!h) {
      if (!isCommentOrBlank(text)) this.skippedLines++;
      return;
    }
    if (h.toDevice === null) {
      const p = dumpPacket(lineNo, h.bytes);
      p.t = h.t;
      emit(p);
    } else if (h.toDevice) {
      emit(attPacket(lineNo, h.t, 'app-to-device', attPdu(ATT_WRITE_CMD, 0, h.bytes), null, null));
    } else {
      emit(attPacket(lineNo, h.t, 'device-to-app', attPdu(ATT_NOTIFICATION, 0, h.bytes), null, null));
    }
  }
}

export const hexLinesText: CaptureFormat = {
  id: 'hexlines-text',
  name: 'hex lines text',
  probe(head: Buffer): boolean {
    const lines = textLines(head);
    if (lines === null) return false;
    let messages = 0;
    let others = 0;
    for (const l of lines) {
      if (isCommentOrBlank(l)) continue;
      if (parseHexLine(l)) messages++;
      else others++;
    }
    return messages > 0 && messages > others;
  },
  open() {
    return { headerLength: 0, variant: 'hex lines', parser: new HexLinesParser() };
  },
};
