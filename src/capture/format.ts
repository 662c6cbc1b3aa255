// The contract between the capture driver and one reader per file format (like Wireshark's wiretap).
import type { Micros, Packet } from '../model.js';

/**
 * Where a reader puts what it reads. Binary readers hand HCI packets as offsets into the chunk
 * (no object per record); a consumer that wants Packet objects passes a plain emit function
 * instead, and sinkOf() builds them.
 */
export interface PacketSink {
  /**
   * One HCI packet: H4 type, direction, the bytes after the type byte as buf[start, end) (valid
   * only during the call), the controller index (-1: the format has none) and whether the format
   * records the direction (false: `sent` is guessed from the type).
   */
  hci(buf: Uint8Array, start: number, end: number, type: number, sent: boolean, record: number, t: Micros, adapter: number, directionKnown: boolean): void;
  /** Any other packet (link layer, ATT layer, or an HCI packet a reader built itself). */
  packet(p: Packet): void;
}

/** A sink, or a function that takes Packet objects. */
export type PacketOut = PacketSink | ((p: Packet) => void);

/** Parses the records of one open capture. Readers walk buffers with offsets and never copy payloads. */
export interface RecordParser {
  /**
   * Parses every complete record in buf from offset on, giving each packet to out, and returns
   * the offset of the first byte it did not consume (the start of an incomplete record).
   * When `final` is true no more bytes will come: an incomplete record left at the end must be
   * reported by throwing CaptureError with record/offset (the driver keeps what was emitted).
   * `base` is the file offset of buf[0], for error messages.
   */
  parse(buf: Buffer, offset: number, out: PacketOut, final: boolean, base: number): number;
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
