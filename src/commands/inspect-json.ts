// `inspect --json` events written as bytes: one line per event into a block buffer, hex digits from
// a table, and the strings that repeat (operations, directions, addresses, UUIDs) encoded once.
// The bytes are exactly JSON.stringify's for the documented fields (eventJson in inspect-view.ts
// is the reference the tests compare against).
import type { AttEvent, Micros } from '../model.js';

const BLOCK = 1 << 17;
/** Distinct strings kept encoded; a capture with more (crafted UUIDs) just encodes them again. */
const MAX_STRINGS = 4096;
const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');

const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const K_RECORD = ascii('{"record":');
const K_T = ascii(',"t":');
const K_CONN = ascii(',"conn":');
const K_PEER = ascii(',"peer":');
const K_DIR = ascii(',"dir":');
const K_OP = ascii(',"op":');
const K_OPCODE = ascii(',"opcode":');
const K_HANDLE = ascii(',"handle":');
const K_UUID = ascii(',"uuid":');
const K_VALUE = ascii(',"value":"');
const K_REL = ascii('","rel":');
const NULL = ascii('null');

/** floor(n / unit) for a safe integer n ≥ 0, exactly (the rounded division can land one off). */
function exactQuotient(n: number, unit: number): number {
  const q = Math.floor(n / unit);
  const r = n - q * unit;
  return r < 0 ? q - 1 : r >= unit ? q + 1 : q;
}

export class JsonEventWriter {
  private buf = Buffer.allocUnsafe(BLOCK);
  private pos = 0;
  private readonly strings = new Map<string, Uint8Array>();

  constructor(private readonly out: (chunk: Buffer) => void) {}

  /** One event line (same bytes as eventJson(e, start) + '\n'). */
  event(e: AttEvent, start: Micros): void {
    const peer = e.peer === null ? NULL : this.string(e.peer);
    const dir = this.string(e.dir);
    const op = this.string(e.op);
    const uuid = e.uuid === null ? NULL : this.string(e.uuid);
    this.room(200 + peer.length + dir.length + op.length + uuid.length + 2 * e.value.length);
    this.bytes(K_RECORD);
    this.number(e.record);
    this.bytes(K_T);
    this.number(e.t);
    this.bytes(K_CONN);
    this.number(e.conn);
    this.bytes(K_PEER);
    this.bytes(peer);
    this.bytes(K_DIR);
    this.bytes(dir);
    this.bytes(K_OP);
    this.bytes(op);
    this.bytes(K_OPCODE);
    this.number(e.opcode);
    this.bytes(K_HANDLE);
    this.number(e.handle);
    this.bytes(K_UUID);
    this.bytes(uuid);
    this.bytes(K_VALUE);
    this.hex(e.value);
    this.bytes(K_REL);
    this.seconds(e.t, start);
    this.buf[this.pos++] = 0x7d; // }
    this.buf[this.pos++] = 0x0a;
  }

  /** Writes what is buffered (a new block follows: the stream may keep the old one). */
  flush(): void {
    if (this.pos === 0) return;
    this.out(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(BLOCK);
    this.pos = 0;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  private bytes(b: Uint8Array): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i]!;
    this.pos = p;
  }

  /** JSON.stringify(s) as UTF-8, cached. */
  private string(s: string): Uint8Array {
    let b = this.strings.get(s);
    if (b === undefined) {
      if (this.strings.size >= MAX_STRINGS) this.strings.clear();
      b = Buffer.from(JSON.stringify(s), 'utf8');
      this.strings.set(s, b);
    }
    return b;
  }

  /** A number as JSON.stringify writes it (integers digit by digit, the rest through String()). */
  private number(n: number | null): void {
    if (n === null || !Number.isFinite(n)) {
      this.bytes(NULL);
      return;
    }
    if (!Number.isSafeInteger(n) || n < 0) {
      this.pos += this.buf.write(String(n), this.pos, 'latin1');
      return;
    }
    if (n <= 0x7fffffff) {
      this.digits(n, 0);
      return;
    }
    // µs timestamps exceed 32 bits: two int32 halves (double % and / are slow), exact below 2^53.
    const hi = exactQuotient(n, 1e8);
    this.digits(hi, 0);
    this.digits(n - hi * 1e8, 8);
  }

  /**
   * (t - start) / 1e6 as JSON.stringify writes it. Whole µs: seconds, then the µs digits without
   * trailing zeros, which is the shortest form that reads back as that double (the µs step is far
   * above a double's precision at these magnitudes). Anything else goes through String().
   */
  private seconds(t: Micros, start: Micros): void {
    if (t === null || start === null) {
      this.bytes(NULL);
      return;
    }
    const d = t - start;
    if (!Number.isSafeInteger(d) || d <= -1e6 * 2 ** 31 || d >= 1e6 * 2 ** 31) {
      this.number(d / 1e6);
      return;
    }
    let a = d;
    if (d < 0) {
      this.buf[this.pos++] = 0x2d; // -
      a = -d;
    }
    const sec = exactQuotient(a, 1e6);
    let us = a - sec * 1e6;
    this.digits(sec, 0);
    if (us === 0) return;
    let width = 6;
    while (us % 10 === 0) {
      us /= 10;
      width--;
    }
    this.buf[this.pos++] = 0x2e; // .
    this.digits(us, width);
  }

  /** The int32 n in decimal, left-padded with zeros to `width` digits. */
  private digits(n: number, width: number): void {
    let x = n | 0;
    let count = 1;
    for (let y = x; y >= 10; y = (y / 10) | 0) count++;
    if (count < width) count = width;
    const buf = this.buf;
    let p = this.pos + count;
    this.pos = p;
    for (let i = 0; i < count; i++) {
      const q = (x / 10) | 0;
      buf[--p] = 0x30 + (x - q * 10);
      x = q;
    }
  }

  private hex(v: Uint8Array): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < v.length; i++) {
      const b = v[i]!;
      buf[p++] = HEX_DIGITS[b >> 4]!;
      buf[p++] = HEX_DIGITS[b & 15]!;
    }
    this.pos = p;
  }
}
