// H4 (UART) framing shared by btsnoop 1002 and pcap 187/201: one type byte, then the HCI packet.
import { HCI_EVENT, type Micros } from '../model.js';
import type { PacketSink } from './format.js';

/**
 * The HCI packet whose H4 type byte is at buf[off]; len counts the type byte. Nothing when empty.
 * Without a recorded direction (directionKnown false) the type decides: commands sent, events
 * received, ACL/SCO/ISO assumed sent.
 */
export function h4Packet(sink: PacketSink, buf: Uint8Array, off: number, len: number, record: number, t: Micros, sent: boolean, directionKnown = true): void {
  if (len < 1) return;
  const type = buf[off]!;
  sink.hci(buf, off + 1, off + len, type, directionKnown ? sent : type !== HCI_EVENT, record, t, -1, directionKnown);
}
