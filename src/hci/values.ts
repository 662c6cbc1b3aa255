// One complete ATT PDU → value events: request/response matching (Read, Read Blob, Read Multiple),
// long writes (Prepare … Execute), multiple-handle notifications, and discovery hand-off to gatt.ts.
import type { Direction, Micros } from '../model.js';
import * as A from '../att.js';
import { type LinkState, type PendingRequest, type PreparedPart, dirIndex } from './connections.js';
import { formatUuid, parseCharacteristics, parseFoundServices, parseInformation, parseServices } from './gatt.js';
import { decodeName } from './connections.js';
import { view } from './slab.js';

/** What the decoder needs from the extractor. */
export interface AttSink {
  /** The value is b[start, end) of a buffer that will be reused: the sink copies it. */
  emit(link: LinkState, dir: Direction, opcode: number, op: string, handle: number, b: Uint8Array, start: number, end: number, record: number, t: Micros, uuid: string | null): void;
  warn(message: string): void;
}

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);

function request(opcode: number, handle: number): PendingRequest {
  return { opcode, handle, type: null, found: null, handles: null };
}

/**
 * Decodes the ATT PDU b[o, end) (opcode first) sent in direction `dir` on `link`. Offsets instead of
 * views: this is the hot path, and a view costs an allocation. `uuid` is a UUID given by a text
 * export for this PDU (null otherwise).
 */
export function decodeAtt(sink: AttSink, link: LinkState, dir: Direction, b: Uint8Array, o: number, end: number, record: number, t: Micros, uuid: string | null): void {
  const n = end - o;
  if (n <= 0) return;
  const opcode = b[o]!;
  switch (opcode) {
    case A.ATT_NOTIFICATION:
    case A.ATT_INDICATION:
    case A.ATT_WRITE_REQ:
    case A.ATT_WRITE_CMD:
      if (n < 3) return short(sink, opcode, record);
      sink.emit(link, dir, opcode, A.attOpName(opcode), b[o + 1]! | (b[o + 2]! << 8), b, o + 3, end, record, t, uuid);
      return;
    case A.ATT_SIGNED_WRITE_CMD:
      if (n < 15) return short(sink, opcode, record);
      sink.emit(link, dir, opcode, A.attOpName(opcode), u16(b, o + 1), b, o + 3, end - 12, record, t, uuid);
      return;
    case A.ATT_MULTIPLE_NOTIFICATION: {
      // (handle, length, value)* — one event per handle.
      let p = o + 1;
      while (p + 4 <= end) {
        const stop = Math.min(p + 4 + u16(b, p + 2), end);
        sink.emit(link, dir, opcode, A.attOpName(opcode), u16(b, p), b, p + 4, stop, record, t, uuid);
        p = stop;
      }
      if (p !== end) short(sink, opcode, record);
      return;
    }
    case A.ATT_READ_REQ:
    case A.ATT_READ_BLOB_REQ:
      if (n < 3) return short(sink, opcode, record);
      link.requests[dirIndex(dir)] = request(opcode, u16(b, o + 1));
      return;
    case A.ATT_READ_RSP:
    case A.ATT_READ_BLOB_RSP:
    case A.ATT_READ_MULTIPLE_RSP: {
      const req = answered(link, dir);
      const handle = req && req.opcode === opcode - 1 ? (req.handles ? req.handles[0]! : req.handle) : 0;
      if (handle === 0) sink.warn(`record ${record}: ${A.attOpName(opcode)} without its request in the capture; handle shown as 0`);
      if (opcode === A.ATT_READ_RSP && link.gatt.uuids.get(handle) === '2a00') setName(link, b.subarray(o + 1, end));
      sink.emit(link, dir, opcode, A.attOpName(opcode), handle, b, o + 1, end, record, t, uuid);
      return;
    }
    case A.ATT_READ_MULTIPLE_REQ:
    case A.ATT_READ_MULTIPLE_VAR_REQ: {
      const handles: number[] = [];
      for (let p = o + 1; p + 2 <= end; p += 2) handles.push(u16(b, p));
      const req = request(opcode, handles[0] ?? 0);
      req.handles = handles;
      link.requests[dirIndex(dir)] = req;
      return;
    }
    case A.ATT_READ_MULTIPLE_VAR_RSP: {
      const req = answered(link, dir);
      const handles = req?.opcode === A.ATT_READ_MULTIPLE_VAR_REQ ? req.handles : null;
      let i = 0;
      for (let p = o + 1; p + 2 <= end; i++) {
        const stop = Math.min(p + 2 + u16(b, p), end);
        sink.emit(link, dir, opcode, A.attOpName(opcode), handles?.[i] ?? 0, b, p + 2, stop, record, t, uuid);
        p = stop;
      }
      return;
    }
    case A.ATT_PREPARE_WRITE_REQ: {
      if (n < 5) return short(sink, opcode, record);
      const d = dirIndex(dir);
      const parts = (link.prepared[d] ??= []);
      // A copy (new Uint8Array of a view): b is the capture buffer, reused after this packet.
      parts.push({ handle: u16(b, o + 1), offset: u16(b, o + 3), value: new Uint8Array(view(b, o + 5, end)) });
      return;
    }
    case A.ATT_EXECUTE_WRITE_REQ: {
      const d = dirIndex(dir);
      const parts = link.prepared[d];
      link.prepared[d] = null;
      if (!parts || b[o + 1] !== 0x01) return; // 0x00 cancels the queued writes
      for (const [handle, value] of joinPrepared(parts)) {
        sink.emit(link, dir, opcode, A.OP_PREPARED_WRITE, handle, value, 0, value.length, record, t, uuid);
      }
      return;
    }
    default:
      decodeOther(link, dir, view(b, o, end), sink, record);
  }
}

