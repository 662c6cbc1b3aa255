// One entry point for every capture format the simulator writes.
import { ATT_NOTIFICATION } from '../../att.js';
import type { HciPacket } from '../../model.js';
import { hciToAir, type AirOptions } from '../air/convert.js';
import { writeBtsnoop } from './btsnoop.js';
import { writePacketLoggerText, type PacketLoggerTextOptions } from './packetlogger-text.js';
import { writePcapLl } from './pcap-ll.js';
import { writePcapng } from './pcapng.js';
import { writeNrfConnectText, type NrfConnectTextOptions } from './nrfconnect-text.js';
import { attPdus } from '../link/reassemble.js';

/** Without options: the peer with the most notifications, characteristics unnamed. */
function guessNrfOptions(packets: HciPacket[]): NrfConnectTextOptions {
  const counts = new Map<string, number>();
  for (const a of attPdus(packets)) if (a.peer && a.pdu[0] === ATT_NOTIFICATION) counts.set(a.peer, (counts.get(a.peer) ?? 0) + 1);
  const peer = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '00:00:00:00:00:00';
  return { peer, name: 'BMS', uuids: {} };
}
import { writePcap } from './pcap.js';
import { writePklg } from './pklg.js';

export const CAPTURE_FORMATS = ['btsnoop', 'btsnoop-1001', 'btmon', 'pklg', 'pklg-be', 'pcap-187', 'pcap-201', 'pcap-ll', 'packetlogger-text'] as const;
/**
 * Every format, including the nRF Connect log (a direct-GATT log of one device that names
 * characteristics by UUID only: handle 0 in the events) and pcapng (201). Kept out of
 * CAPTURE_FORMATS, the list the family × format tests iterate, until those tests include them.
 */
export const ALL_CAPTURE_FORMATS = [...CAPTURE_FORMATS, 'nrfconnect-text', 'pcapng'] as const;
export type SimCaptureFormat = (typeof ALL_CAPTURE_FORMATS)[number];

/** Usual file name extension for each format. */
export const FORMAT_EXTENSION: Record<SimCaptureFormat, string> = {
  btsnoop: '.btsnoop',
  'btsnoop-1001': '.btsnoop',
  btmon: '.btsnoop',
  pklg: '.pklg',
  'pklg-be': '.pklg',
  'pcap-187': '.pcap',
  'pcap-201': '.pcap',
  'pcap-ll': '.pcap',
  'packetlogger-text': '.txt',
  'nrfconnect-text': '.txt',
  pcapng: '.pcapng',
};

/** Records each format writes before the first packet (btmon index records, PacketLogger notes). */
export const LEADING_RECORDS: Record<SimCaptureFormat, number> = {
  btsnoop: 0,
  'btsnoop-1001': 0,
  btmon: 2,
  pklg: 2,
  'pklg-be': 2,
  'pcap-187': 0,
  'pcap-201': 0,
  'pcap-ll': 0,
  'packetlogger-text': 0,
  'nrfconnect-text': 0,
  pcapng: 0,
};

/**
 * Writes the packets in a format. 'pcap-ll' is what an air sniffer would have seen of the same
 * traffic (LINKTYPE 256), made by hciToAir() with `air` (names and services to advertise).
 */
export function writeCapture(
  packets: HciPacket[],
  format: SimCaptureFormat,
  air?: AirOptions,
  text?: PacketLoggerTextOptions,
  nrf?: NrfConnectTextOptions,
): Buffer {
  switch (format) {
    case 'btsnoop':
      return writeBtsnoop(packets, { datalink: 1002 });
    case 'btsnoop-1001':
      return writeBtsnoop(packets, { datalink: 1001 });
    case 'btmon':
      return writeBtsnoop(packets, { datalink: 2001 });
    case 'pklg':
      return writePklg(packets, { littleEndian: true });
    case 'pklg-be':
      return writePklg(packets, { littleEndian: false });
    case 'pcap-187':
      return writePcap(packets, { linktype: 187 });
    case 'pcap-201':
      return writePcap(packets, { linktype: 201 });
    case 'pcap-ll':
      return writePcapLl(hciToAir(packets, air));
    case 'packetlogger-text':
      return writePacketLoggerText(packets, text);
    case 'pcapng':
      return writePcapng(packets);
    case 'nrfconnect-text':
      return writeNrfConnectText(packets, nrf ?? guessNrfOptions(packets));
  }
}

export { writePcapng, writeBtsnoop, writeNrfConnectText, writePacketLoggerText, writePcap, writePcapLl, writePklg };
