// Scan, pick, connect, and read the whole GATT table of a device. Reads only: never writes.
import { InputError } from '../errors.js';
import { toHex } from '../hex.js';
import type { GattService } from '../model.js';
import type { BleClient, BleConnection, ScannedDevice } from './client.js';
import { characteristicName, likelyPair, looksLikeBms, normalizeUuid, serviceName, type GattPair } from '../gatt-names.js';
import { visible } from '../text-safe.js';

export interface DeviceFilter {
  /** Part of the advertised name, case-insensitive. */
  name?: string;
  /** Full address (any case, ':' or '-' separators) or noble's peripheral id. */
  address?: string;
}

function cleanAddress(a: string): string {
  return a.toLowerCase().replace(/[^0-9a-f]/g, '');
}

export function matchesFilter(d: ScannedDevice, f: DeviceFilter): boolean {
  if (f.address) {
    const want = cleanAddress(f.address);
    if (cleanAddress(d.address ?? '') !== want && cleanAddress(d.id) !== want) return false;
  }
  if (f.name && !(d.name ?? '').toLowerCase().includes(f.name.toLowerCase())) return false;
  return true;
}

export function isBmsLike(d: ScannedDevice): boolean {
  return looksLikeBms(d.serviceUuids, d.name);
}

/** BMS-looking first, then by signal strength: the order of the pick list. */
export function rankDevices(devices: ScannedDevice[]): ScannedDevice[] {
  return [...devices].sort((a, b) => Number(isBmsLike(b)) - Number(isBmsLike(a)) || b.rssi - a.rssi);
}

/**
 * The device to use without asking: the strongest match of the filter, or (no filter) the strongest
 * BMS-looking device. null when there is none.
 */
export function chooseDevice(devices: ScannedDevice[], filter: DeviceFilter): ScannedDevice | null {
  const hasFilter = Boolean(filter.name || filter.address);
  const pool = hasFilter ? devices.filter((d) => matchesFilter(d, filter)) : devices.filter(isBmsLike);
  return rankDevices(pool)[0] ?? null;
}

/** One line per device for messages: "JBD-SP04S034-1234 a4:c1:38:…  -58 dBm  FF00". */
export function describeDevice(d: ScannedDevice): string {
  const services = d.serviceUuids.length ? ` services ${d.serviceUuids.map((s) => s.toUpperCase()).join(',')}` : '';
  return `${d.name ? visible(d.name) : '(no name)'} ${visible(d.address ?? d.id)} ${d.rssi} dBm${services}`;
}

/** The message when the scan found nothing usable. */
export function nothingFound(devices: ScannedDevice[], filter: DeviceFilter, seconds: number): InputError {
  const wanted = filter.address ? `device ${filter.address}` : filter.name ? `device named like '${filter.name}'` : 'BMS-looking device';
  const seen = devices.length
    ? ` Seen: ${rankDevices(devices)
        .slice(0, 5)
        .map(describeDevice)
        .join('; ')}${devices.length > 5 ? `; and ${devices.length - 5} more` : ''}.`
    : ' No device was heard at all.';
  return new InputError(
    `no ${wanted} found in ${seconds} s of scanning.${seen} A BMS module stops advertising while a phone is connected: close the vendor app, then try again (or choose with --name/--address, or scan longer with --timeout)`,
  );
}

/** "Hello" for values that are mostly printable ASCII, else null. */
export function printableText(hex: string | null): string | null {
  if (!hex) return null;
  const bytes = Buffer.from(hex, 'hex');
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--; // C strings end in NULs
  if (end === 0) return null;
  let printable = 0;
  for (let i = 0; i < end; i++) if (bytes[i]! >= 0x20 && bytes[i]! < 0x7f) printable++;
  if (printable / end < 0.8) return null;
  return bytes.subarray(0, end).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}

/** Every service, characteristic and descriptor of a connected device, with every readable value read. */
export async function readGattTable(connection: BleConnection): Promise<GattService[]> {
  const discovered = await connection.discover();
  const services: GattService[] = [];
  for (const s of discovered) {
    const service: GattService = { uuid: normalizeUuid(s.uuid), name: serviceName(s.uuid), characteristics: [] };
    for (const c of s.characteristics) {
      let value: string | null = null;
      if (c.properties.includes('read')) {
        try {
          value = toHex(await connection.read(s.uuid, c.uuid));
        } catch (err) {
          if (connection.lost) throw err;
          value = null; // a read refused by the device (authentication, ATT error) is not fatal
        }
      }
      const descriptors = [];
      for (const d of c.descriptors) {
        let dv: string | null = null;
        try {
          dv = toHex(await connection.readDescriptor(s.uuid, c.uuid, d.uuid));
        } catch (err) {
          if (connection.lost) throw err;
        }
        descriptors.push({ uuid: normalizeUuid(d.uuid), handle: d.handle, value: dv });
      }
      service.characteristics.push({
        uuid: normalizeUuid(c.uuid),
        name: characteristicName(c.uuid),
        handle: c.handle,
        properties: [...c.properties],
        value,
        descriptors,
      });
    }
    services.push(service);
  }
  return services;
}

export interface ExploreResult {
  device: ScannedDevice;
  services: GattService[];
  /** The likely notify/write pair, or null when no service has one. */
  pair: GattPair | null;
}

/** Connects, reads the table, disconnects. */
export async function exploreDevice(client: BleClient, device: ScannedDevice, connectTimeoutMs: number): Promise<ExploreResult> {
  const connection = await client.connect(device, connectTimeoutMs);
  try {
    const services = await readGattTable(connection);
    return { device, services, pair: likelyPair(services) };
  } finally {
    await connection.disconnect();
  }
}

export interface ScanForOptions {
  durationMs: number;
  filter: DeviceFilter;
  /**
   * Stop this long after the first device that would be chosen without asking was seen
   * (null: scan the whole duration, e.g. to offer a full list to pick from).
   */
  settleMs: number | null;
  onUpdate?(device: ScannedDevice, all: ScannedDevice[]): void;
  signal?: AbortSignal;
}

/** Scans, stopping early once the wanted device has been seen (and a little longer to compare RSSI). */
export async function scanFor(client: BleClient, options: ScanForOptions): Promise<ScannedDevice[]> {
  let firstHit: number | null = null;
  return client.scan({
    durationMs: options.durationMs,
    onUpdate: options.onUpdate,
    signal: options.signal,
    stopWhen: (d) => {
      if (options.settleMs === null) return false;
      const hit = options.filter.name || options.filter.address ? matchesFilter(d, options.filter) : isBmsLike(d);
      if (hit && firstHit === null) firstHit = Date.now();
      return firstHit !== null && Date.now() - firstHit >= options.settleMs;
    },
  });
}
