// A stand-in for noble's OS binding layer (what lib/hci-socket/bindings.js is on Linux): it
// emulates a Bluetooth controller with simulated peripherals. noble's own JavaScript (Noble,
// Peripheral, Service, Characteristic) runs unchanged on top, through the with-bindings hook.
import { EventEmitter } from 'node:events';

/** Adapter states noble knows; 'silent' never reports one (a hung adapter). */
export type SimAdapterState = 'poweredOn' | 'poweredOff' | 'unauthorized' | 'unsupported' | 'silent';

export interface SimDescriptorDef {
  uuid: string;
  handle: number;
  value: Uint8Array;
}

export interface SimCharacteristicDef {
  uuid: string;
  /** noble property names: 'read', 'write', 'writeWithoutResponse', 'notify', 'indicate'… */
  properties: string[];
  declarationHandle: number;
  valueHandle: number;
  descriptors: SimDescriptorDef[];
}

export interface SimServiceDef {
  uuid: string;
  startHandle: number;
  endHandle: number;
  characteristics: SimCharacteristicDef[];
}

/** What a simulated peripheral must do; the bindings handle the controller and ATT plumbing. */
export interface SimPeripheral {
  /** aa:bb:cc:dd:ee:ff (lowercase). */
  readonly address: string;
  readonly name: string;
  readonly rssi: number;
  /** Advertised service UUIDs (noble spelling: 'ff00', or 32 hex digits). */
  readonly advertisedServices: string[];
  readonly manufacturerData: Uint8Array | null;
  readonly services: SimServiceDef[];
  /** Value of a readable characteristic now. */
  read(valueHandle: number): Uint8Array;
  /** A value written by the central; answers go out through the sink given to connect(). */
  write(valueHandle: number, value: Uint8Array): void;
  /** Notifications on/off for a value handle (the central wrote the CCCD). */
  setNotify(valueHandle: number, on: boolean): void;
  /** The link is up: notifications go to sink. */
  connect(sink: (valueHandle: number, value: Uint8Array) => void): void;
  /** The link is down (either side): stop timers, forget subscriptions. */
  disconnect(): void;
}

export interface SimBindingsOptions {
  state?: SimAdapterState;
  peripherals: SimPeripheral[];
  /** Interval between repeated advertisements while scanning. */
  advertiseIntervalMs?: number;
  /** Connection set-up time. */
  connectDelayMs?: number;
  /** Addresses that refuse connections (the vendor app holds the only link). */
  refuseConnect?: string[];
}

function noble_id(address: string): string {
  return address.replace(/:/g, '').toLowerCase();
}

export class SimBindings extends EventEmitter {
  private readonly opts: Required<Omit<SimBindingsOptions, 'refuseConnect'>> & { refuseConnect: string[] };
  private readonly byId = new Map<string, SimPeripheral>();
  private readonly connected = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private advertiser: NodeJS.Timeout | null = null;
  private scanFilter: string[] = [];
  /** Writes the central made, for tests that prove nothing was written. */
  readonly writes: { id: string; handle: number; value: Uint8Array; withoutResponse: boolean }[] = [];

  constructor(options: SimBindingsOptions) {
    super();
    this.opts = {
      state: options.state ?? 'poweredOn',
      peripherals: options.peripherals,
      advertiseIntervalMs: options.advertiseIntervalMs ?? 50,
      connectDelayMs: options.connectDelayMs ?? 5,
      refuseConnect: (options.refuseConnect ?? []).map((a) => a.toLowerCase()),
    };
    for (const p of options.peripherals) this.byId.set(noble_id(p.address), p);
  }

  /** Runs fn later like a controller event would arrive; every timer is cleared by shutdown(). */
  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  // ---- adapter ----
  init(): void {
    if (this.opts.state === 'silent') return;
    this.later(1, () => {
      this.emit('addressChange', '00:11:22:33:44:55');
      // Like lib/hci-socket/bindings.js, which prints its own advice on stdout for these states.
      if (this.opts.state === 'unauthorized') console.log('noble warning: adapter state unauthorized, please run as root or with sudo');
      if (this.opts.state === 'unsupported') console.log('noble warning: adapter does not support Bluetooth Low Energy (BLE, Bluetooth Smart).');
      this.emit('stateChange', this.opts.state);
    });
  }

  setScanParameters(): void {
    this.later(0, () => this.emit('scanParametersSet'));
  }

  reset(): void {
    this.shutdown();
  }

