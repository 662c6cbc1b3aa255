// A simulated BMS as a peripheral for SimBindings: the protocol models of src/sim/ answer the
// writes and stream their frames; this file adds radio-ish timing, advertising data and the GATT table.
import { hexNum } from '../../../hex.js';
import type { BmsProtocol } from '../../../sim/protocol.js';
import { SimulatedBms } from '../../../sim/state.js';
import { normalizeUuid } from '../../../gatt-names.js';
import type { SimPeripheral, SimServiceDef } from './bindings.js';

export interface BmsPeripheralOptions {
  switchOn?: boolean;
  seed?: number;
  rssi?: number;
  /** Time runs this many times faster than the wall clock (answers and stream ticks come sooner). */
  speed?: number;
  /**
   * Battery time that passes before each connection (default 30 s): a person restarts the app or
   * flips the switch between rounds, and the pack lives on meanwhile (charge, temperatures drift).
   */
  betweenConnectionsMs?: number;
}

/** MTU noble asks for in its exchange (lib/hci-socket/gatt.js): the link uses min(this, server's). */
const CLIENT_MTU = 256;

export class BmsPeripheral implements SimPeripheral {
  readonly bms: SimulatedBms;
  readonly address: string;
  readonly name: string;
  readonly rssi: number;
  readonly advertisedServices: string[];
  readonly manufacturerData: Uint8Array;
  readonly services: SimServiceDef[];
  private readonly speed: number;
  private readonly betweenConnectionsMs: number;
  private readonly mtu: number;
  private sink: ((valueHandle: number, value: Uint8Array) => void) | null = null;
  private readonly notifying = new Set<number>();
  private readonly queue: { at: number; value: Uint8Array }[] = [];
  private pumpTimer: NodeJS.Timeout | null = null;
  private streamTimer: NodeJS.Timeout | null = null;
  /** Wall-clock ms of the last advance() (the battery lives on between calls). */
  private clock = Date.now();
  /** When the radio is free again: notifications leave one by one, never out of order. */
  private busyUntil = 0;

  constructor(
    readonly protocol: BmsProtocol,
    options: BmsPeripheralOptions = {},
  ) {
    const seed = options.seed ?? 1;
    this.bms = new SimulatedBms(protocol, { switchOn: options.switchOn ?? true, seed });
    this.speed = options.speed ?? 1;
    this.betweenConnectionsMs = options.betweenConnectionsMs ?? 30_000;
    this.mtu = Math.min(CLIENT_MTU, protocol.gatt.serverMtu);
    const tail = [(seed >>> 16) & 0xff, (seed >>> 8) & 0xff, seed & 0xff].map((b) => hexNum(b));
    this.address = `${protocol.addressPrefix.toLowerCase()}:${tail.join(':')}`;
    this.name = protocol.advertisedName(this.bms.state.serial);
    this.rssi = options.rssi ?? -58;
    this.advertisedServices = [normalizeUuid(protocol.gatt.service)];
    // Company id 0xFFFF (reserved by the SIG for tests) followed by the address, as many modules do.
    this.manufacturerData = Uint8Array.from([0xff, 0xff, ...this.address.split(':').map((h) => parseInt(h, 16))]);
    this.services = protocol.gatt.services.map((s) => ({
      uuid: normalizeUuid(s.uuid),
      startHandle: s.startHandle,
      endHandle: s.endHandle,
      characteristics: s.characteristics.map((c) => ({
        uuid: normalizeUuid(c.uuid),
        properties: [...c.properties],
        declarationHandle: c.declHandle,
        valueHandle: c.handle,
        descriptors: c.descriptors.map((d) => ({ uuid: normalizeUuid(d.uuid), handle: d.handle, value: d.value })),
      })),
    }));
  }

  /** The switch the tests and the demo flip between rounds. */
  setSwitch(on: boolean): void {
    this.bms.setSwitch(on);
  }

  private catchUp(): void {
    const now = Date.now();
    this.bms.advance((now - this.clock) * this.speed);
    this.clock = now;
  }

  read(valueHandle: number): Uint8Array {
    for (const s of this.protocol.gatt.services) {
      for (const c of s.characteristics) if (c.handle === valueHandle) return c.value ?? new Uint8Array(0);
    }
    return new Uint8Array(0);
  }

  write(valueHandle: number, value: Uint8Array): void {
    if (valueHandle !== this.protocol.gatt.writeHandle) return;
    this.catchUp();
    // A UART bridge answers a few ms after the request (the BMS behind it is slow).
    this.send(this.bms.handleWrite(value, this.mtu), 25);
  }

  setNotify(valueHandle: number, on: boolean): void {
    if (on) this.notifying.add(valueHandle);
    else this.notifying.delete(valueHandle);
  }

  connect(sink: (valueHandle: number, value: Uint8Array) => void): void {
    this.catchUp();
    this.bms.advance(this.betweenConnectionsMs);
    this.bms.connect();
    this.sink = sink;
    this.busyUntil = 0;
    if (this.protocol.stream) {
      const every = Math.max(5, (this.protocol.streamIntervalMs ?? 1000) / this.speed);
      this.streamTimer = setInterval(() => {
        this.catchUp();
        this.send(this.bms.tick(this.mtu), 0);
      }, every);
    }
  }

  disconnect(): void {
    this.sink = null;
    this.notifying.clear();
    if (this.streamTimer) clearInterval(this.streamTimer);
    this.streamTimer = null;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
    this.queue.length = 0;
  }

  /** Queues notification values on the notify handle: a few ms apart, like connection events. */
  private send(values: Uint8Array[], latencyMs: number): void {
    let at = Math.max(Date.now() + latencyMs / this.speed, this.busyUntil);
    for (const value of values) {
      this.queue.push({ at, value });
      at += Math.max(1, 7.5 / this.speed);
    }
    this.busyUntil = at;
    this.pump();
  }

  /** One timer drains the queue in order: values never overtake each other, however late timers fire. */
  private pump(): void {
    if (this.pumpTimer || this.queue.length === 0) return;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = null;
      const handle = this.protocol.gatt.notifyHandle;
      const now = Date.now();
      while (this.queue.length && this.queue[0]!.at <= now) {
        const { value } = this.queue.shift()!;
        // Without a subscription the device's values go nowhere, as on a real link.
        if (this.sink && this.notifying.has(handle)) this.sink(handle, value);
      }
      this.pump();
    }, Math.max(0, this.queue[0]!.at - Date.now()));
  }
}
