// The simulated battery: values that drift like a real pack, a switch, and per-connection state.
import type { BmsProtocol, BmsState } from './protocol.js';
import { deviceAddressFor, serialFor } from './identity.js';
import { Prng } from './prng.js';

export type { BmsState } from './protocol.js';

export interface SimulatedBmsOptions {
  switchOn: boolean;
  seed: number;
  cells?: number;
  /** The device's identity (address, serial); default 1. Captures of one battery share it. */
  device?: number;
  /** Firmware behaviours to switch on (BmsProtocol.quirks lists the ones a protocol knows). */
  quirks?: string[];
}

/** Balancers work only while a real charge current flows (not on the idle noise of a few mA). */
export const BALANCE_MIN_MA = 300;

export function packMv(s: BmsState): number {
  return s.cellsMv.reduce((a, v) => a + v, 0);
}
export function socPermille(s: BmsState): number {
  return Math.max(0, Math.min(1000, Math.round((s.remainingMah / s.nominalMah) * 1000)));
}

export class SimulatedBms {
  readonly state: BmsState;
  readonly prng: Prng;
  /** Public device address (aa:bb:cc:dd:ee:ff). */
  readonly address: string;
  private targetMa: number;

  constructor(
    readonly protocol: BmsProtocol,
    opts: SimulatedBmsOptions,
  ) {
    this.prng = new Prng(opts.seed);
    const device = opts.device ?? 1;
    this.address = deviceAddressFor(protocol.addressPrefix, device);
    // What belongs to the battery comes from its identity; the seed only moves it a little (the
    // same pack a few minutes later) and drives the noise from then on.
    const id = new Prng(device * 7919 + 17);
    const p = this.prng;
    const n = opts.cells ?? protocol.cells ?? 4 * id.int(1, 4);
    const base = id.int(3260, 3330);
    const nominal = id.int(5, 30) * 10000;
    const cells = Array.from({ length: n }, () => base + id.int(-12, 12));
    const temps = Array.from({ length: 3 }, () => id.int(180, 260));
    const soc = id.range(0.35, 0.9);
    const cycles = id.int(3, 400);
    const uptime = id.int(3600, 3600 * 24 * 90);
    const powerOnCount = id.int(2, 60);
    const mos = id.int(220, 300);
    this.targetMa = p.chance(0.5) ? p.int(300, 5000) : -p.int(300, 9000);
    this.state = {
      cellsMv: cells.map((v) => v + p.int(-3, 3)),
      tempsDeciC: temps.map((v) => v + p.int(-5, 5)),
      mosDeciC: mos + p.int(-5, 5),
      currentMa: opts.switchOn ? this.targetMa : Math.max(0, this.targetMa),
      nominalMah: nominal,
      remainingMah: Math.round(nominal * (soc + p.range(-0.002, 0.002))),
      cycles,
      uptimeS: uptime + p.int(0, 3600),
      powerOnCount,
      chargeOn: true,
      dischargeOn: opts.switchOn,
      frameCounter: p.int(0, 255),
      serial: serialFor(device),
      quirks: new Set(opts.quirks ?? []),
      session: { streaming: false, writes: 0, flags: new Set() },
    };
  }

  setSwitch(on: boolean): void {
    this.state.dischargeOn = on;
  }

  /** A new connection: the device forgets what the previous app session asked for. */
  connect(): void {
    this.state.session = { streaming: false, writes: 0, flags: new Set() };
  }

  /** Lets time pass: the load changes, cells wander by a few mV, temperatures creep, counters count. */
  advance(ms: number): void {
    if (ms <= 0) return;
    const s = this.state;
    const p = this.prng;
    const steps = Math.max(1, Math.min(20, Math.round(ms / 250)));
    const dt = ms / steps / 1000;
    for (let i = 0; i < steps; i++) {
      // The load (or a solar charger) changes now and then; with the discharge MOSFET off only
      // charging or nothing can flow.
      // Mean dwell of about 5 s, charge or discharge equally often, so that no status byte that
      // follows the current's direction stays constant within a state.
      if (p.chance(dt / 5)) this.targetMa = p.chance(0.5) ? p.int(300, 5000) : -p.int(300, 9000);
      const target = s.dischargeOn ? this.targetMa : Math.max(0, this.targetMa);
      s.currentMa = Math.round(s.currentMa + (target - s.currentMa) * 0.3 + p.gauss(90));
      if (!s.dischargeOn && s.currentMa < 0) s.currentMa = p.int(0, 30);
      s.remainingMah = Math.max(0, Math.min(s.nominalMah, s.remainingMah + (s.currentMa * dt) / 3600));
      const sag = Math.round(s.currentMa / 2000);
      for (let c = 0; c < s.cellsMv.length; c++) {
        s.cellsMv[c] = clamp(s.cellsMv[c]! + p.int(-2, 2) + (p.chance(0.1) ? sag : 0), 3150, 3450);
      }
      for (let t = 0; t < s.tempsDeciC.length; t++) s.tempsDeciC[t] = clamp(s.tempsDeciC[t]! + p.int(-1, 1), 100, 450);
      s.mosDeciC = clamp(s.mosDeciC + p.int(-1, 1) + (Math.abs(s.currentMa) > 5000 ? 1 : 0), 150, 600);
    }
    s.uptimeS += ms / 1000;
  }

  /** Notification values the device sends in answer to a write from the app. */
  handleWrite(value: Uint8Array, mtu: number): Uint8Array[] {
    this.state.session.writes++;
    return this.protocol.respond(this.state, value, mtu);
  }

  /** Unsolicited notification values at a stream tick (empty unless the device streams). */
  tick(mtu: number): Uint8Array[] {
    return this.protocol.stream && this.state.session.streaming ? this.protocol.stream(this.state, mtu) : [];
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
