// Shared machinery of the text readers: walking a buffer line by line without splitting the whole
// file, telling text from binary, and sampling the lines of a file head for probes.
import type { Packet } from '../model.js';
import type { PacketOut, RecordParser } from './format.js';
import { emitterOf } from './sink.js';

/**
 * A RecordParser that consumes complete lines. Subclasses see one decoded line at a time (without
 * its CR/LF) with its 1-based line number, and keep their own state across lines for multi-line
 * blocks. An incomplete last line is left unconsumed unless `final` is set.
 */
export abstract class TextLineParser implements RecordParser {
  /** Lines consumed so far (the line number of the last line seen). */
  protected lineNo = 0;
  /** Non-empty lines that matched nothing this format knows (counted, never fatal). */
  skippedLines = 0;
  /** Lines are the records of a text capture: record numbers are line numbers (frame numbers for Wireshark). */
  get records(): number {
    return this.lineNo;
  }

  parse(buf: Buffer, offset: number, out: PacketOut, final: boolean, _base: number): number {
    const emit = emitterOf(out);
    let pos = offset;
    const n = buf.length;
    while (pos < n) {
      const nl = buf.indexOf(10, pos);
      let end: number;
      let next: number;
      if (nl < 0) {
        if (!final) break;
        end = n;
        next = n;
      } else {
        end = nl;
        next = nl + 1;
      }
      if (end > pos && buf[end - 1] === 13) end--;
      this.lineNo++;
      // A UTF-8 byte order mark on the first line is not text.
      const start = this.lineNo === 1 && end - pos >= 3 && buf[pos] === 0xef && buf[pos + 1] === 0xbb && buf[pos + 2] === 0xbf ? pos + 3 : pos;
      this.line(buf.toString('utf8', start, end), this.lineNo, emit);
      pos = next;
    }
    if (final) this.finish(emit);
    return pos;
  }

  /** One complete line (no line terminator). */
  protected abstract line(text: string, lineNo: number, emit: (p: Packet) => void): void;

  /** End of input: flush a pending multi-line block. */
  protected finish(_emit: (p: Packet) => void): void {}
}

/**
 * True when the head looks like text: no NUL byte and almost no other control characters.
 * Text probes call this first so that they never claim a binary capture.
 */
export function isTextHead(head: Buffer): boolean {
  if (head.length === 0) return false;
  // UTF-16 exports and every binary capture header contain NUL bytes.
  if (head.indexOf(0) >= 0) return false;
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 0x1b) control++;
    else if (b === 0x7f) control++;
  }
  return control * 100 <= head.length;
}

/**
 * The complete lines of a file head (at most `max`), for probes. The last line is dropped when the
 * head ends in the middle of it, unless it is the only one.
 */
export function headLines(head: Buffer, max = 4000): string[] {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  if (lines.length > 1 && !text.endsWith('\n')) lines.pop();
  else if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const out = lines.length > max ? lines.slice(0, max) : lines;
  for (let i = 0; i < out.length; i++) if (out[i].endsWith('\r')) out[i] = out[i].slice(0, -1);
  return out;
}

/** The text probe preamble: printable text, then its complete lines. Null when binary. */
export function textLines(head: Buffer): string[] | null {
  return isTextHead(head) ? headLines(head) : null;
}
