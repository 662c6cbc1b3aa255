// nRF Connect for Android log ("Save log" / share), as lines "LEVEL<TAB>HH:MM:SS.mmm<TAB>message":
//   I	11:36:48.427	Notification received from 00002b10-0000-1000-8000-00805f9b34fb, value: (0x) 00-31-3A-…
// Values come from "Notification received from", "Indication received from", "Read Response received
// from" and "Data written to" lines. The log names characteristics by UUID, never by handle: PDUs use
// handle 0 and carry the UUID. Write Command or Write Request follows the write type the log printed
// before ("Writing command…", WRITE_TYPE_NO_RESPONSE); Android's default is Write Request.
// Record numbers are 1-based line numbers. t comes from the date in the "nRF Connect, YYYY-MM-DD"
// header plus the time of day (as UTC); without that header t is null.
import { ATT_INDICATION, ATT_NOTIFICATION, ATT_READ_RSP, ATT_WRITE_CMD, ATT_WRITE_REQ } from '../att.js';
import type { Direction, Packet } from '../model.js';
import type { CaptureFormat } from './format.js';
import { attPacket, attPdu, normalizeAddress, normalizeUuid } from './text-att.js';
import { TextLineParser, textLines } from './text-lines.js';
import { utcMicros } from './text-time.js';

const HEADER = /^nRF Connect, (\d{4})-(\d{2})-(\d{2})/;
const ENTRY = /^([VDIWEA])\s+(\d{1,2}:\d{2}:\d{2}\.\d{1,6})\s+(.*)$/;
const UUID = String.raw`([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{4})`;
const VALUE_LINE = new RegExp(
  String.raw`^(Notification|Indication|Read [Rr]esponse|Data written to)(?: received from)?\s+(descr\.\s+)?${UUID}, value: (.*)$`,
);
const DEVICE = /^(.*)\(([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})\)\s*$/;
const CONNECT = /^(?:Connecting to|Connected to) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})/;
const DAY_US = 86400e6;

class NrfConnectParser extends TextLineParser {
  private date: { y: number; m: number; d: number } | null = null;
  private dayShift = 0;
  private lastT: number | null = null;
  private peer: string | null = null;
  /** Write type announced for the next characteristic write. */
  private writeCommand = false;

  protected line(text: string, lineNo: number, emit: (p: Packet) => void): void {
    const e = ENTRY.exec(text);
    if (!e) {
      const h = HEADER.exec(text);
      if (h) {
        this.date = { y: Number(h[1]), m: Number(h[2]) - 1, d: Number(h[3]) };
        this.dayShift = 0;
        this.lastT = null;
        return;
      }
      const dev = DEVICE.exec(text);
      if (dev && lineNo <= 3) this.peer = normalizeAddress(dev[2]);
      // Service listings continue the previous entry on their own lines.
      else if (text.trim() !== '' && !/^\s*-|^\s|\(0x[0-9A-Fa-f]{4}\)\s*$|\)\s*$/.test(text)) this.skippedLines++;
      return;
    }
    const message = e[3];
    const v = VALUE_LINE.exec(message);
    if (!v) {
      this.note(message);
      return;
    }
    const value = parseValue(v[4]);
    if (value === null) {
      this.skippedLines++;
      return;
    }
    const kind = v[1].toLowerCase();
    const uuid = normalizeUuid(v[3]);
    let opcode: number;
    let dir: Direction = 'device-to-app';
    if (kind === 'notification') opcode = ATT_NOTIFICATION;
    else if (kind === 'indication') opcode = ATT_INDICATION;
    else if (kind === 'read response') opcode = ATT_READ_RSP;
    else {
      dir = 'app-to-device';
      opcode = !v[2] && this.writeCommand ? ATT_WRITE_CMD : ATT_WRITE_REQ;
      if (!v[2]) this.writeCommand = false;
    }
    emit(attPacket(lineNo, this.time(e[2]), dir, attPdu(opcode, 0, value), this.peer, uuid));
  }

  /** Lines without values still tell the peer and the write type. */
  private note(message: string): void {
    const c = CONNECT.exec(message);
    if (c) {
      this.peer = normalizeAddress(c[1]);
      return;
    }
    if (/^Writing command to|WRITE_TYPE_NO_RESPONSE|WRITE COMMAND/i.test(message)) this.writeCommand = true;
    else if (/^Writing request to|WRITE_TYPE_DEFAULT|WRITE REQUEST|WRITE_TYPE_SIGNED/i.test(message)) this.writeCommand = false;
  }

  private time(timeOfDay: string): number | null {
    if (!this.date) return null;
    const { y, m, d } = this.date;
    let t = utcMicros(y, m, d + this.dayShift, timeOfDay);
    // Logs that run past midnight keep the header's date: a jump back of hours is the next day.
    if (t !== null && this.lastT !== null && t < this.lastT - DAY_US / 2) {
      this.dayShift++;
      t += DAY_US;
    }
    if (t !== null) this.lastT = t;
    return t;
  }
}

/** "(0x) 00-31-3A" → bytes; "0 bytes" → empty; null when the value is not shown as bytes. */
function parseValue(text: string): Buffer | null {
  const m = /^\(0x\)\s*((?:[0-9A-Fa-f]{2})(?:[-:\s][0-9A-Fa-f]{2})*)?/.exec(text.trim());
  if (m) return Buffer.from((m[1] ?? '').replace(/[-:\s]/g, ''), 'hex');
  if (/^0 bytes\b/.test(text.trim())) return Buffer.alloc(0);
  return null;
}

export const nrfConnectText: CaptureFormat = {
  id: 'nrfconnect-text',
  name: 'nRF Connect log',
  probe(head: Buffer): boolean {
    const lines = textLines(head);
    if (lines === null) return false;
    let entries = 0;
    let values = 0;
    for (const l of lines) {
      const e = ENTRY.exec(l);
      if (!e) continue;
      entries++;
      if (VALUE_LINE.test(e[3])) values++;
    }
    return entries > 0 && (values > 0 || HEADER.test(lines[0] ?? ''));
  },
  open() {
    return { headerLength: 0, variant: 'nRF Connect (Android) log', parser: new NrfConnectParser() };
  },
};
