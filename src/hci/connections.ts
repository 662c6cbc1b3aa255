// Who is connected to whom: one Connection per link lifetime, from HCI connection events, from
// CONNECT_IND on air, or inferred from the first traffic of a link (ACL-only captures).
import { hexNum } from '../hex.js';
import type { Connection, Direction, Micros } from '../model.js';
import { GattTable } from './gatt.js';
import type { OpcodeCounts } from './opcode-counts.js';
import type { HandleInfo } from './types.js';

const HEX2: string[] = Array.from({ length: 256 }, (_, i) => hexNum(i));

/** 6 little-endian address bytes → 'aa:bb:cc:dd:ee:ff'. */
export function formatAddress(b: Uint8Array, o: number): string {
  return `${HEX2[b[o + 5]!]}:${HEX2[b[o + 4]!]}:${HEX2[b[o + 3]!]}:${HEX2[b[o + 2]!]}:${HEX2[b[o + 1]!]}:${HEX2[b[o]!]}`;
}

/** 6 little-endian address bytes → one number (48 bits fit a double exactly), for map keys. */
export function addressKey(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + (b[o + 3]! | (b[o + 4]! << 8) | (b[o + 5]! << 16)) * 0x1000000;
}

/** The request a response answers (ATT allows one outstanding request per direction). */
export interface PendingRequest {
  opcode: number;
  handle: number;
  /** Attribute type of Read By Type / Read By Group Type / Find By Type Value requests. */
  type: string | null;
  /** The value of a Find By Type Value request (the service UUID searched for). */
  found: string | null;
  /** Handles of a Read Multiple (Variable) request. */
  handles: number[] | null;
}

export interface PreparedPart {
  handle: number;
  offset: number;
  value: Uint8Array;
}

/** Per-handle counters of a link; turned into a HandleInfo at the end. */
export interface HandleState {
  info: HandleInfo;
  /** Events per opcode. */
  byOpcode: OpcodeCounts;
  /** UUID from the GATT table as of gattVersion (discovery may come later). */
  uuid: string | null;
  gattVersion: number;
}

/** Everything known about one live link. Index 0 of the pairs is app-to-device, 1 device-to-app. */
export interface LinkState {
  connection: Connection;
  /** Where the extractor keeps this link, so that a restart can replace it. */
  owner: Map<number | string, LinkState>;
  key: number | string;
  /** Opened by a connection event (HCI or CONNECT_IND): restarts are then seen as events, not guessed. */
  fromEvent: boolean;
  peerKey: number;
  gatt: GattTable;
  handles: Map<number | string, HandleState>;
  /** The handle of the previous event (traffic alternates between two or three handles). */
  lastHandleKey: number | string | null;
  lastHandle: HandleState | null;
  requests: [PendingRequest | null, PendingRequest | null];
  prepared: [PreparedPart[] | null, PreparedPart[] | null];
  /** Restart detection without connection events: the app wrote data; MTU requests seen (bit 1 app, bit 2 device). */
  sawData: boolean;
  sawMtu: number;
  /** Discovery responses were seen on this link: its characteristics are listed in the summary. */
  discovered: boolean;
  /** CID → PSM of dynamic channels, and signalling id → PSM of open requests. */
  channels: Map<number, number> | null;
  signals: Map<number, number> | null;
  /** Air captures: LL encryption 0 = off, 1 = handshake in progress (still in clear), 2 = on. */
  encryption: 0 | 1 | 2;
  /** Air captures: last SN and payload per direction (2 = unknown), to drop retransmissions. */
  lastSn: [number, number, number];
  lastPdu: [Uint8Array | null, Uint8Array | null, Uint8Array | null];
  /**
   * Time (NaN: no clock) and record of the link's last packet, kept here and copied into the
   * connection at the end (finishConnections): a number field updates in place, where storing a
   * fresh time into the connection on every packet allocates.
   */
  endT: number;
  endRecord: number;
}

/** The link's last packet: its time and record. */
export function touch(link: LinkState, t: Micros, record: number): void {
  link.endT = t ?? NaN;
  link.endRecord = record;
}

export function dirIndex(dir: Direction): 0 | 1 {
  return dir === 'app-to-device' ? 0 : 1;
}

/** Creates connections in capture order and shares one GATT table between the connections of a device. */
export class ConnectionTable {
  readonly connections: Connection[] = [];
  readonly links: LinkState[] = [];
  /** Advertised or remote names by address key. */
  readonly names = new Map<number, string>();
  private readonly gattByDevice = new Map<string, GattTable>();

  /**
   * Starts a new connection and files it under `key` in `owner`. Connections of one device share a
   * GATT table: by peer address, or by link key when the peer is unknown (in an ACL-only capture
   * an app restart reuses the handle and may skip discovery).
   */
  open(
    owner: Map<number | string, LinkState>,
    key: number | string,
    link: number,
    peer: string | null,
    peerKey: number,
    fromEvent: boolean,
    record: number,
    t: Micros,
  ): LinkState {
    const connection: Connection = {
      conn: this.connections.length + 1,
      link,
      peer,
      name: peerKey >= 0 ? (this.names.get(peerKey) ?? null) : null,
      start: t,
      end: t,
      firstRecord: record,
      lastRecord: record,
    };
    this.connections.push(connection);
    const gattKey = peer ?? `link:${String(key)}`;
    let gatt = this.gattByDevice.get(gattKey);
    if (!gatt) {
      gatt = new GattTable();
      this.gattByDevice.set(gattKey, gatt);
    }
    const state: LinkState = {
      connection,
      owner,
      key,
      fromEvent,
      peerKey,
      gatt,
      handles: new Map(),
      lastHandleKey: null,
      lastHandle: null,
      requests: [null, null],
      prepared: [null, null],
      sawData: false,
      sawMtu: 0,
      discovered: false,
      channels: null,
      signals: null,
      encryption: 0,
      lastSn: [-1, -1, -1],
      lastPdu: [null, null, null],
      endT: t ?? NaN,
      endRecord: record,
    };
    this.links.push(state);
    owner.set(key, state);
    return state;
  }

  /** Each connection's end and last record from its link's last packet. */
  finishConnections(): void {
    for (const l of this.links) {
      l.connection.end = Number.isNaN(l.endT) ? null : l.endT;
      l.connection.lastRecord = l.endRecord;
    }
  }

  /** Names learnt after a connection opened (advertising seen later, Remote Name Request). */
  fillNames(): void {
    for (const l of this.links) {
      if (!l.connection.name && l.peerKey >= 0) l.connection.name = this.names.get(l.peerKey) ?? null;
    }
  }
}

/** Reads the device name (AD types 0x09 complete, 0x08 shortened) from advertising data. */
export function advertisedName(b: Uint8Array, start: number, end: number): string | null {
  let short: string | null = null;
  for (let o = start; o + 1 < end; ) {
    const len = b[o]!;
    if (len === 0) break;
    const type = b[o + 1]!;
    const dataEnd = Math.min(o + 1 + len, end);
    if (type === 0x09) return decodeName(b, o + 2, dataEnd);
    if (type === 0x08) short = decodeName(b, o + 2, dataEnd);
    o += 1 + len;
  }
  return short;
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

export function decodeName(b: Uint8Array, start: number, end: number): string | null {
  let e = start;
  while (e < end && b[e] !== 0) e++;
  const s = UTF8.decode(b.subarray(start, e)).trim();
  return s.length ? s : null;
}
