// The BleClient on top of noble. noble's own objects (Noble, Peripheral, Service, Characteristic)
// are used as they are; only the binding layer below them differs (the OS adapter, or SimBindings).
import type { EventEmitter } from 'node:events';
import { InputError } from '../../../errors.js';
import type { BleClient, BleConnection, DiscoveredService, Notification, ScanOptions, ScannedDevice } from '../../client.js';
import { normalizeUuid } from '../../../gatt-names.js';
import { BluetoothUnavailable, classifyLoadError, classifyState, formatSeconds } from '../../unavailable.js';

// ---- the parts of noble's API this file uses (noble is optional: no compile-time dependency) ----
type Callback<T> = (error: unknown, value: T) => void;

export interface NobleLike extends EventEmitter {
  readonly state: string;
  startScanning(serviceUuids: string[], allowDuplicates: boolean, callback?: (error?: unknown) => void): void;
  stopScanning(callback?: () => void): void;
}

interface NoblePeripheral extends EventEmitter {
  id: string;
  address: string;
  connectable: boolean;
  rssi: number;
  state: string;
  advertisement: { localName?: string; serviceUuids?: string[]; manufacturerData?: Buffer };
  connect(callback: (error?: unknown) => void): void;
  cancelConnect(): void;
  disconnect(callback?: () => void): void;
  discoverServices(uuids: string[], callback: Callback<NobleService[]>): void;
}

interface NobleService extends EventEmitter {
  uuid: string;
  discoverCharacteristics(uuids: string[], callback: Callback<NobleCharacteristic[]>): void;
}

interface NobleCharacteristic extends EventEmitter {
  uuid: string;
  properties: string[];
  read(callback: Callback<Buffer>): void;
  write(data: Buffer, withoutResponse: boolean, callback: (error?: unknown) => void): void;
  subscribe(callback: (error?: unknown) => void): void;
  discoverDescriptors(callback: Callback<NobleDescriptor[]>): void;
}

interface NobleDescriptor {
  uuid: string;
  readValue(callback: Callback<Buffer>): void;
}

/** Raw characteristic of the 'characteristicsDiscovered' event: noble's hci-socket layer gives handles there. */
interface RawCharacteristic {
  uuid: string;
  valueHandle?: number;
}

// Module names in variables: TypeScript must not resolve them (noble is an optional dependency).
const NOBLE_DEFAULT = '@abandonware/noble';
const NOBLE_WITH_BINDINGS = '@abandonware/noble/with-bindings.js';

/** Loads noble with the OS bindings. Importing it opens the adapter, so errors are classified here. */
export async function loadSystemNoble(): Promise<NobleLike> {
  try {
    const mod = (await import(NOBLE_DEFAULT)) as { default: NobleLike };
    return mod.default;
  } catch (err) {
    throw classifyLoadError(err);
  }
}

/** noble's own code on top of the given bindings (the simulator, in tests and the demo). */
export async function loadNobleWithBindings(bindings: EventEmitter): Promise<NobleLike> {
  try {
    const mod = (await import(NOBLE_WITH_BINDINGS)) as { default: (b: unknown) => NobleLike };
    return mod.default(bindings);
  } catch (err) {
    throw classifyLoadError(err);
  }
}

const OPERATION_TIMEOUT_MS = 8000;

/** The lines lib/hci-socket/bindings.js prints on a bad adapter state. */
const NOBLE_ADVICE = /^(noble warning: adapter|\s+(or see README|https:\/\/github\.com\/sandeepmistry\/noble|Try to run with|\[sudo\] NOBLE_HCI_DEVICE_ID))/;

/** Resolves with the callback's value, or rejects after ms with a clear sentence. */
function withTimeout<T>(ms: number, what: string, start: (done: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new InputError(`${what} did not answer within ${formatSeconds(ms)}`)), ms);
    try {
      start((error, value) => {
        clearTimeout(timer);
        if (error) reject(error instanceof Error ? error : new InputError(`${what} failed: ${String(error)}`));
        else resolve(value);
      });
    } catch (err) {
      clearTimeout(timer);
      reject(err);
    }
  });
}

export interface NobleClientOptions {
  kind: 'noble' | 'simulated';
  /** Called by close() after noble is stopped (the simulator stops its timers there). */
  onClose?: () => void;
}

