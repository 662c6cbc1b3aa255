// The contract between the capture driver and one reader per file format (like Wireshark's wiretap).
import type { Packet } from '../model.js';

/** Parses the records of one open capture. Readers walk buffers with offsets and never copy payloads. */
export interface RecordParser {
  /**
   * Parses every complete record in buf from offset on, calling emit for each packet, and returns
   * the offset of the first byte it did not consume (the start of an incomplete record).
   * When `final` is true no more bytes will come: an incomplete record left at the end must be
   * reported by throwing CaptureError with record/offset (the driver keeps what was emitted).
   * `base` is the file offset of buf[0], for error messages.
   */
  parse(buf: Buffer, offset: number, emit: (p: Packet) => void, final: boolean, base: number): number;
  /**
   * Records consumed so far, including the ones that yield no packet (notes, index records…), so
   * that record numbers match Wireshark's frame numbers. When absent the driver reports the
   * highest record number emitted.
   */
  readonly records?: number;
}

export interface CaptureFormat {
  /** 'btsnoop', 'pklg', 'pcap', 'pcapng', 'packetlogger-text', … */
  id: string;
  /** Human name for messages: "btsnoop (Android HCI log)". */
  name: string;
  /** True when the first bytes (up to 64 KiB) look like this format. Content only, never file names. */
  probe(head: Buffer): boolean;
  /**
   * Reads the file header. Throws CaptureError (unknown variant/datalink/link type…) when the file
   * is this format but cannot be read. Returns where records start and the parser.
   */
  open(head: Buffer): { headerLength: number; variant: string; parser: RecordParser };
}
