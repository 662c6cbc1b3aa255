// Synthetic ATT rounds for the analysis tests: small protocol models built here, independent of src/sim.
import type { AttEvent, Round } from '../src/model.js';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

export const DEVICE = 'c8:47:8c:00:00:01';
export const OTHER = 'c8:47:8c:00:00:02';

export interface Exchange {
  /** App write before the answer (null for streamed frames). */
  write: { handle: number; value: Uint8Array } | null;
  /** Notification values of the answer, in order. */
  notify: { handle: number; values: Uint8Array[] };
}

/** Builds one round: `count` exchanges from the model, plus noise from a second device. */
export function buildRound(
  state: string,
  index: number,
  count: number,
  model: (state: string, i: number, r: () => number) => Exchange[],
  seed: number,
): Round {
  const r = rng(seed);
  const events: AttEvent[] = [];
  let record = 1;
  let t = 1_700_000_000_000_000 + index * 60_000_000;
  const push = (dir: AttEvent['dir'], handle: number, value: Uint8Array, peer: string): void => {
    const write = dir === 'app-to-device';
    events.push({
      record: record++,
      t,
      conn: 1,
      peer,
      dir,
      op: write ? 'Write Command' : 'Handle Value Notification',
      opcode: write ? 0x52 : 0x1b,
      handle,
      uuid: null,
      value,
    });
    t += 15_000;
  };
  for (let i = 0; i < count; i++) {
    for (const ex of model(state, i, r)) {
      if (ex.write) push('app-to-device', ex.write.handle, ex.write.value, DEVICE);
      for (const v of ex.notify.values) push('device-to-app', ex.notify.handle, v, DEVICE);
    }
    // An unrelated device chatting on the same adapter.
    if (i % 3 === 0) push('device-to-app', 0x0e, Uint8Array.from([0x10, Math.floor(r() * 256), Math.floor(r() * 256)]), OTHER);
    t += 400_000;
  }
  return { state, index, source: { kind: 'synthetic', files: [] }, events };
}

export function rounds(states: string[], perState: number, count: number, model: (state: string, i: number, r: () => number) => Exchange[], seed = 1): Round[] {
  const out: Round[] = [];
  for (const s of states) for (let k = 0; k < perState; k++) out.push(buildRound(s, k + 1, count, model, seed * 1000 + out.length + 1));
  return out;
}

export function split(b: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  let i = 0;
  while (o < b.length) {
    const n = sizes[Math.min(i++, sizes.length - 1)]!;
    out.push(b.slice(o, o + n));
    o += n;
  }
  return out;
}

export function u16be(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}

export function crc16modbus(b: number[]): number {
  let c = 0xffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  }
  return c;
}

/** JBD-style: request dd a5 03 00 ff fd 77 on 0x15, answer dd 03 00 1d … cs cs 77 on 0x11 in 20 + 16; FET byte 24, bit 1 = discharge. */
export function jbdModel(on: (state: string) => boolean) {
  return (state: string, i: number, r: () => number): Exchange[] => {
    const mv = 13280 + Math.floor(r() * 40) - i; // 10 mV units drifting
    const data = [
      ...u16be(Math.floor(mv / 10)),
      ...u16be((Math.floor(r() * 500) - 250) & 0xffff),
      ...u16be(8000 - i * 3),
      ...u16be(10000),
      ...u16be(12),
      ...u16be(0x2a11),
      0, 0, 0, 0,
      0, 0,
      0x10,
      80 - Math.floor(i / 50),
      on(state) ? 0x03 : 0x01,
      4,
      3,
      ...u16be(2731 + 250 + Math.floor(r() * 20)),
      ...u16be(2731 + 260 + Math.floor(r() * 20)),
      ...u16be(2731 + 240 + Math.floor(r() * 20)),
    ];
    const body = [0x03, 0x00, data.length, ...data];
    const sum = (0x10000 - body.slice(1).reduce((a, b) => a + b, 0)) & 0xffff;
    const frame = Uint8Array.from([0xdd, ...body, ...u16be(sum), 0x77]);
    const cells = [0x04, 0x00, 8, ...u16be(3300 + Math.floor(r() * 30)), ...u16be(3310 + Math.floor(r() * 30)), ...u16be(3305), ...u16be(3290 + Math.floor(r() * 30))];
    const cs2 = (0x10000 - cells.slice(1).reduce((a, b) => a + b, 0)) & 0xffff;
    const cellFrame = Uint8Array.from([0xdd, ...cells, ...u16be(cs2), 0x77]);
    return [
      { write: { handle: 0x15, value: Uint8Array.from([0xdd, 0xa5, 0x03, 0x00, 0xff, 0xfd, 0x77]) }, notify: { handle: 0x11, values: split(frame, [20]) } },
      { write: { handle: 0x15, value: Uint8Array.from([0xdd, 0xa5, 0x04, 0x00, 0xff, 0xfc, 0x77]) }, notify: { handle: 0x11, values: split(cellFrame, [20]) } },
    ];
  };
}

function crc8maxim(b: number[]): number {
  let c = 0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8c : c >>> 1;
  }
  return c;
}

