// Tiny test-side writers for the binary capture formats, so readers are checked against files whose
// every byte the test knows (link types and byte orders the real corpus lacks). Independent of src/.

const BTSNOOP_EPOCH_US = 0x00dcddb30f2f8000n;

export interface BtsnoopRecord {
  flags: number;
  data: Buffer;
  /** µs since the Unix epoch. */
  t: number;
  /** Original length when it should differ from data.length. */
  orig?: number;
}

export function btsnoopFile(datalink: number, records: BtsnoopRecord[]): Buffer {
  const head = Buffer.alloc(16);
  head.write('btsnoop\0', 0, 'latin1');
  head.writeUInt32BE(1, 8);
  head.writeUInt32BE(datalink, 12);
  const parts = [head];
  for (const r of records) {
    const h = Buffer.alloc(24);
    h.writeUInt32BE(r.orig ?? r.data.length, 0);
    h.writeUInt32BE(r.data.length, 4);
    h.writeUInt32BE(r.flags >>> 0, 8);
    h.writeUInt32BE(0, 12);
    h.writeBigUInt64BE(BigInt(r.t) + BTSNOOP_EPOCH_US, 16);
    parts.push(h, r.data);
  }
  return Buffer.concat(parts);
}

export interface PklgRecord {
  type: number;
  data: Buffer;
  sec: number;
  usec: number;
}

export function pklgFile(le: boolean, records: PklgRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    const h = Buffer.alloc(13);
    if (le) {
      h.writeUInt32LE(9 + r.data.length, 0);
      h.writeUInt32LE(r.sec, 4);
      h.writeUInt32LE(r.usec, 8);
    } else {
      h.writeUInt32BE(9 + r.data.length, 0);
      h.writeUInt32BE(r.sec, 4);
      h.writeUInt32BE(r.usec, 8);
    }
    h[12] = r.type;
    parts.push(h, r.data);
  }
  return Buffer.concat(parts);
}

export interface PcapRecord {
  sec: number;
  /** µs, or ns in a nanosecond file. */
  frac: number;
  data: Buffer;
  orig?: number;
}

