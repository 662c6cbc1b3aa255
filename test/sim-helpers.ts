// Independent decoding of simulator output for the sim-*.test.ts files: walks btsnoop bytes,
// reassembles ACL fragments per connection handle and returns ATT PDUs. Written from the specs,
// sharing no code with src/sim, so that it checks the simulator rather than echoing it.

export interface Rec {
  flags: number;
  t: bigint;
  body: Buffer;
}

export function btsnoopRecords(buf: Buffer): { datalink: number; records: Rec[] } {
  if (buf.subarray(0, 8).toString('latin1') !== 'btsnoop\0') throw new Error('not btsnoop');
  const datalink = buf.readUInt32BE(12);
  const records: Rec[] = [];
  let o = 16;
  while (o < buf.length) {
    const incl = buf.readUInt32BE(o + 4);
    records.push({ flags: buf.readUInt32BE(o + 8), t: buf.readBigInt64BE(o + 16), body: buf.subarray(o + 24, o + 24 + incl) });
    o += 24 + incl;
  }
  if (o !== buf.length) throw new Error('trailing bytes');
  return { datalink, records };
}

export interface Att {
  index: number;
  handle: number; // connection handle
  fromHost: boolean;
  pdu: Buffer;
}

/** H4 packets (type byte first) with direction → ATT PDUs, reassembling by PB flags per handle. */
export function attFromH4(packets: { h4: Buffer; fromHost: boolean }[]): Att[] {
  const partial = new Map<string, { need: number; parts: Buffer[] }>();
  const out: Att[] = [];
  packets.forEach(({ h4, fromHost }, index) => {
    if (h4[0] !== 2) return;
    const hf = h4.readUInt16LE(1);
    const handle = hf & 0x0fff;
    const pb = (hf >> 12) & 3;
    const len = h4.readUInt16LE(3);
    const data = h4.subarray(5, 5 + len);
    if (data.length !== len) throw new Error('ACL length mismatch');
    const key = `${handle}/${fromHost}`;
    let cur = partial.get(key);
    if (pb !== 1) {
      if (cur) throw new Error('new PDU before the previous one was complete');
      cur = { need: data.readUInt16LE(0) + 4, parts: [] };
      partial.set(key, cur);
    } else if (!cur) throw new Error('continuation without start');
    cur.parts.push(data);
    const all = Buffer.concat(cur.parts);
    if (all.length > cur.need) throw new Error('L2CAP overrun');
    if (all.length === cur.need) {
      partial.delete(key);
      if (all.readUInt16LE(2) === 4) out.push({ index, handle, fromHost, pdu: all.subarray(4) });
    }
  });
  return out;
}

export function h4FromBtsnoop1002(buf: Buffer): { h4: Buffer; fromHost: boolean }[] {
  return btsnoopRecords(buf).records.map((r) => ({ h4: r.body, fromHost: (r.flags & 1) === 0 }));
}

export function notifications(atts: Att[], attHandle?: number): Buffer[] {
  return atts
    .filter((a) => !a.fromHost && a.pdu[0] === 0x1b && (attHandle === undefined || a.pdu.readUInt16LE(1) === attHandle))
    .map((a) => a.pdu.subarray(3));
}

/** Joins consecutive values into frames, starting a new frame at each value that begins with `marker`. */
export function framesByMarker(values: Buffer[], marker: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let cur: Buffer[] | null = null;
  for (const v of values) {
    if (v.subarray(0, marker.length).equals(marker)) {
      if (cur) frames.push(Buffer.concat(cur));
      cur = [v];
    } else if (cur) cur.push(v);
  }
  if (cur) frames.push(Buffer.concat(cur));
  return frames;
}