/** Requests and responses without a value: request tracking and GATT discovery (not the hot path). */
function decodeOther(link: LinkState, dir: Direction, att: Uint8Array, sink: AttSink, record: number): void {
  const n = att.length;
  const opcode = att[0]!;
  switch (opcode) {
    case A.ATT_ERROR_RSP:
      answered(link, dir);
      return;
    case A.ATT_READ_BY_TYPE_REQ:
    case A.ATT_READ_BY_GROUP_REQ:
    case A.ATT_FIND_INFO_REQ: {
      if (n < 5) return short(sink, opcode, record);
      const req = request(opcode, u16(att, 1));
      req.type = n > 5 ? formatUuid(att, 5, n - 5) : null;
      link.requests[dirIndex(dir)] = req;
      return;
    }
    case A.ATT_FIND_BY_TYPE_REQ: {
      if (n < 7) return short(sink, opcode, record);
      const req = request(opcode, u16(att, 1));
      req.type = formatUuid(att, 5, 2);
      req.found = n > 7 ? formatUuid(att, 7, n - 7) : null;
      link.requests[dirIndex(dir)] = req;
      return;
    }
    case A.ATT_READ_BY_GROUP_RSP: {
      const req = answered(link, dir);
      if (!req || req.type === '2800' || req.type === '2801') {
        parseServices(att, link.gatt);
        link.discovered = true;
      }
      return;
    }
    case A.ATT_READ_BY_TYPE_RSP: {
      const req = answered(link, dir);
      if (!req || req.type === '2803') {
        parseCharacteristics(att, link.gatt);
        link.discovered = true;
      } else if (req.type && n >= 4) {
        // A read of a characteristic by its UUID: the handles now have a UUID too.
        const len = att[1]!;
        for (let o = 2; len >= 2 && o + len <= n; o += len) {
          link.gatt.setUuid(u16(att, o), req.type);
          if (req.type === '2a00') setName(link, att.subarray(o + 2, o + len));
        }
      }
      return;
    }
    case A.ATT_FIND_INFO_RSP:
      answered(link, dir);
      parseInformation(att, link.gatt);
      link.discovered = true;
      return;
    case A.ATT_FIND_BY_TYPE_RSP: {
      const req = answered(link, dir);
      if (req?.opcode === A.ATT_FIND_BY_TYPE_REQ && req.type === '2800' && req.found) {
        parseFoundServices(att, req.found, link.gatt);
        link.discovered = true;
      }
      return;
    }
    case A.ATT_WRITE_RSP:
    case A.ATT_PREPARE_WRITE_RSP:
    case A.ATT_EXECUTE_WRITE_RSP:
    case A.ATT_MTU_RSP:
      answered(link, dir);
      return;
    default:
      return;
  }
}

/** The pending request that a response travelling in `dir` answers (sent the other way); clears it. */
function answered(link: LinkState, dir: Direction): PendingRequest | null {
  const i = dir === 'app-to-device' ? 1 : 0;
  const req = link.requests[i];
  link.requests[i] = null;
  return req;
}

/** Joins prepared parts per handle (in order of first appearance), each part at its offset. */
export function joinPrepared(parts: PreparedPart[]): [number, Uint8Array][] {
  const byHandle = new Map<number, PreparedPart[]>();
  for (const p of parts) {
    const list = byHandle.get(p.handle);
    if (list) list.push(p);
    else byHandle.set(p.handle, [p]);
  }
  const out: [number, Uint8Array][] = [];
  for (const [handle, list] of byHandle) {
    let size = 0;
    for (const p of list) size = Math.max(size, p.offset + p.value.length);
    const value = new Uint8Array(size);
    for (const p of list) value.set(p.value, p.offset);
    out.push([handle, value]);
  }
  return out;
}

function setName(link: LinkState, value: Uint8Array): void {
  if (!link.connection.name) link.connection.name = decodeName(value, 0, value.length);
}

function short(sink: AttSink, opcode: number, record: number): void {
  sink.warn(`record ${record}: ${A.attOpName(opcode)} is shorter than its fields; skipped`);
}
