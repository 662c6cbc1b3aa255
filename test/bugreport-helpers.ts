// Test-side writers for Android bug report containers: a tiny zip writer (deflateRaw) and a
// btsnooz encoder, so the readers are checked against files whose contents the test knows.
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';

export interface ZipInput {
  name: string;
  data: Buffer;
  /** 0 stored, 8 deflate (default). */
  method?: 0 | 8;
}

/** Writes a zip (local headers, data, central directory, end record). */
export function makeZip(files: ZipInput[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const method = f.method ?? 8;
    const body = method === 8 ? deflateRawSync(f.data) : f.data;
    const name = Buffer.from(f.name, 'utf8');
    const crc = crc32(f.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(method, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(f.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(dir, name);
    offset += local.length + name.length + body.length;
  }
  const dirBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dirBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dirBuf, end]);
}

export interface SnoopRecord {
  /** µs since 1970. */
  t: number;
  /** true: host → controller. */
  sent: boolean;
  /** H4 type byte followed by the packet. */
  h4: Buffer;
}

const EPOCH_DELTA = 0x00dcddb30f2f8000n;

/** The records of a btsnoop file with datalink 1002 (H4), read the simple way for tests. */
export function btsnoopRecords(file: Buffer): SnoopRecord[] {
  if (file.toString('latin1', 0, 8) !== 'btsnoop\0' || file.readUInt32BE(12) !== 1002) {
    throw new Error('test helper reads btsnoop datalink 1002 only');
  }
  const out: SnoopRecord[] = [];
  let p = 16;
  while (p + 24 <= file.length) {
    const incl = file.readUInt32BE(p + 4);
    const flags = file.readUInt32BE(p + 8);
    const t = Number(file.readBigUInt64BE(p + 16) - EPOCH_DELTA);
    out.push({ t, sent: (flags & 1) === 0, h4: file.subarray(p + 24, p + 24 + incl) });
    p += 24 + incl;
  }
  return out;
}

/** Writes btsnoop datalink 1002 from records. */
export function writeBtsnoop1002(records: SnoopRecord[]): Buffer {
  const header = Buffer.alloc(16);
  header.write('btsnoop\0', 0, 'latin1');
  header.writeUInt32BE(1, 8);
  header.writeUInt32BE(1002, 12);
  const parts: Buffer[] = [header];
  for (const r of records) {
    const h = Buffer.alloc(24);
    h.writeUInt32BE(r.h4.length, 0);
    h.writeUInt32BE(r.h4.length, 4);
    const type = r.h4[0];
    h.writeUInt32BE((r.sent ? 0 : 1) | (type === 1 || type === 4 ? 2 : 0), 8);
    h.writeBigUInt64BE(BigInt(r.t) + EPOCH_DELTA, 16);
    parts.push(h, r.h4);
  }
  return Buffer.concat(parts);
}

function snoozType(r: SnoopRecord): number {
  const t = r.h4[0];
  if (t === 1) return 0x20;
  if (t === 4) return 0x10;
  if (t === 2) return r.sent ? 0x21 : 0x11;
  if (t === 3) return r.sent ? 0x22 : 0x12;
  if (t === 5) return r.sent ? 0x2d : 0x17;
  throw new Error(`no btsnooz type for H4 type ${t}`);
}

/**
 * Encodes records as the btsnooz blob Android writes. `cutAcl` mimics Android's summary: ACL
 * packets keep only their first 14 bytes unless they are L2CAP signalling (CID 1).
 */
export function encodeBtsnooz(records: SnoopRecord[], version: 1 | 2 = 2, cutAcl = false): Buffer {
  const parts: Buffer[] = [];
  let last = records.length ? records[0]!.t : 0;
  for (const r of records) {
    const data = r.h4.subarray(1);
    let included = data.length;
    if (cutAcl && r.h4[0] === 2 && data.length > 8 && data.readUInt16LE(6) !== 1) included = Math.min(14, data.length);
    const h = Buffer.alloc(version === 1 ? 7 : 9);
    h.writeUInt16LE(included + 1, 0);
    if (version === 2) h.writeUInt16LE(data.length + 1, 2);
    if (r.t - last > 0xffffffff) throw new Error('a gap over 71 minutes does not fit a btsnooz delta');
    h.writeUInt32LE(r.t - last, version === 1 ? 2 : 4);
    h[h.length - 1] = snoozType(r);
    parts.push(h, data.subarray(0, included));
    last = r.t;
  }
  const head = Buffer.alloc(9);
  head[0] = version;
  head.writeBigUInt64LE(BigInt(last), 1);
  return Buffer.concat([head, deflateSync(Buffer.concat(parts))]);
}

/** A bug report text (dumpstate layout) carrying the blob between the summary markers. */
export function bugreportText(blob: Buffer, filler = 200): string {
  const b64 = blob.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  const noise = Array.from({ length: filler }, (_, i) => `11-29 04:00:${String(i % 60).padStart(2, '0')}.000  1000  1234  1234 I Something: line ${i}`);
  return [
    '========================================================',
    '== dumpstate: 2026-11-29 04:00:00',
    '========================================================',
    ...noise,
    '------ DUMPSYS (/system/bin/dumpsys) ------',
    'DUMP OF SERVICE bluetooth_manager:',
    `${'--- BEGIN:BTSNOOP_LOG_SUMMARY'} (${blob.length} bytes in) ---`,
    ...lines,
    '--- END:BTSNOOP_LOG_SUMMARY ---',
    ...noise,
    '',
  ].join('\n');
}
