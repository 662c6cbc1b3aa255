// GATT discovery seen in a capture → handle → service / characteristic UUID and properties.
// Only discovery PDUs reach this file (rare), so clarity beats speed here.
import { hexNum } from '../hex.js';

/** UUID bytes as sent over the air (little-endian) → 'ffe1' or '6e400001-b5a3-f393-e0a9-e50e24dcca9e'. */
export function formatUuid(b: Uint8Array, offset: number, length: number): string | null {
  if (length === 2) return ((b[offset]! | (b[offset + 1]! << 8)) >>> 0).toString(16).padStart(4, '0');
  if (length === 4) {
    const v = (b[offset]! | (b[offset + 1]! << 8) | (b[offset + 2]! << 16) | (b[offset + 3]! << 24)) >>> 0;
    return shortUuid(hexNum(v, 8) + BASE_TAIL);
  }
  if (length !== 16) return null;
  const r = Buffer.from(b.subarray(offset, offset + 16)).reverse().toString('hex');
  return shortUuid(`${r.slice(0, 8)}-${r.slice(8, 12)}-${r.slice(12, 16)}-${r.slice(16, 20)}-${r.slice(20)}`);
}

const BASE_TAIL = '-0000-1000-8000-00805f9b34fb';

/** A 128-bit UUID on the Bluetooth base with a 16-bit value is shown as those 4 hex digits. */
function shortUuid(u: string): string {
  if (u.endsWith(BASE_TAIL) && u.startsWith('0000')) return u.slice(4, 8);
  return u;
}

const PROPERTY_NAMES = ['broadcast', 'read', 'writeWithoutResponse', 'write', 'notify', 'indicate', 'authenticatedSignedWrites', 'extendedProperties'];

/** Characteristic properties byte → names in the order of the bits. */
export function propertyNames(bits: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < 8; i++) if (bits & (1 << i)) out.push(PROPERTY_NAMES[i]!);
  return out;
}

export interface ServiceRange {
  start: number;
  end: number;
  uuid: string;
}

/** What discovery taught about one device's attribute table. Shared by the connections of one device. */
export class GattTable {
  readonly services: ServiceRange[] = [];
  /** handle → UUID (characteristic value UUID, descriptor UUID, or declaration type). */
  readonly uuids = new Map<number, string>();
  /** value handle → properties byte from its characteristic declaration. */
  readonly properties = new Map<number, number>();
  /** Bumped on every change, so that callers can cache lookups. */
  version = 0;

  setUuid(handle: number, uuid: string): void {
    this.uuids.set(handle, uuid);
    this.version++;
  }

  addService(start: number, end: number, uuid: string): void {
    const same = this.services.find((s) => s.start === start);
    if (same) {
      same.end = end;
      same.uuid = uuid;
    } else {
      this.services.push({ start, end, uuid });
    }
    this.version++;
  }

  serviceOf(handle: number): string | null {
    let best: ServiceRange | null = null;
    for (const s of this.services) if (handle >= s.start && handle <= s.end && (!best || s.start > best.start)) best = s;
    return best ? best.uuid : null;
  }

  /** A characteristic declaration (0x2803): properties, value handle, UUID. */
  addCharacteristic(valueHandle: number, properties: number, uuid: string): void {
    this.setUuid(valueHandle, uuid);
    this.properties.set(valueHandle, properties);
  }

  /** A handle/UUID pair from Find Information. Declarations do not override the value UUID. */
  addInformation(handle: number, uuid: string): void {
    if (uuid === '2800' || uuid === '2801' || uuid === '2802' || uuid === '2803') {
      if (!this.uuids.has(handle)) this.setUuid(handle, uuid);
      return;
    }
    this.setUuid(handle, uuid);
  }
}

/** Parses a Read By Group Type Response (0x11) for primary/secondary services. */
export function parseServices(att: Uint8Array, table: GattTable): void {
  const len = att[1] ?? 0;
  if (len < 6) return;
  for (let o = 2; o + len <= att.length; o += len) {
    const start = att[o]! | (att[o + 1]! << 8);
    const end = att[o + 2]! | (att[o + 3]! << 8);
    const uuid = formatUuid(att, o + 4, len - 4);
    if (uuid) table.addService(start, end, uuid);
  }
}

/** Parses a Read By Type Response (0x09) to a characteristic-declaration (0x2803) request. */
export function parseCharacteristics(att: Uint8Array, table: GattTable): void {
  const len = att[1] ?? 0;
  if (len !== 7 && len !== 21) return;
  for (let o = 2; o + len <= att.length; o += len) {
    const properties = att[o + 2]!;
    const valueHandle = att[o + 3]! | (att[o + 4]! << 8);
    const uuid = formatUuid(att, o + 5, len - 5);
    if (uuid) table.addCharacteristic(valueHandle, properties, uuid);
  }
}

/** Parses a Find Information Response (0x05): format 1 = 16-bit UUIDs, 2 = 128-bit. */
export function parseInformation(att: Uint8Array, table: GattTable): void {
  const size = att[1] === 1 ? 2 : att[1] === 2 ? 16 : 0;
  if (!size) return;
  for (let o = 2; o + 2 + size <= att.length; o += 2 + size) {
    const uuid = formatUuid(att, o + 2, size);
    if (uuid) table.addInformation(att[o]! | (att[o + 1]! << 8), uuid);
  }
}

/** Parses a Find By Type Value Response (0x07) to a service search: ranges of the requested service. */
export function parseFoundServices(att: Uint8Array, serviceUuid: string, table: GattTable): void {
  for (let o = 1; o + 4 <= att.length; o += 4) {
    table.addService(att[o]! | (att[o + 1]! << 8), att[o + 2]! | (att[o + 3]! << 8), serviceUuid);
  }
}