const noisy = (r: () => number, n: number): number[] => Array.from({ length: n }, () => Math.floor(r() * 256));

/** State byte inside the first 4 bytes: 5a <state> 10 0c, then data and a CRC-8. */
export function prefixStateModel(on: (s: string) => boolean) {
  return (state: string, i: number, r: () => number): Exchange[] => {
    const body = [0x5a, on(state) ? 0x01 : 0x00, 0x10, 0x0c, ...u16be(5200 + Math.floor(r() * 30)), ...noisy(r, 4), 0x00, 0x32, 0x07, 0x00];
    return [{ write: { handle: 0x20, value: Uint8Array.from([0x5a, 0x10, 0x00]) }, notify: { handle: 0x22, values: [Uint8Array.from([...body, crc8maxim(body)])] } }];
  };
}

/** JK-style: 300-byte frames 55 aa eb 90, type, counter…, streamed without requests in 128 + 22 + 128 + 22; switch byte 166. */
export function jkModel(on: (s: string) => boolean) {
  return (state: string, i: number, r: () => number): Exchange[] => {
    const out: Exchange[] = [];
    const f = new Array<number>(300).fill(0);
    f.splice(0, 6, 0x55, 0xaa, 0xeb, 0x90, 0x02, i & 0xff);
    for (let c = 0; c < 16; c++) f.splice(6 + 2 * c, 2, 0xe4 + Math.floor(r() * 3), Math.floor(r() * 256)); // cell mV LE
    for (let k = 150; k < 158; k++) f[k] = Math.floor(r() * 256); // currents, powers
    f[166] = on(state) ? 1 : 0;
    f[167] = 1;
    f[299] = f.slice(0, 299).reduce((a, b) => a + b, 0) & 0xff;
    out.push({ write: null, notify: { handle: 0x12, values: split(Uint8Array.from(f), [128, 22, 128, 22]) } });
    if (i % 10 === 0) {
      const s = new Array<number>(300).fill(0);
      s.splice(0, 6, 0x55, 0xaa, 0xeb, 0x90, 0x01, i & 0xff);
      for (let k = 6; k < 200; k += 4) s.splice(k, 4, 0x10, 0x0e, 0, 0);
      s[299] = s.slice(0, 299).reduce((a, b) => a + b, 0) & 0xff;
      out.push({ write: null, notify: { handle: 0x12, values: split(Uint8Array.from(s), [128, 22, 128, 22]) } });
    }
    if (i % 7 === 3) out.push({ write: null, notify: { handle: 0x12, values: [Uint8Array.from([0x41, 0x54, 0x0d, 0x0a])] } });
    return out;
  };
}

/** Modbus over BLE answered in 1–9 byte fragments (Lumentree-like); register 2 = switch (byte 8). */
export function fragmentModel(on: (s: string) => boolean) {
  return (state: string, i: number, r: () => number): Exchange[] => {
    const regs = [2300 + Math.floor(r() * 20), 500 + Math.floor(r() * 100), on(state) ? 1 : 0, 4999 + Math.floor(r() * 3), 7];
    const body = [0x01, 0x03, regs.length * 2, ...regs.flatMap(u16be)];
    const crc = crc16modbus(body);
    const frame = Uint8Array.from([...body, crc & 0xff, crc >> 8]);
    const sizes: number[] = [];
    let n = 0;
    while (n < frame.length) {
      const k = 1 + Math.floor(r() * 9);
      sizes.push(k);
      n += k;
    }
    const q = [0x01, 0x03, 0x00, 0x96, 0x00, 0x05];
    const qc = crc16modbus(q);
    return [{ write: { handle: 0x2a, value: Uint8Array.from([...q, qc & 0xff, qc >> 8]) }, notify: { handle: 0x2a, values: splitSizes(frame, sizes) } }];
  };
}

function splitSizes(b: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  for (const s of sizes) {
    if (o >= b.length) break;
    out.push(b.slice(o, o + s));
    o += s;
  }
  return out;
}

function daly(cmd: number, data: number[]): number[] {
  const f = [0xa5, 0x01, cmd, 0x08, ...data];
  return [...f, f.reduce((a, b) => a + b, 0) & 0xff];
}

/** Daly-style 13-byte frames with sum8; sometimes two frames in one notification; 0x93 byte 6 = discharge MOS. */
export function dalyModel(on: (s: string) => boolean) {
  return (state: string, i: number, r: () => number): Exchange[] => {
    const f90 = daly(0x90, [...u16be(532 + Math.floor(r() * 3)), 0, 0, ...u16be(30000 + Math.floor(r() * 40) - 20), ...u16be(800 - Math.floor(i / 20))]);
    const f93 = daly(0x93, [0x00, 0x01, on(state) ? 0x01 : 0x00, 0x70, Math.floor(r() * 256), 0, 0, 0]);
    const q = (c: number): Uint8Array => Uint8Array.from([0xa5, 0x40, c, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, (0xa5 + 0x40 + c + 8) & 0xff]);
    if (i % 2 === 0) return [{ write: { handle: 0x0f, value: q(0x90) }, notify: { handle: 0x11, values: [Uint8Array.from([...f90, ...f93])] } }];
    return [
      { write: { handle: 0x0f, value: q(0x90) }, notify: { handle: 0x11, values: [Uint8Array.from(f90)] } },
      { write: { handle: 0x0f, value: q(0x93) }, notify: { handle: 0x11, values: [Uint8Array.from(f93)] } },
    ];
  };
}