export class NobleClient implements BleClient {
  readonly kind: 'noble' | 'simulated';
  readonly holdsProcess: boolean;
  private readonly peripherals = new Map<string, NoblePeripheral>();
  private readonly connections = new Set<NobleConnection>();
  private scanning = false;
  private closed = false;

  constructor(
    private readonly noble: NobleLike,
    private readonly options: NobleClientOptions,
  ) {
    this.kind = options.kind;
    this.holdsProcess = options.kind === 'noble';
  }

  async ready(timeoutMs: number): Promise<void> {
    // noble's Linux bindings print their own advice for 'unauthorized'/'unsupported' on stdout; the
    // user gets ours (one sentence on stderr), and stdout stays clean for --json.
    const log = console.log;
    console.log = (...args: unknown[]) => {
      if (!NOBLE_ADVICE.test(String(args[0] ?? ''))) log(...args);
    };
    try {
      await this.waitForPowerOn(timeoutMs);
    } finally {
      console.log = log;
    }
  }

  private async waitForPowerOn(timeoutMs: number): Promise<void> {
    const noble = this.noble;
    await new Promise<void>((resolve, reject) => {
      let last = 'unknown';
      let grace: NodeJS.Timeout | null = null;
      const finish = (err?: Error) => {
        clearTimeout(timer);
        if (grace) clearTimeout(grace);
        noble.removeListener('stateChange', onState);
        noble.removeListener('warning', onWarning);
        if (err) reject(err);
        else resolve();
      };
      const onState = (state: string) => {
        last = state;
        if (grace) clearTimeout(grace);
        grace = null;
        if (state === 'poweredOn') finish();
        else if (state === 'unauthorized' || state === 'unsupported') finish(classifyState(state, timeoutMs));
        // 'poweredOff' can be a passing state while an adapter comes up: give it a moment.
        else if (state === 'poweredOff') grace = setTimeout(() => finish(classifyState(state, timeoutMs)), Math.min(1500, timeoutMs));
      };
      // noble reports a failed adapter initialisation (e.g. ENODEV) as a warning, not an error.
      const onWarning = (message: string) => {
        if (/initiali[sz]ation .* failed/i.test(message)) finish(classifyLoadError(new Error(message)));
      };
      const timer = setTimeout(() => finish(classifyState(last, timeoutMs)), timeoutMs);
      noble.on('warning', onWarning);
      noble.on('stateChange', onState); // the first stateChange listener makes noble initialise its bindings
      try {
        const now = noble.state;
        if (now === 'poweredOn') finish();
        else if (now !== 'unknown') onState(now);
      } catch (err) {
        finish(classifyLoadError(err));
      }
    });
  }

  async scan(options: ScanOptions): Promise<ScannedDevice[]> {
    const seen = new Map<string, ScannedDevice>();
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const stop = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', stop);
        this.noble.removeListener('discover', onDiscover);
        this.stopScanning();
        resolve();
      };
      const onDiscover = (p: NoblePeripheral) => {
        this.peripherals.set(p.id, p);
        const device = toScannedDevice(p, (seen.get(p.id)?.seen ?? 0) + 1);
        seen.set(p.id, device);
        try {
          options.onUpdate?.(device, [...seen.values()]);
          if (options.stopWhen?.(device)) stop();
        } catch (err) {
          stop();
          reject(err);
        }
      };
      const timer = setTimeout(stop, options.durationMs);
      if (options.signal?.aborted) return stop();
      options.signal?.addEventListener('abort', stop);
      this.noble.on('discover', onDiscover);
      this.scanning = true;
      this.noble.startScanning([], true, (error) => {
        if (error) {
          done = true;
          clearTimeout(timer);
          this.noble.removeListener('discover', onDiscover);
          this.scanning = false;
          reject(classifyState(this.noble.state, options.durationMs));
        }
      });
    });
    return [...seen.values()];
  }

  private stopScanning(): void {
    if (!this.scanning) return;
    this.scanning = false;
    try {
      this.noble.stopScanning();
    } catch {
      // Adapter already gone: nothing left to stop.
    }
  }

  async connect(device: ScannedDevice, timeoutMs: number): Promise<BleConnection> {
    const p = this.peripherals.get(device.id);
    if (!p) throw new InputError(`device ${device.address ?? device.id} was not seen in this scan`);
    const label = device.name ? `${device.name} (${device.address ?? device.id})` : (device.address ?? device.id);
    try {
      await withTimeout<void>(timeoutMs, `connecting to ${label}`, (done) => p.connect((error) => done(error, undefined)));
    } catch (err) {
      try {
        p.cancelConnect();
      } catch {
        // Nothing to cancel.
      }
      const why = err instanceof Error ? err.message : String(err);
      throw new InputError(
        `could not connect to ${label}: ${why}. BLE allows one central at a time: close the vendor app (and any other tool connected to it), move closer and try again`,
        { cause: err },
      );
    }
    const connection = new NobleConnection(device, p, () => this.connections.delete(connection));
    this.connections.add(connection);
    return connection;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopScanning();
    await Promise.all([...this.connections].map((c) => c.disconnect()));
    this.noble.removeAllListeners('discover');
    if (this.kind === 'noble') releaseAdapter(this.noble);
    this.options.onClose?.();
  }
}

