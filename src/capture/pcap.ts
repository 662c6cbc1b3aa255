// libpcap files: a 24-byte file header (magic, version, zone, sigfigs, snaplen, link type), then
// records of [seconds][µs or ns][included length][original length] and the packet bytes.
// Either byte order (the writer's); the magic also says whether the fraction is µs or ns.
import { CaptureError } from '../errors.js';
import type { Micros } from '../model.js';
import { dataView } from './bytes.js';
import type { CaptureFormat, PacketOut, RecordParser } from './format.js';
import { sinkOf } from './sink.js';
import { linkDecoder, type LinkDecoder, unsupportedLinkTypes } from './link-types.js';
import { corruptRecord, MAX_RECORD_BYTES, truncatedHeader, truncatedRecord } from './record-errors.js';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

function layout(head: Buffer): { le: boolean; ns: boolean } | null {
  if (head.length < 4) return null;
  const le = head.readUInt32LE(0);
  const be = head.readUInt32BE(0);
  if (le === MAGIC_US || le === MAGIC_NS) return { le: true, ns: le === MAGIC_NS };
  if (be === MAGIC_US || be === MAGIC_NS) return { le: false, ns: be === MAGIC_NS };
  return null;
}

class PcapParser implements RecordParser {
  records = 0;
  constructor(private readonly le: boolean, private readonly ns: boolean, private readonly decode: LinkDecoder) {}

  parse(buf: Buffer, offset: number, out: PacketOut, final: boolean, base: number): number {
    const sink = sinkOf(out);
    const end = buf.length;
    const { le, ns, decode } = this;
    const dv = dataView(buf);
    let off = offset;
    while (end - off >= RECORD_HEADER) {
      const incl = dv.getUint32(off + 8, le);
      const orig = dv.getUint32(off + 12, le);
      const record = this.records + 1;
      if (incl > MAX_RECORD_BYTES) throw corruptRecord(record, base + off, `included length ${incl} is impossible`);
      if (incl > orig) throw corruptRecord(record, base + off, `included length ${incl} exceeds original length ${orig}`);
      if (end - off - RECORD_HEADER < incl) break;
      const sec = dv.getUint32(off, le);
      const frac = dv.getUint32(off + 4, le);
      const t: Micros = sec * 1_000_000 + (ns ? Math.floor(frac / 1000) : frac);
      this.records = record;
      const at = off + RECORD_HEADER;
      off = at + incl;
      decode(buf, dv, at, incl, record, t, sink);
    }
    if (final && off < end) throw truncatedRecord(this.records + 1, base + off);
    return off;
  }
}

export const pcap: CaptureFormat = {
  id: 'pcap',
  name: 'pcap (Wireshark/tcpdump)',
  probe(head) {
    return layout(head) !== null;
  },
  open(head) {
    const l = layout(head);
    if (l === null) throw new CaptureError('not a pcap file');
    if (head.length < FILE_HEADER) throw truncatedHeader('pcap', FILE_HEADER, head.length);
    const major = l.le ? head.readUInt16LE(4) : head.readUInt16BE(4);
    if (major !== 2) throw new CaptureError(`pcap version ${major} is not supported`, { offset: 4, hint: 'Only pcap version 2 exists in practice; the header may be damaged' });
    // Bits 26–31 can hold FCS information; bits 16–25 are reserved.
    const linkType = (l.le ? head.readUInt32LE(20) : head.readUInt32BE(20)) & 0x03ffffff;
    const decode = linkDecoder(linkType);
    if (decode === undefined) throw unsupportedLinkTypes('pcap', [linkType]);
    const variant = `pcap/${linkType}${l.le ? '' : ' big-endian'}${l.ns ? ' ns' : ''}`;
    return { headerLength: FILE_HEADER, variant, parser: new PcapParser(l.le, l.ns, decode) };
  },
};
