// Apple PacketLogger "Save as text" export:
//   Nov 12 13:49:07.061  ATT Send  0x0055  46:64:01:02:04:8E  Write Command - Handle:0x0010 - FFF2 - Value: D206 00A6 0001 BB8A
// Only the ATT lines are used (the L2CAP line after them fills in values the ATT line cut with "…").
// Record numbers are 1-based line numbers. The export prints no year: see yearFor().
import { ATT_CONFIRMATION, ATT_EXECUTE_WRITE_REQ, ATT_EXECUTE_WRITE_RSP, ATT_INDICATION, ATT_NOTIFICATION, ATT_PREPARE_WRITE_REQ, ATT_PREPARE_WRITE_RSP, ATT_READ_BLOB_REQ, ATT_READ_BLOB_RSP, ATT_READ_REQ, ATT_READ_RSP, ATT_WRITE_CMD, ATT_WRITE_REQ, ATT_WRITE_RSP } from '../att.js';
import type { Direction, Packet } from '../model.js';
import type { CaptureFormat } from './format.js';
import { attOpcode, attPacket, attPdu, normalizeAddress, normalizeUuid } from './text-att.js';
import { TextLineParser, textLines } from './text-lines.js';
import { isoMicros, monthIndex, utcMicros } from './text-time.js';

