// H4 (UART) framing shared by btsnoop 1002 and pcap 187/201: one type byte, then the HCI packet.
import { HCI_EVENT, type HciPacket, type Micros } from '../model.js';
import { view } from './bytes.js';

/** The HCI packet whose H4 type byte is at buf[off]; len counts the type byte. Null when empty. */
export function h4Packet(buf: Buffer, off: number, len: number, record: number, t: Micros, sent: boolean): HciPacket | null {
  if (len < 1) return null;
  return { kind: 'hci', record, t, type: buf[off], sent, data: view(buf, off + 1, off + len) };
}

/** Same, for formats that do not record the direction: the type decides (commands sent, events received). */
export function h4PacketGuessed(buf: Buffer, off: number, len: number, record: number, t: Micros): HciPacket | null {
  if (len < 1) return null;
  const type = buf[off];
  return {
    kind: 'hci',
    record,
    t,
    type,
    sent: type !== HCI_EVENT,
    data: view(buf, off + 1, off + len),
    directionKnown: false,
  };
}
