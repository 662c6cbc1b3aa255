// Wireshark "File → Export Packet Dissections → As Plain Text" with "Packet Bytes" ticked:
//   No.     Time           Source                Destination           Info
//       476 48.209799      f1:c3:… (Nigeria187) SamsungElect_fa:73:81 (…) Rcvd Exchange MTU Request, …
//   (protocol tree lines)
//   0000  02 02 20 07 00 03 00 04 00 02 f7 00               .. .........
// Each block is one frame; its bytes are the H4 packet. Record numbers are Wireshark's frame
// numbers ("No."). Times: absolute formats (date and time, epoch seconds, or an expanded Frame tree
// with "Epoch Time") give t; relative times ("seconds since beginning of capture") give null.
import { CaptureError } from '../errors.js';
import type { HciPacket, Packet } from '../model.js';
import type { CaptureFormat } from './format.js';
import { parseDumpLine } from './text-hex.js';
import { TextLineParser, textLines } from './text-lines.js';
import { epochMicros, isoMicros } from './text-time.js';

const HEADER = /^No\.\s+Time\b/;
const SUMMARY = /^\s*(\d+)\s+(?:(\d{4}-\d{2}-\d{2}) +)?(\S+)(.*)$/;
/** A bytes line of the export: offset at column 0, two spaces, then bytes. Tree lines are indented. */
const BYTES_LINE = /^[0-9a-fA-F]{4,8}\s{2,}[0-9a-fA-F]{2}(?:\s|$)/;
const FRAME_LINE = /^Frame (\d+): \d+ bytes on wire/;
const DATA_SOURCE_TAIL = /^\((\d+) bytes?\):$/;

interface Block {
  frame: number;
  t: number | null;
  sent: boolean | null;
  /** Bytes of the frame data source (not of "Reassembled …" ones). */
  chunks: Buffer[];
  nextOffset: number;
  collecting: boolean;
  linkLayer: boolean;
  /** "Bluetooth HCI H1" (btsnoop 1001 and other headerless HCI): the bytes have no type byte. */
  h1: boolean;
  /** Packet type named by the tree ("Bluetooth HCI ACL Packet" → 2), for H1 frames. */
  treeType: number;
}

const TREE_TYPES: Record<string, number> = { Command: 1, 'ACL Packet': 2, 'SCO Packet': 3, Event: 4, 'ISO Packet': 5 };

class WiresharkTextParser extends TextLineParser {
  private block: Block | null = null;
  private expectSummary = false;
  private lastFrame = 0;
  private framesWithBytes = 0;
  private frames = 0;
  /** Frames that are not H4 (link-layer sniffer captures, headerless HCI): counted, not read. */
  notHci = 0;

  override get records(): number {
    return this.lastFrame;
  }