const STAMP = String.raw`(?:([A-Z][a-z]{2}) +(\d{1,2})|(\d{4}-\d{2}-\d{2})) +(\d{1,2}:\d{2}:\d{2}(?:\.\d+)?)`;
const LINE = new RegExp(`^${STAMP} +(ATT|L2CAP|ACL|SMP|HCI|SDP|RFCOMM)\\b *(\\w*) *(.*)$`);
const CONN = /^0x[0-9A-Fa-f]{4}\b/;
const OPERATIONS = new RegExp(
  String.raw`(?:^|\s)(Signed Write Command|Write Command|Write Request|Write Response|Multiple Handle Value Notification|` +
    String.raw`Handle Value Notification|Handle Value Indication|Handle Value Confirmation|Read Blob Request|Read Blob Response|` +
    String.raw`Read Request|Read Response|Prepare Write Request|Prepare Write Response|Execute Write Request|Execute Write Response)\b`,
  'i',
);
const UUID = /^(?:[0-9A-Fa-f]{4}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/;
/** Operations rebuilt into PDUs (the others have parameters the export does not show). */
const EMITTED = new Set([ATT_READ_REQ, ATT_READ_RSP, ATT_READ_BLOB_REQ, ATT_READ_BLOB_RSP, ATT_WRITE_REQ, ATT_WRITE_RSP, ATT_PREPARE_WRITE_REQ, ATT_PREPARE_WRITE_RSP, ATT_EXECUTE_WRITE_REQ, ATT_EXECUTE_WRITE_RSP, ATT_NOTIFICATION, ATT_INDICATION, ATT_CONFIRMATION, ATT_WRITE_CMD]);
const HALF_YEAR_US = 183 * 86400 * 1e6;

interface Pending {
  record: number;
  t: number | null;
  dir: Direction;
  opcode: number;
  prefix: Buffer;
  peer: string | null;
  uuid: string | null;
}

const L2CAP_ATT_HEAD = /Channel ID: 0x0004\s+Length: 0x([0-9A-Fa-f]+)/;
const HEX_AND_SPACES = /^[0-9A-Fa-f ]*$/;

/**
 * "Channel ID: 0x0004  Length: 0x0010 [ 1B 12 00 … ]": the length and the bracketed bytes. Found
 * with indexOf, not one regex, so that a line of spaces costs linear time.
 */
function l2capAtt(rest: string): { length: number; hex: string } | null {
  const head = L2CAP_ATT_HEAD.exec(rest);
  if (!head) return null;
  const open = rest.indexOf('[', head.index + head[0].length);
  const close = open < 0 ? -1 : rest.indexOf(']', open + 1);
  if (close < 0) return null;
  const hex = rest.slice(open + 1, close).trim();
  return HEX_AND_SPACES.test(hex) ? { length: parseInt(head[1]!, 16), hex } : null;
}

/** Splits "a - b  -  c" at dashes with white space on both sides, in one pass (as split(/\s+-\s+/)). */
export function splitOnSpacedDash(text: string): string[] {
  const out: string[] = [];
  const isSpace = (i: number): boolean => i >= 0 && i < text.length && /\s/.test(text[i]!);
  let from = 0;
  let dash = text.indexOf('-', from + 1);
  while (dash >= 0) {
    if (isSpace(dash - 1) && isSpace(dash + 1)) {
      let start = dash - 1;
      while (start > from && isSpace(start - 1)) start--;
      let end = dash + 1;
      while (isSpace(end)) end++;
      out.push(text.slice(from, start));
      from = end;
      dash = text.indexOf('-', from + 1);
    } else dash = text.indexOf('-', dash + 1);
  }
  out.push(text.slice(from));
  return out;
}

class PacketLoggerTextParser extends TextLineParser {
  /** Values cut by the exporter ("…") and not recovered from an L2CAP line. */
  truncated = 0;
  private year: number | null = null;
  private lastT: number | null = null;
  private pending: Pending | null = null;
  /** The last L2CAP line on channel 4, when it was the line just before. */
  private lastL2cap: { dir: Direction; pdu: Buffer; stamp: number } | null = null;
  /** Count of timestamped lines, to tell whether an L2CAP line came right before an ATT line. */
  private stamps = 0;

  protected line(text: string, lineNo: number, emit: (p: Packet) => void): void {
    const m = LINE.exec(text);
    if (!m) {
      // Detail lines (indented) and free text around the export are not packets.
      if (text.trim() !== '' && !/^\s/.test(text)) this.skippedLines++;
      return;
    }
    const [, mon, day, iso, time, layer, way, rest] = m;
    this.stamps++;
    const dir: Direction = /^s/i.test(way) ? 'app-to-device' : 'device-to-app';
    if (layer === 'L2CAP') {
      const l = l2capAtt(rest);
      if (!l) return;
      const pdu = Buffer.from(l.hex.replace(/\s+/g, ''), 'hex');
      if (pdu.length !== l.length) return;
      this.lastL2cap = { dir, pdu, stamp: this.stamps };
      const p = this.pending;
      if (p && p.dir === dir && pdu[0] === p.opcode && pdu.includes(p.prefix)) {
        emit(attPacket(p.record, p.t, p.dir, pdu, p.peer, p.uuid));
        this.pending = null;
      }
      return;
    }
    if (layer !== 'ATT') return;
    this.dropPending();
    const t = iso ? isoMicros(`${iso} ${time}`) : this.stamp(mon, Number(day), time);
    const c = CONN.exec(rest);
    const afterConn = c ? rest.slice(c[0].length) : rest;
    const op = OPERATIONS.exec(afterConn);
    if (!op) {
      this.skippedLines++;
      return;
    }
    const opStart = op.index + op[0].length - op[1].length;
    const peer = normalizeAddress(afterConn.slice(0, opStart));
    const opcode = attOpcode(op[1]);
    if (opcode === undefined || !EMITTED.has(opcode)) {
      this.skippedLines++;
      return;
    }
    const afterFields = afterConn.slice(opStart + op[1].length);
    const fields = splitOnSpacedDash(afterFields);
    let handle = 0;
    let uuid: string | null = null;
    let value: Buffer = Buffer.alloc(0);
    let cut = false;
    let offset: number | null = null;
    let flags: number | null = null;
    for (const f of fields) {
      const field = f.trim();
      let x: RegExpExecArray | null;
      if ((x = /^Handle:\s*0x([0-9A-Fa-f]+)/.exec(field))) handle = parseInt(x[1], 16);
      else if ((x = /^Value:\s*(.*)$/.exec(field))) ({ value, cut } = parseValue(x[1]));
      else if ((x = /^Offset:\s*(0x[0-9A-Fa-f]+|\d+)/.exec(field))) offset = Number(x[1]);
      else if ((x = /^Flags:\s*(0x[0-9A-Fa-f]+|\d+)/.exec(field))) flags = Number(x[1]);
      else if (UUID.test(field)) uuid = normalizeUuid(field);
    }
    // Prepare Write and Read Blob carry a value offset before the value; Execute Write a flags byte.
    if (opcode === ATT_PREPARE_WRITE_REQ || opcode === ATT_PREPARE_WRITE_RSP || opcode === ATT_READ_BLOB_REQ) {
      value = Buffer.concat([Buffer.from([(offset ?? 0) & 0xff, ((offset ?? 0) >> 8) & 0xff]), value]);
    } else if (opcode === ATT_EXECUTE_WRITE_REQ) {
      value = Buffer.from([flags ?? (/cancel/i.test(afterConn) ? 0 : 1)]);
    }
    if (cut) {
      const l = this.lastL2cap;
      if (l && l.stamp === this.stamps - 1 && l.dir === dir && l.pdu[0] === opcode && l.pdu.includes(value)) {
        emit(attPacket(lineNo, t, dir, l.pdu, peer, uuid));
      } else {
        this.pending = { record: lineNo, t, dir, opcode, prefix: value, peer, uuid };
      }
      return;
    }
    emit(attPacket(lineNo, t, dir, attPdu(opcode, handle, value), peer, uuid));
  }

  protected override finish(): void {
    this.dropPending();
  }

  private dropPending(): void {
    if (this.pending) {
      this.truncated++;
      this.pending = null;
    }
  }

  /**
   * The export has month, day and time but no year. The first packet is placed in the current
   * (UTC) year, or the year before when that date is still to come: captures are never from the
   * future. A jump back of more than half a year means the capture crossed New Year.
   */
  private stamp(mon: string, day: number, time: string): number | null {
    const month = monthIndex(mon);
    if (month < 0) return null;
    if (this.year === null) {
      const now = Date.now() * 1000;
      this.year = new Date().getUTCFullYear();
      const t = utcMicros(this.year, month, day, time);
      if (t !== null && t > now) this.year--;
    }
    let t = utcMicros(this.year, month, day, time);
    if (t !== null && this.lastT !== null && t < this.lastT - HALF_YEAR_US) {
      this.year++;
      t = utcMicros(this.year, month, day, time);
    }
    if (t !== null) this.lastT = t;
    return t;
  }
}

/** Hex words up to the first thing that is not hex; `cut` when the exporter shortened the value. */
function parseValue(text: string): { value: Buffer; cut: boolean } {
  let hex = '';
  let cut = false;
  for (const token of text.trim().split(/\s+/)) {
    if (token === '') continue;
    const m = /^([0-9A-Fa-f]*)(…|\.\.\.)?$/.exec(token);
    if (!m) break;
    hex += m[1];
    if (m[2]) {
      cut = true;
      break;
    }
  }
  if (hex.length % 2 !== 0) {
    // A cut in the middle of a byte: keep the whole bytes only.
    hex = hex.slice(0, -1);
    cut = true;
  }
  return { value: Buffer.from(hex, 'hex'), cut };
}

const PROBE = new RegExp(`^${STAMP} +(?:ATT|L2CAP|ACL|SMP|HCI|SDP|RFCOMM) +(?:Send|Receive|Command|Event)\\b`);

export const packetLoggerText: CaptureFormat = {
  id: 'packetlogger-text',
  name: 'PacketLogger text export',
  probe(head: Buffer): boolean {
    const lines = textLines(head);
    return lines !== null && lines.some((l) => PROBE.test(l));
  },
  open() {
    return { headerLength: 0, variant: 'PacketLogger text', parser: new PacketLoggerTextParser() };
  },
};