export function pcapFile(opts: { le: boolean; ns: boolean; linkType: number }, records: PcapRecord[]): Buffer {
  const w32 = (b: Buffer, v: number, o: number): void => {
    if (opts.le) b.writeUInt32LE(v >>> 0, o);
    else b.writeUInt32BE(v >>> 0, o);
  };
  const head = Buffer.alloc(24);
  w32(head, opts.ns ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  if (opts.le) {
    head.writeUInt16LE(2, 4);
    head.writeUInt16LE(4, 6);
  } else {
    head.writeUInt16BE(2, 4);
    head.writeUInt16BE(4, 6);
  }
  w32(head, 65535, 16);
  w32(head, opts.linkType, 20);
  const parts = [head];
  for (const r of records) {
    const h = Buffer.alloc(16);
    w32(h, r.sec, 0);
    w32(h, r.frac, 4);
    w32(h, r.data.length, 8);
    w32(h, r.orig ?? r.data.length, 12);
    parts.push(h, r.data);
  }
  return Buffer.concat(parts);
}

/** pcapng blocks in one byte order. */
export class PcapngWriter {
  private parts: Buffer[] = [];
  constructor(private readonly le: boolean) {}

  private block(type: number, body: Buffer): this {
    const padded = Buffer.alloc((body.length + 3) & ~3);
    body.copy(padded);
    const len = 12 + padded.length;
    const h = Buffer.alloc(8);
    const t = Buffer.alloc(4);
    this.w32(h, type, 0);
    this.w32(h, len, 4);
    this.w32(t, len, 0);
    this.parts.push(h, padded, t);
    return this;
  }

  private w32(b: Buffer, v: number, o: number): void {
    if (this.le) b.writeUInt32LE(v >>> 0, o);
    else b.writeUInt32BE(v >>> 0, o);
  }

  private w16(b: Buffer, v: number, o: number): void {
    if (this.le) b.writeUInt16LE(v, o);
    else b.writeUInt16BE(v, o);
  }

  section(): this {
    const body = Buffer.alloc(16);
    this.w32(body, 0x1a2b3c4d, 0);
    this.w16(body, 1, 4);
    this.w16(body, 0, 6);
    body.writeBigInt64LE(-1n, 8); // unknown section length (all ones in either order)
    return this.block(0x0a0d0d0a, body);
  }

  /** tsresol: the raw if_tsresol byte (6 = µs, 9 = ns, 0x80|n = 2^-n). */
  iface(linkType: number, tsresol?: number): this {
    const opts: Buffer[] = [];
    if (tsresol !== undefined) {
      const o = Buffer.alloc(8);
      this.w16(o, 9, 0);
      this.w16(o, 1, 2);
      o[4] = tsresol;
      opts.push(o, Buffer.alloc(4)); // then opt_endofopt
    }
    const body = Buffer.alloc(8);
    this.w16(body, linkType, 0);
    this.w32(body, 65535, 4);
    return this.block(1, Buffer.concat([body, ...opts]));
  }

  /** Enhanced Packet Block; ts in the interface's units. */
  epb(ifId: number, ts: bigint, data: Buffer): this {
    const body = Buffer.alloc(20);
    this.w32(body, ifId, 0);
    this.w32(body, Number(ts >> 32n), 4);
    this.w32(body, Number(ts & 0xffffffffn), 8);
    this.w32(body, data.length, 12);
    this.w32(body, data.length, 16);
    return this.block(6, Buffer.concat([body, data]));
  }

  spb(data: Buffer): this {
    const body = Buffer.alloc(4);
    this.w32(body, data.length, 0);
    return this.block(3, Buffer.concat([body, data]));
  }

  /** Any other block (statistics, name resolution…), which readers skip. */
  other(type: number, body: Buffer): this {
    return this.block(type, body);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** An HCI ACL packet (without H4 type byte) carrying one ATT PDU on CID 4. */
export function aclAtt(handle: number, att: Buffer, pb = 0x2): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE((handle & 0x0fff) | (pb << 12), 0);
  b.writeUInt16LE(att.length + 4, 2);
  b.writeUInt16LE(att.length, 4);
  b.writeUInt16LE(4, 6);
  return Buffer.concat([b, att]);
}

/** An on-air LE data packet: access address, LL header (LLID 2), L2CAP+ATT payload, 3 CRC bytes. */
export function airData(accessAddress: number, att: Buffer, extra: Buffer = Buffer.alloc(0)): Buffer {
  const aa = Buffer.alloc(4);
  aa.writeUInt32LE(accessAddress >>> 0, 0);
  const l2 = Buffer.alloc(4);
  l2.writeUInt16LE(att.length, 0);
  l2.writeUInt16LE(4, 2);
  const payload = Buffer.concat([l2, att, extra]);
  return Buffer.concat([aa, Buffer.from([0x02, payload.length]), payload, Buffer.from([0xaa, 0xbb, 0xcc])]);
}

/** LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR pseudo-header. */
export function lePhdr(rfChannel: number, flags: number): Buffer {
  const b = Buffer.alloc(10);
  b[0] = rfChannel;
  b[1] = 0xc4; // -60 dBm
  b.writeUInt16LE(flags, 8);
  return b;
}

/** nRF Sniffer (LINKTYPE_NORDIC_BLE) header for protocol version 2 or 3: 17 bytes before the access address. */
export function nordicHeader(version: number, packetId: number, flags: number, channel: number, airLength: number): Buffer {
  const b = Buffer.alloc(17);
  b[0] = 0; // board
  b.writeUInt16LE(10 + airLength, 1); // payload length: event header + air packet
  b[3] = version;
  b.writeUInt16LE(7, 4); // packet counter
  b[6] = packetId;
  b[7] = 10; // event header length
  b[8] = flags;
  b[9] = channel;
  b[10] = 60; // RSSI
  b.writeUInt16LE(3, 11); // event counter
  b.writeUInt32LE(123456, 13); // firmware time
  return b;
}

/** Legacy (0xBEEF) nRF Sniffer header: 17 bytes before the access address. */
export function nordicLegacyHeader(flags: number, channel: number, airLength: number): Buffer {
  const b = Buffer.alloc(17);
  b[0] = 0xbe;
  b[1] = 0xef;
  b[2] = 0x06; // EVENT_PACKET
  b.writeUInt16LE(9, 3);
  b[7] = 9 + airLength;
  b[8] = flags;
  b[9] = channel;
  b[10] = 55;
  return b;
}