/** ANT-style 168-byte frames 7e a1 …, 8 × 20 + 8; byte 103 = switch enum (0x01 on, 0x0f off) when enum is set. */
export function antModel(on: (s: string) => boolean, enumValues = false) {
  return (state: string, i: number, r: () => number): Exchange[] => {
    const f = new Array<number>(168).fill(0);
    f.splice(0, 6, 0x7e, 0xa1, 0x11, 0x00, 0x00, 0x9e);
    for (let k = 8; k < 72; k += 2) f.splice(k, 2, Math.floor(r() * 256), 0x0c + Math.floor(r() * 2));
    f[103] = enumValues ? (on(state) ? 0x01 : 0x0f) : on(state) ? 0x01 : 0x00;
    f[104] = 0x01;
    const crc = crc16modbus(f.slice(1, 164));
    f.splice(164, 4, crc & 0xff, crc >> 8, 0xaa, 0x55);
    return [{ write: { handle: 0x10, value: Uint8Array.from([0x7e, 0xa1, 0x01, 0x00, 0x00, 0xbe, 0x18, 0x55, 0xaa, 0x55]) }, notify: { handle: 0x10, values: split(Uint8Array.from(f), [20]) } }];
  };
}

// ---- generality stress test: protocol shapes that are not among the simulator's families ----

/** Where the switch is in a synthetic frame: byte offset and mask of the bits that change. */
export interface SynthTruth {
  byte: number;
  mask: number;
}

export interface SynthTransport {
  /** The app's request before each exchange (null: the device streams without requests). */
  request?: Uint8Array | null;
  /** Notification size: fixed, or a random size in [min, max] for each chunk. */
  mtu: number | [number, number];
  /** All frames of an exchange go into one byte stream before it is cut (several frames per notification). */
  pack?: boolean;
  /** Share of chunks lost (a frame missing a piece). */
  loss?: number;
  /** Share of notifications sent twice. */
  dup?: number;
}

/** Frames of one exchange → notifications, the way the transport cuts, loses and repeats them. */
export function synthModel(frames: (state: string, i: number, r: () => number) => Uint8Array[], t: SynthTransport) {
  return (state: string, i: number, r: () => number): Exchange[] => {
    const fs = frames(state, i, r);
    const streams = t.pack ? [Uint8Array.from(fs.flatMap((f) => [...f]))] : fs;
    const values: Uint8Array[] = [];
    for (const s of streams) {
      for (let o = 0; o < s.length; ) {
        const n = typeof t.mtu === 'number' ? t.mtu : t.mtu[0] + Math.floor(r() * (t.mtu[1] - t.mtu[0] + 1));
        const chunk = s.slice(o, o + n);
        o += n;
        if (t.loss && r() < t.loss) continue;
        values.push(chunk);
        if (t.dup && r() < t.dup) values.push(chunk);
      }
    }
    return [{ write: t.request ? { handle: 0x30, value: t.request } : null, notify: { handle: 0x31, values } }];
  };
}

/** Status data a BMS would report: drifting cell voltages, a noisy current, a slow SOC, a counter. */
export function statusData(i: number, r: () => number, flags: number[]): number[] {
  const cells = Array.from({ length: 4 }, () => u16be(3280 + Math.floor(r() * 25))).flat();
  return [...cells, ...u16be((Math.floor(r() * 2000) - 1000) & 0xffff), 80 - Math.floor(i / 40), 25 + Math.floor(r() * 2), ...flags, i & 0xff, 0x00, 0x10];
}

/** Seplos/Pace-style ASCII: '~', the frame as upper-case hex text, a 4-digit checksum, '\r'. */
export function asciiHexFrame(body: number[]): Uint8Array {
  const hex = body.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
  const chars = [...Buffer.from(hex, 'latin1')];
  const sum = (0x10000 - (chars.reduce((a, b) => a + b, 0) & 0xffff)) & 0xffff;
  return Uint8Array.from([0x7e, ...chars, ...Buffer.from(sum.toString(16).toUpperCase().padStart(4, '0'), 'latin1'), 0x0d]);
}

/** Binary frame: marker, a 16-bit length field at `at` (LE or BE; counting the whole frame), payload, CRC-16/Modbus. */
export function lengthFrame(marker: number[], type: number, payload: number[], at: number, le: boolean): Uint8Array {
  const head = [...marker];
  while (head.length < at) head.push(head.length === marker.length ? type : 0x01);
  const total = at + 2 + payload.length + 2;
  const f = [...head, ...(le ? [total & 0xff, total >> 8] : u16be(total)), ...payload];
  const c = crc16modbus(f);
  return Uint8Array.from([...f, c & 0xff, c >> 8]);
}
