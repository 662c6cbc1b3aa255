// One client interface for live Bluetooth LE, whatever runs underneath (noble on the real adapter,
// noble on simulated bindings). Like bleak's BaseBleakClient: the rest of the tool sees only this.

/** A device seen while scanning. */
export interface ScannedDevice {
  /** Backend id used to connect (noble's peripheral id). */
  id: string;
  /** aa:bb:cc:dd:ee:ff (lowercase), or null when the platform hides it (macOS). */
  address: string | null;
  name: string | null;
  rssi: number;
  /** Advertised service UUIDs, normalised (see gatt-names normalizeUuid). */
  serviceUuids: string[];
  /** Manufacturer specific data (company id first, little-endian), lowercase hex, or null. */
  manufacturerData: string | null;
  connectable: boolean;
  /** Times this device was heard during the scan. */
  seen: number;
}

export interface ScanOptions {
  /** How long to scan at most. */
  durationMs: number;
  /** Called on every advertisement (new device or update): for the live list. */
  onUpdate?(device: ScannedDevice, all: ScannedDevice[]): void;
  /** Stop early when this returns true (e.g. the device asked for by name has been seen). */
  stopWhen?(device: ScannedDevice): boolean;
  /** Stop early when aborted (Ctrl+C, or the user picked a device from the live list). */
  signal?: AbortSignal;
}

/** A characteristic as discovered (values are read separately). */
export interface DiscoveredCharacteristic {
  uuid: string;
  /** Value handle when the platform gives it. */
  handle: number | null;
  properties: string[];
  descriptors: { uuid: string; handle: number | null }[];
}

export interface DiscoveredService {
  uuid: string;
  characteristics: DiscoveredCharacteristic[];
}

/** A notification or indication as it arrived. */
export interface Notification {
  service: string;
  characteristic: string;
  handle: number | null;
  value: Uint8Array;
  /** µs since the Unix epoch. */
  t: number;
}

export interface BleConnection {
  readonly device: ScannedDevice;
  /** Every service, characteristic and descriptor (no values). */
  discover(): Promise<DiscoveredService[]>;
  read(service: string, characteristic: string): Promise<Uint8Array>;
  readDescriptor(service: string, characteristic: string, descriptor: string): Promise<Uint8Array>;
  /** Turns notifications (or indications) on; every value goes to the connection's listeners. */
  subscribe(service: string, characteristic: string): Promise<void>;
  onNotification(listener: (n: Notification) => void): void;
  write(service: string, characteristic: string, value: Uint8Array, withoutResponse: boolean): Promise<void>;
  /** Safe to call twice, and after the device went away. */
  disconnect(): Promise<void>;
  /** Set when the device dropped the link by itself. */
  readonly lost: boolean;
}

export interface BleClient {
  /** 'noble' (a real adapter) or 'simulated'. */
  readonly kind: 'noble' | 'simulated';
  /** Resolves when the adapter is powered on; throws BluetoothUnavailable otherwise (within timeoutMs). */
  ready(timeoutMs: number): Promise<void>;
  scan(options: ScanOptions): Promise<ScannedDevice[]>;
  connect(device: ScannedDevice, timeoutMs: number): Promise<BleConnection>;
  /** Stops scanning, closes every connection, releases the adapter. Safe to call twice. */
  close(): Promise<void>;
  /**
   * true when the backend keeps the process alive after close() (noble's HCI socket polls the
   * adapter forever): the command must end the process itself once its output is written.
   */
  readonly holdsProcess: boolean;
}
