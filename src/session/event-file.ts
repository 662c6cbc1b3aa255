// A round's ATT events in a compact binary side file, so that big rounds stay out of the session
// JSON (2 M events made a 517 MB JSON that could no longer be saved). The file is immutable and
// named by its content hash; the session stores { name, sha256, count, bytes } and decodes the
// events only when something reads them.
//   "BMSWEVT1"  u32 count  u32 tableBytes  table (JSON array of the strings: peers, ops, uuids)
//   per event:  u32 record  f64 t (NaN: no time)  u32 conn  i32 peer  u8 dir  i32 op  u8 opcode
//               u16 handle  i32 uuid  u32 valueBytes  value   (string fields: index into the table, -1: null)
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import type { StoredEvent } from './schema.js';

const MAGIC = Buffer.from('BMSWEVT1', 'latin1');
const FIXED = 4 + 8 + 4 + 4 + 1 + 4 + 1 + 2 + 4 + 4;

export interface EventFileRef {
  /** File name inside the session's folder: events-<first 16 hex digits of the SHA-256>.bin */
  name: string;
  sha256: string;
  count: number;
  bytes: number;
}

export const EVENT_FILE_NAME = /^events-[0-9a-f]{16}\.bin$/;

export function encodeEvents(events: StoredEvent[]): { data: Buffer; ref: EventFileRef } {
  const table: string[] = [];
  const index = new Map<string, number>();
  const idx = (s: string | null): number => {
    if (s === null) return -1;
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = table.push(s) - 1));
    return i;
  };
  let valueBytes = 0;
  for (const e of events) valueBytes += e.value.length >> 1;
  const body = Buffer.allocUnsafe(events.length * FIXED + valueBytes);
  let o = 0;
  for (const e of events) {
    o = body.writeUInt32LE(e.record >>> 0, o);
    o = body.writeDoubleLE(e.t === null ? Number.NaN : e.t, o);
    o = body.writeUInt32LE(e.conn >>> 0, o);
    o = body.writeInt32LE(idx(e.peer), o);
    o = body.writeUInt8(e.dir === 'device-to-app' ? 1 : 0, o);
    o = body.writeInt32LE(idx(e.op), o);
    o = body.writeUInt8(e.opcode & 0xff, o);
    o = body.writeUInt16LE(e.handle & 0xffff, o);
    o = body.writeInt32LE(idx(e.uuid), o);
    const n = body.write(e.value, o + 4, 'hex');
    o = body.writeUInt32LE(n, o);
    o += n;
  }
  const tableBuf = Buffer.from(JSON.stringify(table), 'utf8');
  const head = Buffer.alloc(16);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(events.length, 8);
  head.writeUInt32LE(tableBuf.length, 12);
  const data = Buffer.concat([head, tableBuf, body.subarray(0, o)]);
  const sha256 = createHash('sha256').update(data).digest('hex');
  return { data, ref: { name: `events-${sha256.slice(0, 16)}.bin`, sha256, count: events.length, bytes: data.length } };
}

/** Decodes a side file; anything that does not match the reference or the layout is one InputError naming the file and offset. */
export function decodeEvents(data: Buffer, ref: EventFileRef, file: string): StoredEvent[] {
  const bad = (what: string, at?: number): never => {
    throw new InputError(`${file}${at === undefined ? '' : ` (byte ${at})`}: ${what}. The session's events for this round cannot be trusted: redo the round or remove the session`);
  };
  if (data.length !== ref.bytes) bad(`holds ${data.length} bytes, the session expects ${ref.bytes}`);
  if (createHash('sha256').update(data).digest('hex') !== ref.sha256) bad('its SHA-256 differs from the one in the session (the file was changed)');
  if (data.length < 16 || !data.subarray(0, 8).equals(MAGIC)) bad('not a bms-wizard events file', 0);
  const count = data.readUInt32LE(8);
  const tableBytes = data.readUInt32LE(12);
  if (count !== ref.count) bad(`holds ${count} events, the session expects ${ref.count}`, 8);
  if (16 + tableBytes > data.length) bad('its string table runs past the end', 12);
  let table: unknown;
  try {
    table = JSON.parse(data.toString('utf8', 16, 16 + tableBytes));
  } catch {
    bad('its string table is not valid', 16);
  }
  if (!Array.isArray(table) || !table.every((s) => typeof s === 'string')) return bad('its string table is not a list of strings', 16);
  const strings = table as string[];
  const str = (i: number, at: number): string | null => (i === -1 ? null : (strings[i] ?? bad(`string ${i} is not in its table`, at)));
  const events: StoredEvent[] = new Array(count);
  let o = 16 + tableBytes;
  for (let k = 0; k < count; k++) {
    if (o + FIXED > data.length) bad(`event ${k + 1} runs past the end`, o);
    const at = o;
    const record = data.readUInt32LE(o);
    const t = data.readDoubleLE(o + 4);
    const conn = data.readUInt32LE(o + 12);
    const peer = str(data.readInt32LE(o + 16), at + 16);
    const dir = data[o + 20] === 1 ? 'device-to-app' : 'app-to-device';
    const op = str(data.readInt32LE(o + 21), at + 21);
    const opcode = data[o + 25]!;
    const handle = data.readUInt16LE(o + 26);
    const uuid = str(data.readInt32LE(o + 28), at + 28);
    const n = data.readUInt32LE(o + 32);
    o += FIXED;
    if (o + n > data.length) bad(`the value of event ${k + 1} runs past the end`, at);
    if (op === null) bad(`event ${k + 1} has no operation`, at + 21);
    events[k] = { record, t: Number.isNaN(t) ? null : t, conn, peer, dir, op: op!, opcode, handle, uuid, value: data.toString('hex', o, o + n) };
    o += n;
  }
  if (o !== data.length) bad(`${data.length - o} bytes follow the last event`, o);
  return events;
}
