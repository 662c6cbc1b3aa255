// pcapng: a sequence of blocks [type u32][total length u32][body][total length u32] in the byte
// order announced by each Section Header Block. Interface Description Blocks give each interface
// its link type and timestamp resolution; Enhanced, Simple and (obsolete) Packet Blocks hold the
// packets. Everything else (statistics, name resolution, secrets, custom blocks) is skipped.
import { CaptureError } from '../errors.js';
import type { Micros } from '../model.js';
import { dataView } from './bytes.js';
import type { CaptureFormat, PacketOut, RecordParser } from './format.js';
import { sinkOf } from './sink.js';
import { linkDecoder, type LinkDecoder, unsupportedLinkTypes } from './link-types.js';
import { corruptRecord, MAX_RECORD_BYTES, truncatedHeader, truncatedRecord } from './record-errors.js';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const PB = 0x00000002; // obsolete Packet Block
const SPB = 0x00000003;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_TSRESOL = 9;
const OPT_TSOFFSET = 14;
const TWO_32 = 4294967296;

interface Interface {
  linkType: number;
  decode: LinkDecoder | undefined;
  /** µs per timestamp unit, split for the high and low 32-bit words. */
  hiScale: number;
  loScale: number;
  /** if_tsoffset, in µs. */
  offsetUs: number;
}

/** Reads an Interface Description Block whose body starts at off+8 and whose options end at optEnd. */
function readInterface(dv: DataView, off: number, optEnd: number, le: boolean): Interface {
  const linkType = dv.getUint16(off + 8, le);
  let unitsPerSecond = 1e6;
  let offsetUs = 0;
  let o = off + 16;
  while (optEnd - o >= 4) {
    const code = dv.getUint16(o, le);
    const len = dv.getUint16(o + 2, le);
    if (code === 0 || o + 4 + len > optEnd) break;
    if (code === OPT_TSRESOL && len >= 1) {
      const r = dv.getUint8(o + 4);
      unitsPerSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
    } else if (code === OPT_TSOFFSET && len >= 8) {
      const hi = dv.getInt32(le ? o + 8 : o + 4, le);
      const lo = dv.getUint32(le ? o + 4 : o + 8, le);
      offsetUs = (hi * TWO_32 + lo) * 1e6;
    }
    o += 4 + ((len + 3) & ~3);
  }
  const loScale = 1e6 / unitsPerSecond;
  return { linkType, decode: linkDecoder(linkType), hiScale: TWO_32 * loScale, loScale, offsetUs };
}

/** Byte order of the Section Header Block at off (true: little-endian), or null when its magic is wrong. */
function sectionOrder(dv: DataView, off: number): boolean | null {
  if (dv.getUint32(off + 8, true) === BYTE_ORDER_MAGIC) return true;
  if (dv.getUint32(off + 8, false) === BYTE_ORDER_MAGIC) return false;
  return null;
}

class PcapngParser implements RecordParser {
  records = 0;
  private le = true;
  private interfaces: Interface[] = [];

  parse(buf: Buffer, offset: number, out: PacketOut, final: boolean, base: number): number {
    const sink = sinkOf(out);
    const end = buf.length;
    const dv = dataView(buf);
    let off = offset;
    while (end - off >= 12) {
      const record = this.records + 1;
      const isSection = dv.getUint32(off, true) === SHB;
      if (isSection) {
        const order = sectionOrder(dv, off);
        if (order === null) throw corruptRecord(record, base + off, 'section header block with a wrong byte-order magic');
        this.le = order;
      }
      const le = this.le;
      const type = dv.getUint32(off, le);
      const len = dv.getUint32(off + 4, le);
      if (len < 12 || len % 4 !== 0 || len > MAX_RECORD_BYTES) throw corruptRecord(record, base + off, `block length ${len} is impossible`);
      if (end - off < len) break;
      const trailer = dv.getUint32(off + len - 4, le);
      if (trailer !== len) throw corruptRecord(record, base + off, `block length ${len} does not match its trailer ${trailer}`);
      const bodyEnd = off + len - 4;
      if (isSection) {
        this.interfaces = [];
      } else if (type === IDB) {
        if (len < 20) throw corruptRecord(record, base + off, 'interface description block too short');
        this.interfaces.push(readInterface(dv, off, bodyEnd, le));
      } else if (type === EPB || type === PB) {
        if (len < 32) throw corruptRecord(record, base + off, 'packet block too short');
        const ifId = type === EPB ? (dv.getUint32(off + 8, le)) : dv.getUint16(off + 8, le);
        const iface = this.interfaces[ifId];
        if (iface === undefined) throw corruptRecord(record, base + off, `packet for interface ${ifId}, but ${this.interfaces.length} interface(s) are described`);
        const cap = dv.getUint32(off + 20, le);
        if (cap > bodyEnd - off - 28) throw corruptRecord(record, base + off, `captured length ${cap} overruns its block`);
        this.records = record;
        if (iface.decode !== undefined) {
          const hi = dv.getUint32(off + 12, le);
          const lo = dv.getUint32(off + 16, le);
          const t: Micros = Math.floor(hi * iface.hiScale + lo * iface.loScale + iface.offsetUs);
          iface.decode(buf, dv, off + 28, cap, record, t, sink);
        }
      } else if (type === SPB) {
        const iface = this.interfaces[0];
        if (iface === undefined) throw corruptRecord(record, base + off, 'simple packet block before any interface description');
        const orig = dv.getUint32(off + 8, le);
        const room = bodyEnd - off - 12;
        this.records = record;
        if (iface.decode !== undefined) {
          iface.decode(buf, dv, off + 12, orig < room ? orig : room, record, null, sink);
        }
      }
      off += len;
    }
    if (final && off < end) throw truncatedRecord(this.records + 1, base + off);
    return off;
  }
}

/** Link types of the interfaces described before the first packet in head, and the first section's byte order. */
function scanHead(head: Buffer): { le: boolean; linkTypes: number[] } {
  if (head.length < 12) throw truncatedHeader('pcapng', 28, head.length);
  const le = sectionOrder(dataView(head), 0);
  if (le === null) throw new CaptureError('pcapng section header has a wrong byte-order magic', { offset: 8 });
  const linkTypes: number[] = [];
  let off = 0;
  while (head.length - off >= 12) {
    const type = le ? head.readUInt32LE(off) : head.readUInt32BE(off);
    const len = le ? head.readUInt32LE(off + 4) : head.readUInt32BE(off + 4);
    if (type === EPB || type === PB || type === SPB || len < 12 || len % 4 !== 0 || head.length - off < len) break;
    if (type === IDB && len >= 20) linkTypes.push(le ? head.readUInt16LE(off + 8) : head.readUInt16BE(off + 8));
    off += len;
  }
  return { le, linkTypes };
}

export const pcapng: CaptureFormat = {
  id: 'pcapng',
  name: 'pcapng (Wireshark)',
  probe(head) {
    return head.length >= 12 && head.readUInt32LE(0) === SHB && sectionOrder(dataView(head), 0) !== null;
  },
  open(head) {
    const { le, linkTypes } = scanHead(head);
    const unique = [...new Set(linkTypes)];
    if (unique.length > 0 && !unique.some((lt) => linkDecoder(lt) !== undefined)) throw unsupportedLinkTypes('pcapng', unique);
    const variant = `pcapng/${unique.length ? unique.join('+') : '?'}${le ? '' : ' big-endian'}`;
    return { headerLength: 0, variant, parser: new PcapngParser() };
  },
};
