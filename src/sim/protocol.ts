// What every simulated BMS protocol provides: its GATT layout, the app's requests, the device's
// answers (split into notification values the way the real device splits them) and the ground truth.
import type { Prng } from './prng.js';
import type { SimGatt } from './gatt.js';

/** What a simulated BMS knows at one moment (SimulatedBms in state.ts keeps it moving). */
export interface BmsState {
  /** Cell voltages in mV. */
  cellsMv: number[];
  /** Temperature sensors in 0.1 °C. */
  tempsDeciC: number[];
  /** MOSFET/board temperature in 0.1 °C. */
  mosDeciC: number;
  /** Pack current in mA, positive when charging. */
  currentMa: number;
  nominalMah: number;
  remainingMah: number;
  cycles: number;
  /** Seconds since the BMS powered up (fractional). */
  uptimeS: number;
  powerOnCount: number;
  chargeOn: boolean;
  /** The simulated switch: the discharge MOSFET. */
  dischargeOn: boolean;
  /** Device-side frame counter (JK byte 5), incremented by the protocol per frame sent. */
  frameCounter: number;
  serial: string;
  /** Behaviours of particular firmware seen in real captures, by name (see BmsProtocol.quirks). */
  quirks: Set<string>;
  /** Per-connection state: reset on connect. */
  session: { streaming: boolean; writes: number; flags: Set<string> };
}

/** Where the simulated switch lives in the device's frames: what the analysis should find. */
export interface SwitchTruth {
  /** What the switch is ("discharge MOSFET"). */
  what: string;
  /** ATT handle of the notifications that carry it. */
  handle: number;
  /** Hex of the leading bytes that identify the frame ("dd03"). */
  prefix: string;
  /** Length of the reassembled frame. */
  length: number;
  /** Byte offset in the reassembled frame, bit number (0 = least significant), mask. */
  byte: number;
  bit: number;
  mask: number;
  /** Bit value when the switch is on (the other state has the opposite value). */
  on: 0 | 1;
  /** A decoder rule a maintainer can use. */
  rule: string;
}

export interface BmsProtocol {
  id: string;
  name: string;
  /** Where the protocol comes from and what is made up. */
  notes: string;
  advertisedName(serial: string): string;
  /** First three bytes of the device's public address (an OUI seen on such devices). */
  addressPrefix: string;
  gatt: SimGatt;
  /** ATT opcode the app writes with: 0x52 Write Command or 0x12 Write Request. */
  writeOpcode: 0x12 | 0x52;
  /** What the app writes once after subscribing. */
  appConnect(prng: Prng): Uint8Array[];
  /** What the app writes at each poll (index from 0). May be empty for streaming devices. */
  appPoll(index: number, prng: Prng): Uint8Array[];
  /** What the vendor app writes to set the switch (the device applies it in respond()). */
  switchCommand(on: boolean): Uint8Array;
  /** Notification values the device sends after a write (empty when it ignores it). */
  respond(state: BmsState, write: Uint8Array, mtu: number): Uint8Array[];
  /** Unsolicited frames the device sends at each stream tick once streaming (JK). */
  stream?(state: BmsState, mtu: number): Uint8Array[];
  streamIntervalMs?: number;
  /** Pause between the app's requests within one poll, ms [min, max] (default [150, 320]). */
  requestGapMs?: [number, number];
  /** Firmware behaviours this model can add when asked (SimulatedBmsOptions.quirks), with what they do. */
  quirks?: Record<string, string>;
  /** Cell count of the simulated pack when the truth's offset depends on it (ANT). */
  cells?: number;
  truth: SwitchTruth;
}