/**
 * noble has no "close": on Linux its HCI layer polls the adapter every second and keeps the socket
 * open, which keeps Node alive. Stop both where they are reachable (best effort; the explore command
 * still ends the process itself, see BleClient.holdsProcess).
 */
function releaseAdapter(noble: NobleLike): void {
  try {
    const bindings = (noble as unknown as { _bindings?: { _hci?: { pollIsDevUp?: () => void; _socket?: { stop?: () => void } }; onSigIntBinded?: () => void } })._bindings;
    const hci = bindings?._hci;
    if (hci) {
      hci.pollIsDevUp = () => {}; // the pending poll runs once more and schedules nothing
      hci._socket?.stop?.();
    }
    if (bindings?.onSigIntBinded) process.removeListener('SIGINT', bindings.onSigIntBinded);
  } catch {
    // Internals differ on this platform: the command's explicit exit covers it.
  }
}

function toScannedDevice(p: NoblePeripheral, seen: number): ScannedDevice {
  const ad = p.advertisement ?? {};
  const address = p.address && p.address !== 'unknown' ? p.address.toLowerCase() : null;
  return {
    id: p.id,
    address,
    name: ad.localName?.replace(/\0+$/, '') || null,
    rssi: p.rssi,
    serviceUuids: (ad.serviceUuids ?? []).map(normalizeUuid),
    manufacturerData: ad.manufacturerData ? ad.manufacturerData.toString('hex') : null,
    connectable: p.connectable !== false,
    seen,
  };
}

class NobleConnection implements BleConnection {
  private services = new Map<string, NobleService>();
  private characteristics = new Map<string, NobleCharacteristic>();
  private handles = new Map<string, number>();
  private listeners: ((n: Notification) => void)[] = [];
  private subscribed = new Set<string>();
  private gone = false;
  private disconnecting: Promise<void> | null = null;

  constructor(
    readonly device: ScannedDevice,
    private readonly peripheral: NoblePeripheral,
    private readonly forget: () => void,
  ) {
    peripheral.once('disconnect', () => {
      this.gone = true;
      forget();
    });
  }

  get lost(): boolean {
    return this.gone && this.disconnecting === null;
  }

  private key(service: string, characteristic: string): string {
    return `${normalizeUuid(service)}/${normalizeUuid(characteristic)}`;
  }

  private what(action: string): string {
    return `${action} on ${this.device.name ?? this.device.address ?? this.device.id}`;
  }

  private live(): void {
    if (this.gone) throw new InputError(`the connection to ${this.device.name ?? this.device.address ?? this.device.id} was lost`);
  }

  async discover(): Promise<DiscoveredService[]> {
    this.live();
    const services = await withTimeout<NobleService[]>(OPERATION_TIMEOUT_MS, this.what('service discovery'), (done) =>
      this.peripheral.discoverServices([], done),
    );
    const result: DiscoveredService[] = [];
    for (const s of services) {
      this.services.set(normalizeUuid(s.uuid), s);
      const raw: RawCharacteristic[] = [];
      const onRaw = (list: RawCharacteristic[]) => raw.push(...list);
      s.once('characteristicsDiscovered', onRaw);
      const chars = await withTimeout<NobleCharacteristic[]>(OPERATION_TIMEOUT_MS, this.what(`characteristic discovery of ${s.uuid}`), (done) =>
        s.discoverCharacteristics([], done),
      ).finally(() => s.removeListener('characteristicsDiscovered', onRaw));
      const out: DiscoveredService = { uuid: normalizeUuid(s.uuid), characteristics: [] };
      for (const c of chars) {
        const key = this.key(s.uuid, c.uuid);
        this.characteristics.set(key, c);
        const handle = raw.find((r) => r.uuid === c.uuid)?.valueHandle ?? null;
        if (handle !== null) this.handles.set(key, handle);
        const descriptors = await withTimeout<NobleDescriptor[]>(OPERATION_TIMEOUT_MS, this.what(`descriptor discovery of ${c.uuid}`), (done) =>
          c.discoverDescriptors(done),
        );
        out.characteristics.push({
          uuid: normalizeUuid(c.uuid),
          handle,
          properties: [...c.properties],
          descriptors: descriptors.map((d) => ({ uuid: normalizeUuid(d.uuid), handle: null })),
        });
      }
      result.push(out);
    }
    return result;
  }

