// Names for GATT UUIDs (standard ones and the vendor services BMS Bluetooth modules use), and the
// rule that points at the likely notify/write pair of the vendor service.
import type { GattCharacteristic, GattService } from './model.js';

const BASE_SUFFIX = '-0000-1000-8000-00805f9b34fb';

/**
 * Lowercase; 16- and 32-bit UUIDs of the Bluetooth base as 4 (or 8) hex digits, others as
 * 32 hex digits without dashes (noble's spelling). Accepts "0xFF01", "FF01", "0000ff01-0000-1000-8000-00805f9b34fb".
 */
export function normalizeUuid(uuid: string): string {
  let u = uuid.trim().toLowerCase().replace(/^0x/, '');
  if (u.length === 36 && u.endsWith(BASE_SUFFIX)) u = u.slice(0, 8);
  u = u.replace(/-/g, '');
  if (u.length === 32 && u.endsWith(BASE_SUFFIX.replace(/-/g, ''))) u = u.slice(0, 8);
  if (u.length === 8 && u.startsWith('0000')) u = u.slice(4);
  return u;
}

/** "ff01" → "FF01"; 128-bit → the dashed form. For display only. */
export function displayUuid(uuid: string): string {
  const u = normalizeUuid(uuid);
  if (u.length === 32) return `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`;
  return u.toUpperCase();
}

/** Vendor services seen on BMS Bluetooth modules, with the roles of their characteristics. */
export interface VendorService {
  service: string;
  name: string;
  /** Characteristic UUIDs the device notifies on. */
  notify: string[];
  /** Characteristic UUIDs the app writes queries to. */
  write: string[];
  /** Protocol ids (as in src/sim/ and the read-only query list) that use this service. */
  protocols: string[];
}

export const VENDOR_SERVICES: VendorService[] = [
  { service: 'ff00', name: 'JBD / Xiaoxiang BMS', notify: ['ff01'], write: ['ff02'], protocols: ['jbd'] },
  { service: 'ffe0', name: 'JK BMS / ANT / HM-10 serial', notify: ['ffe1'], write: ['ffe1', 'ffe2'], protocols: ['jk', 'ant'] },
  { service: 'fff0', name: 'Daly / Seplos V3 serial', notify: ['fff1'], write: ['fff2'], protocols: ['daly', 'daly-modbus', 'seplos'] },
  { service: 'ffd0', name: 'Renogy BT write service', notify: [], write: ['ffd1'], protocols: [] },
  {
    service: '6e400001b5a3f393e0a9e50e24dcca9e',
    name: 'Nordic UART',
    notify: ['6e400003b5a3f393e0a9e50e24dcca9e'],
    write: ['6e400002b5a3f393e0a9e50e24dcca9e'],
    protocols: [],
  },
  {
    service: '49535343fe7d4ae58fa99fafd205e455',
    name: 'Microchip transparent UART',
    notify: ['495353431e4d4bd9ba6123c647249616'],
    write: ['49535343884143f4a8d4ecbe34729bb3'],
    protocols: [],
  },
  { service: '659700004bda4c1eaf4b551c4cf74769', name: 'Victron VE.Smart', notify: [], write: [], protocols: [] },
];

const SERVICE_NAMES: Record<string, string> = {
  '1800': 'Generic Access',
  '1801': 'Generic Attribute',
  '180a': 'Device Information',
  '180f': 'Battery Service',
  '1805': 'Current Time',
  fe59: 'Nordic DFU',
  ...Object.fromEntries(VENDOR_SERVICES.map((v) => [v.service, v.name])),
};

const CHARACTERISTIC_NAMES: Record<string, string> = {
  '2a00': 'Device Name',
  '2a01': 'Appearance',
  '2a02': 'Peripheral Privacy Flag',
  '2a04': 'Peripheral Preferred Connection Parameters',
  '2a05': 'Service Changed',
  '2aa6': 'Central Address Resolution',
  '2ac9': 'Resolvable Private Address Only',
  '2b29': 'Client Supported Features',
  '2b2a': 'Database Hash',
  '2a19': 'Battery Level',
  '2a23': 'System ID',
  '2a24': 'Model Number String',
  '2a25': 'Serial Number String',
  '2a26': 'Firmware Revision String',
  '2a27': 'Hardware Revision String',
  '2a28': 'Software Revision String',
  '2a29': 'Manufacturer Name String',
  '2a50': 'PnP ID',
  ff01: 'JBD notify',
  ff02: 'JBD write',
  ffe1: 'JK / HM-10 serial (notify + write)',
  ffe2: 'HM-10 serial write',
  fff1: 'Daly / Seplos notify',
  fff2: 'Daly / Seplos write',
  ffd1: 'Renogy write',
  '6e400002b5a3f393e0a9e50e24dcca9e': 'Nordic UART RX (write)',
  '6e400003b5a3f393e0a9e50e24dcca9e': 'Nordic UART TX (notify)',
  '495353431e4d4bd9ba6123c647249616': 'Microchip UART TX (notify)',
  '49535343884143f4a8d4ecbe34729bb3': 'Microchip UART RX (write)',
};