  protected line(text: string, _lineNo: number, emit: (p: Packet) => void): void {
    if (HEADER.test(text)) {
      this.flush(emit);
      this.expectSummary = true;
      return;
    }
    if (this.expectSummary) {
      if (text.trim() === '') return;
      this.expectSummary = false;
      const m = SUMMARY.exec(text);
      if (!m) {
        this.skippedLines++;
        return;
      }
      this.frames++;
      this.lastFrame = Number(m[1]);
      this.block = {
        frame: Number(m[1]),
        t: m[2] ? isoMicros(`${m[2]} ${m[3]}`) : epochMicros(m[3]),
        sent: summaryDirection(m[4]),
        chunks: [],
        nextOffset: 0,
        collecting: true,
        linkLayer: false,
        h1: false,
        treeType: 0,
      };
      return;
    }
    const f = FRAME_LINE.exec(text);
    if (f && (!this.block || this.block.frame !== Number(f[1]))) {
      // Exports without the summary line start each packet at its "Frame N:" tree line.
      this.flush(emit);
      this.frames++;
      this.lastFrame = Number(f[1]);
      this.block = { frame: Number(f[1]), t: null, sent: null, chunks: [], nextOffset: 0, collecting: true, linkLayer: false, h1: false, treeType: 0 };
      return;
    }
    const b = this.block;
    if (!b) {
      if (text.trim() !== '') this.skippedLines++;
      return;
    }
    if (BYTES_LINE.test(text)) {
      const d = parseDumpLine(text);
      if (!d || !b.collecting) return;
      if (d.offset !== b.nextOffset) {
        // A second dump in the same data source is not part of this frame's bytes.
        b.collecting = false;
        return;
      }
      b.chunks.push(d.bytes);
      b.nextOffset += d.bytes.length;
      return;
    }
    const source = dataSource(text);
    if (source) {
      // "Frame (8 bytes):" starts the frame's own bytes; "Reassembled BTHCI ACL (30 bytes):" does not.
      b.collecting = /^Frame$/i.test(source[1]) && b.chunks.length === 0;
      return;
    }
    let x: RegExpExecArray | null;
    if ((x = /\[?Direction: (Sent|Rcvd)/.exec(text))) b.sent = x[1] === 'Sent';
    else if ((x = /Epoch (?:Arrival )?Time: (\d+(?:\.\d+)?)/.exec(text))) b.t = epochMicros(x[1]) ?? b.t;
    else if (/Nordic BLE Sniffer|Bluetooth Low Energy Link Layer|Bluetooth Linux Monitor/.test(text)) b.linkLayer = true;
    else if (/^Bluetooth HCI H1\b/.test(text)) b.h1 = true;
    else if ((x = /^Bluetooth HCI (Command|ACL Packet|SCO Packet|Event|ISO Packet)\b/.exec(text))) b.treeType = TREE_TYPES[x[1]];
  }

  protected override finish(emit: (p: Packet) => void): void {
    this.flush(emit);
    if (this.frames > 0 && this.framesWithBytes === 0) {
      throw new CaptureError('this Wireshark export has no packet bytes', {
        format: 'Wireshark text export',
        record: this.lastFrame,
        hint: 'Export again with File → Export Packet Dissections → As Plain Text and "Packet Bytes" ticked',
      });
    }
  }

  private flush(emit: (p: Packet) => void): void {
    const b = this.block;
    this.block = null;
    if (!b || b.chunks.length === 0) return;
    this.framesWithBytes++;
    const bytes = b.chunks.length === 1 ? b.chunks[0] : Buffer.concat(b.chunks);
    if (b.linkLayer) {
      this.notHci++;
      return;
    }
    if (b.h1) {
      if (b.treeType === 0) this.notHci++;
      else emit(this.packet(b, b.treeType, b.sent, bytes));
      return;
    }
    const start = h4Start(bytes);
    if (start < 0) {
      this.notHci++;
      return;
    }
    let sent = b.sent;
    // LINKTYPE 201 frames start with a 4-byte big-endian direction (0 = sent by the host).
    if (start === 4) sent = bytes.readUInt32BE(0) === 0;
    emit(this.packet(b, bytes[start], sent, bytes.subarray(start + 1)));
  }

  private packet(b: Block, type: number, sent: boolean | null, data: Buffer): HciPacket {
    const packet: HciPacket = { kind: 'hci', record: b.frame, t: b.t, type, sent: sent ?? false, data };
    if (sent === null) {
      // Without a direction, commands go to the controller and everything else is taken as received.
      packet.sent = type === 1;
      packet.directionKnown = false;
    }
    return packet;
  }
}

/** Where the H4 type byte is: 0, or 4 after a direction pseudo-header; -1 when neither fits. */
function h4Start(bytes: Buffer): number {
  if (h4Consistent(bytes, 0)) return 0;
  if (bytes.length > 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] <= 1 && h4Consistent(bytes, 4)) return 4;
  // A frame cut short by the capture still has its type byte first.
  return bytes.length > 0 && bytes[0] >= 1 && bytes[0] <= 5 ? 0 : -1;
}

function h4Consistent(b: Buffer, k: number): boolean {
  const n = b.length - k;
  switch (b[k]) {
    case 1:
      return n >= 4 && b[k + 3] === n - 4;
    case 2:
    case 5:
      return n >= 5 && (b[k + 3] | (b[k + 4] << 8)) === n - 5;
    case 3:
      return n >= 4 && b[k + 3] === n - 4;
    case 4:
      return n >= 3 && b[k + 2] === n - 3;
    default:
      return false;
  }
}

/**
 * "Reassembled L2CAP (23 bytes):" → [line, 'Reassembled L2CAP', '23'] (the shape of a regex match),
 * found from the end of the line so that long space runs cost linear time.
 */
function dataSource(text: string): [string, string, string] | null {
  const line = text.trimEnd();
  if (!line.endsWith(':')) return null;
  const open = line.lastIndexOf('(');
  if (open <= 0 || !/\s/.test(line[open - 1]!)) return null;
  const tail = DATA_SOURCE_TAIL.exec(line.slice(open));
  if (!tail) return null;
  const name = line.slice(0, open).trimEnd();
  if (name === '' || /\s/.test(name[0]!)) return null;
  return [text, name, tail[1]!];
}

/** Direction from the Info column ("Sent …"/"Rcvd …") or from host/controller addresses. */
function summaryDirection(rest: string): boolean | null {
  const m = /(?:^|\s)(Sent|Rcvd)\s/.exec(rest);
  if (m) return m[1] === 'Sent';
  const s = rest.trimStart();
  if (/^host\s+controller\b/.test(s)) return true;
  if (/^controller\s+host\b/.test(s)) return false;
  return null;
}

export const wiresharkText: CaptureFormat = {
  id: 'wireshark-text',
  name: 'Wireshark text export',
  probe(head: Buffer): boolean {
    const lines = textLines(head);
    if (lines === null) return false;
    const i = lines.findIndex((l) => HEADER.test(l));
    if (i >= 0 && lines.slice(i + 1, i + 4).some((l) => /^\s*\d+\s+\S/.test(l))) return true;
    // Without summary lines: the Frame tree line followed by the frame's bytes.
    return lines.some((l) => FRAME_LINE.test(l)) && lines.some((l) => BYTES_LINE.test(l));
  },
  open() {
    return { headerLength: 0, variant: 'Export Packet Dissections (plain text)', parser: new WiresharkTextParser() };
  },
};