  private char(service: string, characteristic: string): NobleCharacteristic {
    this.live();
    const c = this.characteristics.get(this.key(service, characteristic));
    if (!c) throw new InputError(`characteristic ${characteristic} of service ${service} is not on ${this.device.name ?? this.device.id}`);
    return c;
  }

  async read(service: string, characteristic: string): Promise<Uint8Array> {
    const c = this.char(service, characteristic);
    const value = await withTimeout<Buffer>(OPERATION_TIMEOUT_MS, this.what(`reading ${characteristic}`), (done) => c.read(done));
    return new Uint8Array(value);
  }

  async readDescriptor(service: string, characteristic: string, descriptor: string): Promise<Uint8Array> {
    const c = this.char(service, characteristic);
    const d = (c as unknown as { descriptors: NobleDescriptor[] | null }).descriptors?.find((x) => normalizeUuid(x.uuid) === normalizeUuid(descriptor));
    if (!d) throw new InputError(`descriptor ${descriptor} of ${characteristic} is not on ${this.device.name ?? this.device.id}`);
    const value = await withTimeout<Buffer>(OPERATION_TIMEOUT_MS, this.what(`reading descriptor ${descriptor}`), (done) => d.readValue(done));
    return new Uint8Array(value);
  }

  async subscribe(service: string, characteristic: string): Promise<void> {
    const c = this.char(service, characteristic);
    const key = this.key(service, characteristic);
    if (this.subscribed.has(key)) return;
    this.subscribed.add(key);
    const handle = this.handles.get(key) ?? null;
    c.on('data', (data: Buffer, isNotification: boolean) => {
      if (!isNotification) return;
      const n: Notification = {
        service: normalizeUuid(service),
        characteristic: normalizeUuid(characteristic),
        handle,
        value: new Uint8Array(data),
        t: Date.now() * 1000,
      };
      for (const l of this.listeners) l(n);
    });
    await withTimeout<void>(OPERATION_TIMEOUT_MS, this.what(`subscribing to ${characteristic}`), (done) => c.subscribe((e) => done(e, undefined)));
  }

  onNotification(listener: (n: Notification) => void): void {
    this.listeners.push(listener);
  }

  async write(service: string, characteristic: string, value: Uint8Array, withoutResponse: boolean): Promise<void> {
    const c = this.char(service, characteristic);
    // For a Write Command noble calls back once the adapter took it; for a Write Request on the answer.
    await withTimeout<void>(OPERATION_TIMEOUT_MS, this.what(`writing ${characteristic}`), (done) =>
      c.write(Buffer.from(value), withoutResponse, (e) => done(e, undefined)),
    );
  }

  handleOf(service: string, characteristic: string): number | null {
    return this.handles.get(this.key(service, characteristic)) ?? null;
  }

  disconnect(): Promise<void> {
    if (this.disconnecting) return this.disconnecting;
    this.disconnecting = (async () => {
      for (const c of this.characteristics.values()) c.removeAllListeners('data');
      if (this.gone) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000); // an adapter that never confirms must not hold the exit
        try {
          this.peripheral.disconnect(() => {
            clearTimeout(timer);
            resolve();
          });
        } catch {
          clearTimeout(timer);
          resolve();
        }
      });
      this.gone = true;
      this.forget();
    })();
    return this.disconnecting;
  }
}

export { BluetoothUnavailable };

/** noble with the OS bindings. `load` is replaceable so tests can make the import fail as it does in the field. */
export async function openSystemClient(load: () => Promise<NobleLike> = loadSystemNoble): Promise<BleClient> {
  let noble: NobleLike;
  try {
    noble = await load();
  } catch (err) {
    throw err instanceof InputError ? err : classifyLoadError(err);
  }
  return new NobleClient(noble, { kind: 'noble' });
}

