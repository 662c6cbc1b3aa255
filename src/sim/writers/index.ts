// One entry point for every capture format the simulator writes.
import type { HciPacket } from '../../model.js';
import { writeBtsnoop } from './btsnoop.js';
import { writePcap } from './pcap.js';
import { writePklg } from './pklg.js';

export const CAPTURE_FORMATS = ['btsnoop', 'btsnoop-1001', 'btmon', 'pklg', 'pklg-be', 'pcap-187', 'pcap-201'] as const;
export type SimCaptureFormat = (typeof CAPTURE_FORMATS)[number];

/** Usual file name extension for each format. */
export const FORMAT_EXTENSION: Record<SimCaptureFormat, string> = {
  btsnoop: '.btsnoop',
  'btsnoop-1001': '.btsnoop',
  btmon: '.btsnoop',
  pklg: '.pklg',
  'pklg-be': '.pklg',
  'pcap-187': '.pcap',
  'pcap-201': '.pcap',
};

export function writeCapture(packets: HciPacket[], format: SimCaptureFormat): Buffer {
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
  }
}

export { writeBtsnoop, writePcap, writePklg };
