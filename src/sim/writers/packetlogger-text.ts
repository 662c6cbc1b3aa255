// Apple PacketLogger "Save as text" export, ATT lines only, in the layout of the corpus example
// (daly_dsg_onoff.packetlogger.txt):
//   Nov 12 13:49:07.061  ATT Send         0x0055  46:64:01:02:04:8E  Write Command - Handle:0x0010 - FFF2 - Value: D206 00A6 0001 BB8A
// The export has no year; values are printed as 2-byte groups in upper case.
import { ATT_INDICATION, ATT_NOTIFICATION, ATT_READ_RSP, ATT_WRITE_CMD, ATT_WRITE_REQ, attOpName } from '../../att.js';
import type { HciPacket } from '../../model.js';
import { attPdus } from '../link/reassemble.js';

/** The operations written, by the names PacketLogger prints (the ATT names). */
const OPS: Record<number, string> = Object.fromEntries([ATT_READ_RSP, ATT_WRITE_REQ, ATT_NOTIFICATION, ATT_INDICATION, ATT_WRITE_CMD].map((op) => [op, attOpName(op)]));
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface PacketLoggerTextOptions {
  /** Characteristic UUIDs to print after the handle, per peer address and attribute handle. */
  uuids?: Record<string, Record<number, string>>;
}

function stamp(t: number): string {
  const d = new Date(Math.floor(t / 1000));
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
}

function words(v: Uint8Array): string {
  return Buffer.from(v).toString('hex').toUpperCase().replace(/(....)(?!$)/g, '$1 ');
}

export function writePacketLoggerText(packets: HciPacket[], opts: PacketLoggerTextOptions = {}): Buffer {
  return Buffer.from(packetLoggerTextLines(packets, opts).map((l) => l.text + '\n').join(''), 'utf8');
}

/** The export's lines with the time of each (one line = one record). */
export function packetLoggerTextLines(packets: HciPacket[], opts: PacketLoggerTextOptions = {}): { t: number; text: string }[] {
  const lines: { t: number; text: string }[] = [];
  for (const a of attPdus(packets)) {
    const op = OPS[a.pdu[0]!];
    if (!op) continue;
    const peer = (a.peer ?? '00:00:00:00:00:00').toUpperCase();
    const conn = `0x${a.connHandle.toString(16).toUpperCase().padStart(4, '0')}`;
    let handlePart = '';
    let value = a.pdu.subarray(1);
    if (a.pdu[0] !== ATT_READ_RSP) {
      const h = a.pdu[1]! | (a.pdu[2]! << 8);
      const uuid = a.peer ? opts.uuids?.[a.peer]?.[h] : undefined;
      handlePart = ` - Handle:0x${h.toString(16).toUpperCase().padStart(4, '0')}${uuid ? ` - ${uuid.toUpperCase()}` : ''}`;
      value = a.pdu.subarray(3);
    }
    const way = a.sent ? 'Send   ' : 'Receive';
    lines.push({ t: a.t, text: `${stamp(a.t)}  ATT ${way}      ${conn}  ${peer}  ${op}${handlePart} - Value: ${words(value)}  ` });
  }
  return lines;
}