  /** Stops every timer and drops every link (so nothing keeps the process alive). */
  shutdown(): void {
    this.stopAdvertising();
    for (const id of [...this.connected]) this.dropLink(id, false);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ---- scanning ----
  startScanning(serviceUuids: string[] | undefined, allowDuplicates: boolean): void {
    this.scanFilter = (serviceUuids ?? []).map((u) => u.toLowerCase());
    this.stopAdvertising();
    this.later(0, () => {
      this.emit('scanStart', !allowDuplicates);
      this.advertiseAll(0);
      this.advertiser = setInterval(() => this.advertiseAll(1), this.opts.advertiseIntervalMs);
    });
  }

  stopScanning(): void {
    this.stopAdvertising();
    this.later(0, () => this.emit('scanStop'));
  }

  private stopAdvertising(): void {
    if (this.advertiser) clearInterval(this.advertiser);
    this.advertiser = null;
  }

  private round = 0;
  private advertiseAll(jitter: number): void {
    this.round++;
    for (const [id, p] of this.byId) {
      if (this.connected.has(id)) continue; // a connected BMS module stops advertising
      if (this.scanFilter.length && !p.advertisedServices.some((s) => this.scanFilter.includes(s))) continue;
      const advertisement = {
        localName: p.name,
        txPowerLevel: undefined,
        manufacturerData: p.manufacturerData ? Buffer.from(p.manufacturerData) : undefined,
        serviceData: [],
        serviceUuids: [...p.advertisedServices],
        solicitationServiceUuids: [],
      };
      // RSSI wobbles by a few dB like a real radio; deterministic so tests can rely on the order.
      const rssi = p.rssi + (jitter ? ((this.round * 7 + id.length) % 5) - 2 : 0);
      this.emit('discover', id, p.address, 'public', true, advertisement, rssi, true);
    }
  }

  // ---- links ----
  connect(id: string): void {
    const p = this.byId.get(id);
    this.later(this.opts.connectDelayMs, () => {
      if (!p) {
        this.emit('connect', id, new Error('Connection Failed to be Established (0x3e)'));
        return;
      }
      if (this.opts.refuseConnect.includes(p.address.toLowerCase())) {
        this.emit('connect', id, new Error('Connection Failed to be Established (0x3e)'));
        return;
      }
      this.connected.add(id);
      p.connect((valueHandle, value) => this.deliver(id, valueHandle, value));
      this.emit('onMtu', id, 23);
      this.emit('connect', id, null);
    });
  }

  cancelConnect(): void {}

  disconnect(id: string): void {
    this.later(1, () => this.dropLink(id, true));
  }

  /** The peripheral goes away (out of range, powered down): tests use it to cut a link. */
  dropPeripheralLink(address: string): void {
    this.dropLink(noble_id(address), true);
  }

  private dropLink(id: string, announce: boolean): void {
    if (!this.connected.delete(id)) return;
    this.byId.get(id)?.disconnect();
    if (announce) this.emit('disconnect', id, 0x16);
  }

  updateRssi(id: string): void {
    const p = this.byId.get(id);
    this.later(0, () => this.emit('rssiUpdate', id, p?.rssi ?? -127));
  }

  // ---- GATT ----
  private service(id: string, uuid: string): SimServiceDef | undefined {
    return this.byId.get(id)?.services.find((s) => s.uuid === uuid);
  }

  private characteristic(id: string, serviceUuid: string, uuid: string): SimCharacteristicDef | undefined {
    return this.service(id, serviceUuid)?.characteristics.find((c) => c.uuid === uuid);
  }

  private whenConnected(id: string, fn: (p: SimPeripheral) => void): void {
    this.later(1, () => {
      const p = this.byId.get(id);
      // A request on a dropped link gets no answer, as on a real controller.
      if (p && this.connected.has(id)) fn(p);
    });
  }

  discoverServices(id: string, uuids: string[] | undefined): void {
    this.whenConnected(id, (p) => {
      const wanted = uuids ?? [];
      const services = p.services.filter((s) => wanted.length === 0 || wanted.includes(s.uuid));
      this.emit('servicesDiscovered', id, services.map((s) => ({ uuid: s.uuid, startHandle: s.startHandle, endHandle: s.endHandle })));
      this.emit('servicesDiscover', id, services.map((s) => s.uuid));
    });
  }

  discoverIncludedServices(id: string, serviceUuid: string): void {
    this.whenConnected(id, () => this.emit('includedServicesDiscover', id, serviceUuid, []));
  }

  addService(): void {}
  addCharacteristics(): void {}

  discoverCharacteristics(id: string, serviceUuid: string, uuids: string[] | undefined): void {
    this.whenConnected(id, () => {
      const wanted = uuids ?? [];
      const all = this.service(id, serviceUuid)?.characteristics ?? [];
      // Same two events as noble's hci-socket gatt: raw (with handles) first, then the public list.
      this.emit(
        'characteristicsDiscovered',
        id,
        serviceUuid,
        all.map((c) => ({ uuid: c.uuid, startHandle: c.declarationHandle, valueHandle: c.valueHandle, propsDecoded: [...c.properties] })),
      );
      this.emit(
        'characteristicsDiscover',
        id,
        serviceUuid,
        all.filter((c) => wanted.length === 0 || wanted.includes(c.uuid)).map((c) => ({ uuid: c.uuid, properties: [...c.properties] })),
      );
    });
  }

  discoverDescriptors(id: string, serviceUuid: string, characteristicUuid: string): void {
    this.whenConnected(id, () => {
      const c = this.characteristic(id, serviceUuid, characteristicUuid);
      this.emit('descriptorsDiscover', id, serviceUuid, characteristicUuid, (c?.descriptors ?? []).map((d) => d.uuid));
    });
  }

  read(id: string, serviceUuid: string, characteristicUuid: string): void {
    this.whenConnected(id, (p) => {
      const c = this.characteristic(id, serviceUuid, characteristicUuid);
      // Reading a characteristic without 'read' gets an ATT error; noble reports it as an empty value.
      const value = c && c.properties.includes('read') ? p.read(c.valueHandle) : new Uint8Array(0);
      this.emit('read', id, serviceUuid, characteristicUuid, Buffer.from(value), false);
    });
  }

  write(id: string, serviceUuid: string, characteristicUuid: string, data: Buffer, withoutResponse: boolean): void {
    this.whenConnected(id, (p) => {
      const c = this.characteristic(id, serviceUuid, characteristicUuid);
      if (!c) return;
      const value = new Uint8Array(data);
      this.writes.push({ id, handle: c.valueHandle, value, withoutResponse });
      p.write(c.valueHandle, value);
      this.emit('write', id, serviceUuid, characteristicUuid);
    });
  }

  broadcast(id: string, serviceUuid: string, characteristicUuid: string, on: boolean): void {
    this.whenConnected(id, () => this.emit('broadcast', id, serviceUuid, characteristicUuid, on));
  }

  notify(id: string, serviceUuid: string, characteristicUuid: string, on: boolean): void {
    this.whenConnected(id, (p) => {
      const c = this.characteristic(id, serviceUuid, characteristicUuid);
      if (!c) return;
      p.setNotify(c.valueHandle, on);
      this.emit('notify', id, serviceUuid, characteristicUuid, on);
    });
  }

  readValue(id: string, serviceUuid: string, characteristicUuid: string, descriptorUuid: string): void {
    this.whenConnected(id, () => {
      const d = this.characteristic(id, serviceUuid, characteristicUuid)?.descriptors.find((x) => x.uuid === descriptorUuid);
      this.emit('valueRead', id, serviceUuid, characteristicUuid, descriptorUuid, Buffer.from(d?.value ?? new Uint8Array(0)));
    });
  }

  writeValue(id: string, serviceUuid: string, characteristicUuid: string, descriptorUuid: string, data: Buffer): void {
    this.whenConnected(id, () => {
      this.writes.push({ id, handle: -1, value: new Uint8Array(data), withoutResponse: false });
      this.emit('valueWrite', id, serviceUuid, characteristicUuid, descriptorUuid);
    });
  }

  readHandle(id: string, handle: number): void {
    this.whenConnected(id, (p) => this.emit('handleRead', id, handle, Buffer.from(p.read(handle))));
  }

  writeHandle(id: string, handle: number, data: Buffer): void {
    this.whenConnected(id, (p) => {
      const value = new Uint8Array(data);
      this.writes.push({ id, handle, value, withoutResponse: false });
      p.write(handle, value);
      this.emit('handleWrite', id, handle);
    });
  }

  /** A notification from a peripheral: the same two events noble's hci-socket bindings emit. */
  private deliver(id: string, valueHandle: number, value: Uint8Array): void {
    if (!this.connected.has(id)) return;
    const p = this.byId.get(id);
    for (const s of p?.services ?? []) {
      const c = s.characteristics.find((x) => x.valueHandle === valueHandle);
      if (!c) continue;
      this.emit('handleNotify', id, valueHandle, Buffer.from(value));
      this.emit('read', id, s.uuid, c.uuid, Buffer.from(value), true);
      return;
    }
  }
}
