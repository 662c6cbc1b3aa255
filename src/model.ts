// The names every room shares. One name for one thing: HciPacket, AttEvent, Connection,
// Round, Message, Candidate, Session (the last three live in analysis/ and session/).

export type Direction = 'app-to-device' | 'device-to-app';

/** µs since the Unix epoch, or null when the capture has no absolute clock. */
export type Micros = number | null;

/** The widest time a Date can show (±100 000 000 days), in µs: a capture's time beyond it is damage, not a time. */
const MAX_MICROS = 8.64e18;

/** The time itself, or null for one no clock can show (beyond the Date range, NaN, infinite). */
export function showableMicros(t: Micros): Micros {
  return t !== null && !(t >= -MAX_MICROS && t <= MAX_MICROS) ? null : t;
}

interface PacketBase {
  /** 1-based record/packet number in the capture file. */
  record: number;
  t: Micros;
}

/** H4 packet types. */
export const HCI_COMMAND = 1;
export const HCI_ACL = 2;
export const HCI_SCO = 3;
export const HCI_EVENT = 4;
export const HCI_ISO = 5;

/** An HCI packet as seen between host and controller (btsnoop, PacketLogger, pcap 187/201, H4 hex). */
export interface HciPacket extends PacketBase {
  kind: 'hci';
  /** H4 packet type: HCI_COMMAND, HCI_ACL, HCI_SCO, HCI_EVENT, HCI_ISO. */
  type: number;
  /** true: host → controller (the phone/app side sends); false: controller → host. */
  sent: boolean;
  /** Bytes after the H4 type byte (ACL: handle+flags, length, payload). A view, not a copy. */
  data: Uint8Array;
  /** Controller index when the format has several (btmon datalink 2001). */
  adapter?: number;
  /**
   * false when the format does not record the direction (pcap link type 187, H4 without
   * pseudo-header): `sent` is then only guessed from the type (commands sent, events received,
   * ACL/SCO/ISO assumed sent). Absent means the direction is recorded.
   */
  directionKnown?: boolean;
}

/** A BLE link-layer PDU from an air sniffer (pcap 256 / 272). */
export interface LinkLayerPacket extends PacketBase {
  kind: 'll';
  accessAddress: number;
  /** Link-layer channel index 0–39 (37–39 advertising), or -1 when the capture does not say. */
  channel: number;
  /** Central → peripheral is app-to-device; null when the sniffer does not say. */
  dir: Direction | null;
  /**
   * LL header (2 bytes) + payload, without CRC (and without the MIC when the sniffer decrypted
   * the PDU, so the payload is pdu.length - 2 bytes even where the header length byte counts the
   * MIC). A view, not a copy.
   */
  pdu: Uint8Array;
  /** false when the sniffer flags a bad CRC. */
  crcOk: boolean;
  /** true when the sniffer says the PDU is (or was) encrypted and not decrypted. */
  encrypted: boolean;
}

/** An ATT PDU read from a text export that shows only the ATT layer (no HCI bytes). */
export interface AttPacket extends PacketBase {
  kind: 'att';
  dir: Direction;
  /** ATT opcode followed by its parameters (handle 0 when the export gives none). */
  pdu: Uint8Array;
  peer: string | null;
  /** Characteristic UUID when the export names it (nRF Connect logs name no handles). */
  uuid: string | null;
}

/** What a capture reader yields, one per record. */
export type Packet = HciPacket | LinkLayerPacket | AttPacket;

/** One ATT PDU that carries a value, attributed to a connection. */
export interface AttEvent {
  /** Record of the packet that completed the PDU. */
  record: number;
  t: Micros;
  /** 1-based connection number within the capture (one per app restart). */
  conn: number;
  /** Peer device address (aa:bb:cc:dd:ee:ff, lowercase) or null when unknown. */
  peer: string | null;
  dir: Direction;
  /** ATT operation name, e.g. 'Handle Value Notification'. */
  op: string;
  opcode: number;
  handle: number;
  /** Characteristic UUID when GATT discovery was seen (lowercase; 16-bit as 4 hex digits). */
  uuid: string | null;
  /** An owned copy: safe to keep after the capture buffer is gone. */
  value: Uint8Array;
}

/** One link between the phone/host and a device, as seen in a capture. */
export interface Connection {
  conn: number;
  /** HCI connection handle, or the LL access address for air captures. */
  link: number;
  peer: string | null;
  /** Name from advertising or GAP Device Name reads, when seen. */
  name: string | null;
  start: Micros;
  end: Micros;
  firstRecord: number;
  lastRecord: number;
}

/** GATT table of a device, from live exploration (ble/) or discovery seen in a capture (hci/). */
export interface GattDescriptor {
  uuid: string;
  handle: number | null;
  /** Lowercase hex of the value read, or null when not read. */
  value: string | null;
}

export interface GattCharacteristic {
  uuid: string;
  /** Known name ("Nordic UART RX", "JBD notify"…) or null. */
  name: string | null;
  /** Value handle when the platform gives it. */
  handle: number | null;
  /** 'read', 'write', 'writeWithoutResponse', 'notify', 'indicate', 'broadcast', 'authenticatedSignedWrites', 'extendedProperties'. */
  properties: string[];
  value: string | null;
  descriptors: GattDescriptor[];
}

export interface GattService {
  uuid: string;
  name: string | null;
  characteristics: GattCharacteristic[];
}

/** Where a round's traffic came from. */
export interface SourceInfo {
  /** 'file', 'gatt', 'adb', 'btmon', 'folder', 'sim', … */
  kind: string;
  /** Capture files read for this round, with their SHA-256 (hex). */
  files: { path: string; sha256: string }[];
  /** Part of the capture used: seconds from capture start or record numbers, inclusive. */
  window?: { unit: 'seconds' | 'records'; from: number; to: number };
  /** Connection number within the capture when one file holds several rounds. */
  conn?: number;
  /** Free text for the report ("adb: Pixel 7, bugreport"). */
  note?: string;
}

/** One recording of one state: one app session (normally one connection). */
export interface Round {
  state: string;
  /** 1-based within its state. */
  index: number;
  source: SourceInfo;
  events: AttEvent[];
}
