// pcap/pcapng link types this tool reads, and how each record body becomes a Packet.
import { CaptureError } from '../errors.js';
import type { LinkLayerPacket, Micros } from '../model.js';
import type { PacketSink } from './format.js';
import { h4Packet } from './h4.js';
import { decodeLeLl, decodeLeLlPhdr, decodeNordic } from './link-layer.js';
import { MONITOR_OPCODES } from './monitor.js';

/** Gives the packet in one record body (buf[off, off+len)) to sink; nothing when it carries none. */
export type LinkDecoder = (buf: Buffer, dv: DataView, off: number, len: number, record: number, t: Micros, sink: PacketSink) => void;

/** LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR: a big-endian u32 direction (0 sent, 1 received), then H4. */
function decodeH4Phdr(buf: Buffer, dv: DataView, off: number, len: number, record: number, t: Micros, sink: PacketSink): void {
  if (len < 5) return;
  h4Packet(sink, buf, off + 4, len - 4, record, t, (dv.getUint32(off) & 1) === 0);
}

/** LINKTYPE_BLUETOOTH_LINUX_MONITOR: big-endian u16 adapter index and u16 opcode, then the payload. */
function decodeMonitor(buf: Buffer, dv: DataView, off: number, len: number, record: number, t: Micros, sink: PacketSink): void {
  if (len < 4) return;
  const op = MONITOR_OPCODES[dv.getUint16(off + 2)];
  if (op === undefined) return;
  sink.hci(buf, off + 4, off + len, op[0], op[1], record, t, dv.getUint16(off), true);
}

type AirDecoder = (buf: Buffer, dv: DataView, off: number, len: number, record: number, t: Micros) => LinkLayerPacket | null;

/** An air-capture decoder as a LinkDecoder (link-layer packets are objects). */
function air(decode: AirDecoder): LinkDecoder {
  return (buf, dv, off, len, record, t, sink) => {
    const p = decode(buf, dv, off, len, record, t);
    if (p !== null) sink.packet(p);
  };
}

interface LinkType {
  name: string;
  decode: LinkDecoder;
}

const LINK_TYPES: Record<number, LinkType> = {
  187: { name: 'Bluetooth HCI H4', decode: (b, _dv, o, l, r, t, sink) => h4Packet(sink, b, o, l, r, t, true, false) },
  201: { name: 'Bluetooth HCI H4 with direction header', decode: decodeH4Phdr },
  251: { name: 'Bluetooth LE link layer', decode: air(decodeLeLl) },
  254: { name: 'Bluetooth Linux monitor', decode: decodeMonitor },
  256: { name: 'Bluetooth LE link layer with pseudo-header', decode: air(decodeLeLlPhdr) },
  272: { name: 'Nordic BLE sniffer', decode: air(decodeNordic) },
};

// Names of common link types that are not Bluetooth, to say what the file is instead.
const OTHER_NAMES: Record<number, string> = {
  0: 'BSD loopback', 1: 'Ethernet', 101: 'raw IP', 105: 'IEEE 802.11', 113: 'Linux cooked', 127: 'IEEE 802.11 radiotap',
  189: 'USB (Linux)', 220: 'USB (Linux, memory-mapped)', 249: 'USBPcap (Windows USB)', 276: 'Linux cooked v2',
};

export function linkDecoder(linkType: number): LinkDecoder | undefined {
  return LINK_TYPES[linkType]?.decode;
}

export function linkTypeName(linkType: number): string {
  return LINK_TYPES[linkType]?.name ?? OTHER_NAMES[linkType] ?? 'unknown';
}

export const SUPPORTED_LINK_TYPES = Object.entries(LINK_TYPES).map(([k, v]) => `${k} (${v.name})`).join(', ');

/** The error for a pcap/pcapng whose link type(s) carry no Bluetooth this tool reads. */
export function unsupportedLinkTypes(container: string, linkTypes: number[]): CaptureError {
  const list = linkTypes.map((lt) => `${lt} (${linkTypeName(lt)})`).join(', ');
  const usb = linkTypes.some((lt) => lt === 189 || lt === 220 || lt === 249);
  return new CaptureError(`${container} link type ${list} is not a Bluetooth link type this tool reads`, {
    hint: `Supported link types: ${SUPPORTED_LINK_TYPES}${usb ? '. Capture the Bluetooth interface (bluetooth0, bluetooth-monitor or the nRF Sniffer), not the USB bus' : ''}`,
  });
}
