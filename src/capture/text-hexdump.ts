// Hex dumps pasted as text: Wireshark "Copy as Hex Dump" ("0000   aa 02 …"), xxd
// ("00000000: aa02 0100 …  ascii") and hexdump -C ("00000000  aa 02 … |ascii|").
// Consecutive offset lines form one message; offset 0 starts a new one; a blank or other line ends
// it. A dump that starts at another offset is an excerpt of a message and is skipped (counted).
// A message that is a complete H4 ACL packet carrying ATT becomes an HciPacket (direction from the
// ATT opcode: requests and commands come from the app); any other message is taken as the value of
// a notification (opcode 0x1b, handle 0, device-to-app), as dumps show no direction.
// Record numbers are the 1-based line number of the first line of the message.
import type { Packet } from '../model.js';
import type { CaptureFormat } from './format.js';
import { ATT_NOTIFICATION } from '../att.js';
import { attPacket, attPdu, isClientOpcode } from './text-att.js';
import { isH4AttPacket, parseDumpLine } from './text-hex.js';
import { TextLineParser, textLines } from './text-lines.js';

interface Message {
  record: number;
  chunks: Buffer[];
  next: number;
}

class HexDumpParser extends TextLineParser {
  private message: Message | null = null;
  /** Next offset of an excerpt being skipped, or -1. */
  private excerptNext = -1;
  /** Dumps that did not start at offset 0. */
  excerpts = 0;

  protected line(text: string, lineNo: number, emit: (p: Packet) => void): void {
    const d = parseDumpLine(text);
    if (!d) {
      this.flush(emit);
      this.excerptNext = -1;
      // hexdump -C ends with a line holding only the total length.
      if (text.trim() !== '' && !/^\s*[0-9a-fA-F]{4,8}\s*$/.test(text)) this.skippedLines++;
      return;
    }
    const m = this.message;
    if (d.offset === 0) {
      this.flush(emit);
      this.excerptNext = -1;
      this.message = { record: lineNo, chunks: [d.bytes], next: d.bytes.length };
    } else if (m && d.offset === m.next) {
      m.chunks.push(d.bytes);
      m.next += d.bytes.length;
    } else {
      this.flush(emit);
      if (d.offset !== this.excerptNext) this.excerpts++;
      this.excerptNext = d.offset + d.bytes.length;
      this.skippedLines++;
    }
  }

  protected override finish(emit: (p: Packet) => void): void {
    this.flush(emit);
  }

  private flush(emit: (p: Packet) => void): void {
    const m = this.message;
    if (!m) return;
    this.message = null;
    emit(dumpPacket(m.record, m.chunks.length === 1 ? m.chunks[0] : Buffer.concat(m.chunks)));
  }
}

/** One dumped message: an H4 ATT packet when it is one, otherwise a notification value. */
export function dumpPacket(record: number, bytes: Buffer): Packet {
  if (isH4AttPacket(bytes)) {
    // Dumps do not record the direction: the phone is the GATT client, so requests and commands are sent.
    return { kind: 'hci', record, t: null, type: bytes[0], sent: isClientOpcode(bytes[9]), data: bytes.subarray(1), directionKnown: false };
  }
  return attPacket(record, null, 'device-to-app', attPdu(ATT_NOTIFICATION, 0, bytes), null, null);
}

export const hexDumpText: CaptureFormat = {
  id: 'hexdump-text',
  name: 'hex dump text (Wireshark/xxd/hexdump)',
  probe(head: Buffer): boolean {
    const lines = textLines(head);
    if (lines === null) return false;
    return lines.some((l) => parseDumpLine(l)?.offset === 0);
  },
  open() {
    return { headerLength: 0, variant: 'hex dump', parser: new HexDumpParser() };
  },
};
