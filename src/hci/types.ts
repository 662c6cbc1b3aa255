// What the ATT extractor returns besides the event stream.
import type { Connection, Micros } from '../model.js';

/** One attribute handle of one connection: what discovery said about it and what traffic it carried. */
export interface HandleInfo {
  conn: number;
  peer: string | null;
  handle: number;
  /** Service UUID from discovery (primary service ranges), or null. */
  service: string | null;
  /** Characteristic (or descriptor) UUID from discovery, or from a text export that names it. */
  uuid: string | null;
  /** Properties from the characteristic declaration seen in discovery ('read', 'notify', …). */
  properties: string[];
  /** Value-carrying ATT events per operation name. */
  counts: Record<string, number>;
}

export interface ExtractCounts {
  /** Packets pushed (capture records that carried a packet). */
  packets: number;
  hciCommands: number;
  hciEvents: number;
  /** HCI ACL packets, and non-empty LL data-channel PDUs (data and control) of air captures. */
  acl: number;
  /** Complete ATT PDUs decoded (any opcode). */
  att: number;
  /** AttEvents emitted. */
  attWithValue: number;
  /** Complete frames/packets on other channels: 'SMP', 'L2CAP signalling', 'RFCOMM', 'SCO/audio', 'LL control', … */
  otherChannels: Record<string, number>;
  /** LL PDUs not decoded because the link is encrypted. */
  encrypted: number;
  /** LL PDUs the sniffer flagged with a bad CRC (skipped). */
  badCrc: number;
  /** ACL/LL fragments without their start (or starts that cut an unfinished frame short). */
  orphanFragments: number;
}

export interface ExtractResult {
  /** Time of the first and last timed packet (windows in seconds count from start), or null. */
  start: Micros;
  end: Micros;
  connections: Connection[];
  handles: HandleInfo[];
  counts: ExtractCounts;
  warnings: string[];
}

export interface ExtractOptions {
  /**
   * Copy each event value out of the capture buffer (default true). Only a caller that is done
   * with the event before its callback returns may pass false (the value is then a view).
   */
  copyValues?: boolean;
  /**
   * false: nobody listens to the events (a summary needs only connections, handles and counts),
   * so none are built and onEvent is never called. Default true.
   */
  events?: boolean;
}
