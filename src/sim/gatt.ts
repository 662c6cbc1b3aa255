// The attribute table of a simulated device: services, characteristics and descriptors with handles
// laid out the way a real GATT server does (declaration, value, then descriptors).
import type { GattService } from '../model.js';

export interface SimDescriptor {
  uuid: string;
  handle: number;
  value: Uint8Array;
}

export interface SimCharacteristic {
  uuid: string;
  name: string | null;
  /** Handle of the characteristic declaration (0x2803); the value follows at declHandle + 1. */
  declHandle: number;
  handle: number;
  properties: string[];
  /** Value returned to Read Requests (static), when readable. */
  value: Uint8Array | null;
  descriptors: SimDescriptor[];
}

export interface SimService {
  uuid: string;
  name: string | null;
  startHandle: number;
  endHandle: number;
  characteristics: SimCharacteristic[];
}

export interface SimGatt {
  services: SimService[];
  /** The vendor service and the characteristics the app uses. */
  service: string;
  notify: string;
  write: string;
  notifyHandle: number;
  writeHandle: number;
  cccdHandle: number;
  /** The ATT_MTU the device offers in an MTU exchange. */
  serverMtu: number;
}

export interface CharSpec {
  uuid: string;
  name?: string;
  properties: string[];
  value?: Uint8Array | string;
  /** Adds a Characteristic User Description (0x2901) with this text. */
  userDescription?: string;
}
export interface ServiceSpec {
  uuid: string;
  name?: string;
  /** Jump to this handle (real servers leave gaps). */
  start?: number;
  chars: CharSpec[];
}

const PROPERTY_BITS: Record<string, number> = {
  broadcast: 0x01,
  read: 0x02,
  writeWithoutResponse: 0x04,
  write: 0x08,
  notify: 0x10,
  indicate: 0x20,
  authenticatedSignedWrites: 0x40,
  extendedProperties: 0x80,
};

export function propertyByte(properties: string[]): number {
  return properties.reduce((a, p) => a | (PROPERTY_BITS[p] ?? 0), 0);
}

/** Lays out handles from 1 and finds the app's notify/write characteristics and CCCD. */
export function buildGatt(
  specs: ServiceSpec[],
  roles: { service: string; notify: string; write: string; serverMtu: number },
): SimGatt {
  let h = 1;
  const services: SimService[] = [];
  for (const s of specs) {
    if (s.start !== undefined && s.start > h) h = s.start;
    const svc: SimService = { uuid: s.uuid, name: s.name ?? null, startHandle: h++, endHandle: 0, characteristics: [] };
    for (const c of s.chars) {
      const decl = h++;
      const ch: SimCharacteristic = {
        uuid: c.uuid,
        name: c.name ?? null,
        declHandle: decl,
        handle: h++,
        properties: c.properties,
        value: c.value === undefined ? null : typeof c.value === 'string' ? Buffer.from(c.value, 'utf8') : c.value,
        descriptors: [],
      };
      if (c.properties.includes('notify') || c.properties.includes('indicate')) {
        ch.descriptors.push({ uuid: '2902', handle: h++, value: new Uint8Array(2) });
      }
      if (c.userDescription) {
        ch.descriptors.push({ uuid: '2901', handle: h++, value: Buffer.from(c.userDescription, 'utf8') });
      }
      svc.characteristics.push(ch);
    }
    svc.endHandle = h - 1;
    services.push(svc);
  }
  const svc = services.find((s) => s.uuid === roles.service);
  const notify = svc?.characteristics.find((c) => c.uuid === roles.notify && c.properties.includes('notify'));
  const write = svc?.characteristics.find(
    (c) => c.uuid === roles.write && (c.properties.includes('write') || c.properties.includes('writeWithoutResponse')),
  );
  const cccd = notify?.descriptors.find((d) => d.uuid === '2902');
  if (!notify || !write || !cccd) throw new Error(`GATT layout lacks the ${roles.service} notify/write pair`);
  return {
    services,
    service: roles.service,
    notify: roles.notify,
    write: roles.write,
    notifyHandle: notify.handle,
    writeHandle: write.handle,
    cccdHandle: cccd.handle,
    serverMtu: roles.serverMtu,
  };
}

/** The standard GAP and GATT services every device has (handles 1–9). */
export function standardServices(deviceName: string): ServiceSpec[] {
  return [
    {
      uuid: '1800',
      name: 'Generic Access',
      chars: [
        { uuid: '2a00', name: 'Device Name', properties: ['read'], value: deviceName },
        { uuid: '2a01', name: 'Appearance', properties: ['read'], value: new Uint8Array([0, 0]) },
      ],
    },
    {
      uuid: '1801',
      name: 'Generic Attribute',
      chars: [{ uuid: '2a05', name: 'Service Changed', properties: ['indicate'] }],
    },
  ];
}

/** The same table in the shared model's shape (for explore/export and the simulated peripherals). */
export function toModelGatt(g: SimGatt): GattService[] {
  const hex = (v: Uint8Array | null) => (v ? Buffer.from(v).toString('hex') : null);
  return g.services.map((s) => ({
    uuid: s.uuid,
    name: s.name,
    characteristics: s.characteristics.map((c) => ({
      uuid: c.uuid,
      name: c.name,
      handle: c.handle,
      properties: [...c.properties],
      value: c.properties.includes('read') ? hex(c.value) : null,
      descriptors: c.descriptors.map((d) => ({ uuid: d.uuid, handle: d.handle, value: hex(d.value) })),
    })),
  }));
}

/** 16-bit UUIDs are 4 hex digits; 128-bit UUIDs are the dashed form. Returns the ATT (little-endian) bytes. */
export function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  return Uint8Array.from(Buffer.from(hex, 'hex')).reverse();
}