const DESCRIPTOR_NAMES: Record<string, string> = {
  '2900': 'Characteristic Extended Properties',
  '2901': 'Characteristic User Description',
  '2902': 'Client Characteristic Configuration',
  '2903': 'Server Characteristic Configuration',
  '2904': 'Characteristic Presentation Format',
  '2905': 'Characteristic Aggregate Format',
};

/** Bluetooth SIG company identifiers seen on BMS modules (first two bytes of manufacturer data, little-endian). */
const COMPANY_NAMES: Record<number, string> = {
  0x02e1: 'Victron Energy',
  0x004c: 'Apple',
  0x0006: 'Microsoft',
  0x0059: 'Nordic Semiconductor',
  0x000d: 'Texas Instruments',
};

export function serviceName(uuid: string): string | null {
  return SERVICE_NAMES[normalizeUuid(uuid)] ?? null;
}

export function characteristicName(uuid: string): string | null {
  return CHARACTERISTIC_NAMES[normalizeUuid(uuid)] ?? null;
}

export function descriptorName(uuid: string): string | null {
  return DESCRIPTOR_NAMES[normalizeUuid(uuid)] ?? null;
}

export function companyName(manufacturerData: Uint8Array | null): string | null {
  if (!manufacturerData || manufacturerData.length < 2) return null;
  return COMPANY_NAMES[manufacturerData[0]! | (manufacturerData[1]! << 8)] ?? null;
}

export function vendorService(uuid: string): VendorService | null {
  const u = normalizeUuid(uuid);
  return VENDOR_SERVICES.find((v) => v.service === u) ?? null;
}

/** True when an advertisement looks like a BMS: a known vendor service, or a name BMS modules use. */
export function looksLikeBms(serviceUuids: string[], name: string | null): boolean {
  if (serviceUuids.some((s) => vendorService(s) !== null)) return true;
  return name !== null && (/\b(bms|jbd|jk[-_]?b|jk_|daly|xiaoxiang|sp\d+s|seplos|ant[-_]|smart ?bms|lifepo|battery)/i.test(name) || /^DL-[0-9A-F]{6,}/i.test(name));
}

/** The characteristics to subscribe to and to write queries to, and why. */
export interface GattPair {
  service: string;
  notify: string;
  write: string;
  /** Value handles when the platform gives them. */
  notifyHandle: number | null;
  writeHandle: number | null;
  /** "JBD / Xiaoxiang BMS (FF00)" or "vendor service FFAA (guessed from properties)". */
  reason: string;
  /** Protocol ids this service is known for ([] when guessed). */
  protocols: string[];
}

const STANDARD_SERVICE = /^(18[0-9a-f]{2}|fe[0-9a-f]{2})$/;

/**
 * The likely notify/write pair: a known vendor service first (its documented characteristics);
 * otherwise the first non-standard service with a notify and a write characteristic.
 */
export function likelyPair(services: GattService[]): GattPair | null {
  const canNotify = (c: GattCharacteristic) => c.properties.includes('notify') || c.properties.includes('indicate');
  const canWrite = (c: GattCharacteristic) => c.properties.includes('write') || c.properties.includes('writeWithoutResponse');
  const pick = (s: GattService, notify: GattCharacteristic | undefined, write: GattCharacteristic | undefined, reason: string, protocols: string[]): GattPair | null =>
    notify && write
      ? { service: normalizeUuid(s.uuid), notify: normalizeUuid(notify.uuid), write: normalizeUuid(write.uuid), notifyHandle: notify.handle, writeHandle: write.handle, reason, protocols }
      : null;

  for (const s of services) {
    const known = vendorService(s.uuid);
    if (!known) continue;
    const byUuid = (list: string[], ok: (c: GattCharacteristic) => boolean) =>
      list.map((u) => s.characteristics.find((c) => normalizeUuid(c.uuid) === u && ok(c))).find((c) => c !== undefined);
    const found = pick(s, byUuid(known.notify, canNotify), byUuid(known.write, canWrite), `${known.name} (${displayUuid(s.uuid)})`, known.protocols);
    if (found) return found;
  }
  for (const s of services) {
    if (STANDARD_SERVICE.test(normalizeUuid(s.uuid))) continue;
    const notify = s.characteristics.find(canNotify);
    // Prefer a write characteristic other than the notify one; a shared one (HM-10 style) is fine.
    const write = s.characteristics.find((c) => canWrite(c) && c !== notify) ?? s.characteristics.find(canWrite);
    const found = pick(s, notify, write, `vendor service ${displayUuid(s.uuid)} (guessed from properties)`, []);
    if (found) return found;
  }
  return null;
}
