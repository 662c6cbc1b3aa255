// One app session with a simulated BMS as an HCI trace seen from the phone: connect, MTU exchange,
// GATT discovery, subscribe, the app's writes and polls, the device's notifications (fragmented
// into ACL packets by the controller), and the disconnect when the app closes.
import { HCI_ACL, type HciPacket } from '../model.js';
import { ATT, mtuRequest, mtuResponse, notification, readRequest, readResponse, writeCommand, writeRequest, writeResponse } from './link/att.js';
import { discoveryExchange } from './link/discovery.js';
import {
  OP_DISCONNECT,
  OP_LE_CREATE_CONNECTION,
  OP_LE_SET_SCAN_ENABLE,
  advertisingData,
  commandComplete,
  commandStatus,
  leAdvertisingReport,
  leSetScanEnable,
  disconnect,
  disconnectionComplete,
  leConnectionComplete,
  leCreateConnection,
  leDataLengthChange,
  leEnhancedConnectionComplete,
  numberOfCompletedPackets,
} from './link/hci.js';
import { Timeline, type TrafficSink } from './link/timeline.js';
import { Prng } from './prng.js';
import type { SimulatedBms } from './state.js';

export interface AppSessionOptions {
  /** Session start, µs since the Unix epoch. */
  start?: number;
  /** How long the app stays open after subscribing. */
  seconds?: number;
  pollIntervalMs?: number;
  /** ATT_MTU the app asks for (Android asks 517); the effective MTU is the smaller of this and the device's. */
  mtu?: number;
  /** ATT_MTU the device offers (default the protocol's, e.g. 131 for JK; newer JK firmware offers more). */
  deviceMtu?: number;
  /** Largest ACL data length the controller uses (27 without LE Data Length Extension, up to 251). */
  aclFragment?: number;
  connectionHandle?: number;
  /** Device address; default the simulated battery's own. */
  deviceAddress?: string;
  /** LE Enhanced Connection Complete instead of LE Connection Complete. */
  enhanced?: boolean;
  /** Only ACL packets, no HCI commands or events (like Android's filtered snoop logs). */
  aclOnly?: boolean;
  seed?: number;
  /** The user flips the switch in the app: seconds after subscribing, and the new state. */
  toggles?: { atSeconds: number; on: boolean }[];
}

export interface SessionResult<S extends TrafficSink = Timeline> {
  timeline: S;
  /** µs when the session ended (after the disconnect). */
  end: number;
  deviceAddress: string;
  mtu: number;
  /** When the app wrote each switch command (µs), as asked in `toggles`. */
  toggled: { t: number; on: boolean }[];
}

const MS = 1000;

/** The session's packets on a timeline (for merging with other connections). */
export function appSessionTimeline(bms: SimulatedBms, opts: AppSessionOptions = {}): SessionResult {
  return appSessionInto(new Timeline(), bms, opts);
}

/** The same session, into any sink (AttLog gives the ATT PDUs without building HCI packets). */
export function appSessionInto<S extends TrafficSink>(tl: S, bms: SimulatedBms, opts: AppSessionOptions = {}): SessionResult<S> {
  const proto = bms.protocol;
  const g = proto.gatt;
  const p = new Prng(opts.seed ?? 1);
  const handle = opts.connectionHandle ?? 0x0040;
  const frag = Math.max(27, Math.min(251, opts.aclFragment ?? 27));
  const address = opts.deviceAddress ?? bms.address;
  const serverMtu = opts.deviceMtu ?? g.serverMtu;
  const mtu = Math.max(23, Math.min(opts.mtu ?? 517, serverMtu));
  const intervalUnits = 24; // 30 ms
  const ci = intervalUnits * 1250; // µs
  let t = opts.start ?? Date.UTC(2025, 2, 14, 10, 0, 0) * MS;
  const events = !opts.aclOnly;

  // Host sends an ATT PDU; the controller later reports it completed.
  const send = (at: number, att: Uint8Array): number => {
    const last = tl.att(at, handle, att, true, frag);
    if (events) tl.event(last + ci * 0.8 + p.int(0, 2000), numberOfCompletedPackets(handle, 1));
    return last;
  };
  const receive = (at: number, att: Uint8Array): number => tl.att(at, handle, att, false, frag);

  const deviceName = proto.advertisedName(bms.state.serial);
  if (events) {
    // The app scans, sees the battery advertise, stops scanning and connects.
    tl.command(t, leSetScanEnable(true));
    tl.event(t + 300, commandComplete(OP_LE_SET_SCAN_ENABLE));
    const adv = advertisingData(deviceName, g.service.length === 4 ? g.service : null);
    const reports = p.int(2, 4);
    for (let i = 0; i < reports; i++) tl.event(t + (i + 1) * p.int(60, 110) * MS, leAdvertisingReport(address, adv, -p.int(55, 80)));
    t += (reports + 1) * 110 * MS;
    tl.command(t, leSetScanEnable(false));
    tl.event(t + 300, commandComplete(OP_LE_SET_SCAN_ENABLE));
    t += 2 * MS;
    tl.command(t, leCreateConnection(address));
    tl.event(t + 400, commandStatus(OP_LE_CREATE_CONNECTION));
  }
  t += p.int(80, 600) * MS;
  bms.connect();
  if (events) {
    const body = opts.enhanced
      ? leEnhancedConnectionComplete(handle, address, intervalUnits)
      : leConnectionComplete(handle, address, intervalUnits);
    tl.event(t, body);
    if (frag > 27) tl.event(t + 2 * ci, leDataLengthChange(handle, frag));
  }
  t += p.int(20, 90) * MS;

  // Request/response exchanges a connection interval or two apart.
  const exchange = (req: Uint8Array, rsp: Uint8Array) => {
    t = send(t, req);
    t += ci * p.int(1, 2) + p.int(0, 3000);
    t = receive(t, rsp);
    t += p.int(1, 6) * MS;
  };
  exchange(mtuRequest(opts.mtu ?? 517), mtuResponse(serverMtu));
  for (const [req, rsp] of discoveryExchange(g, mtu)) exchange(req, rsp);
  // The device reports its own name (the table's value is only the default).
  const name = g.services[0]?.characteristics.find((c) => c.uuid === '2a00');
  if (name) exchange(readRequest(name.handle), readResponse(Buffer.from(deviceName, 'utf8').subarray(0, mtu - 1)));
  exchange(writeRequest(g.cccdHandle, new Uint8Array([0x01, 0x00])), writeResponse());

  // The app's writes and the device's stream ticks, in time order.
  type Trigger = { at: number; write?: Uint8Array; toggle?: boolean };
  const triggers: Trigger[] = [];
  const sessionEnd = t + (opts.seconds ?? 10) * 1000 * MS;
  let at = t + p.int(10, 60) * MS;
  for (const w of proto.appConnect(p)) {
    triggers.push({ at, write: w });
    at += p.int(120, 260) * MS;
  }
  // Polls: the app sends its requests one after another; the next poll starts on schedule or,
  // when a poll takes longer than the interval, right after it.
  const poll = (opts.pollIntervalMs ?? 1000) * MS;
  const [gapMin, gapMax] = proto.requestGapMs ?? [150, 320];
  for (let k = 0, pt = at; pt < sessionEnd; k++) {
    let wt = pt;
    for (const w of proto.appPoll(k, p)) {
      triggers.push({ at: wt, write: w });
      wt += p.int(gapMin, gapMax) * MS;
    }
    pt = Math.max(pt + poll + p.int(-40, 40) * MS, wt);
  }
  if (proto.stream) {
    const period = (proto.streamIntervalMs ?? 1000) * MS;
    for (let st = at + p.int(200, 500) * MS; st < sessionEnd; st += period + p.int(-60, 60) * MS) triggers.push({ at: st });
  }
  for (const tg of opts.toggles ?? []) {
    triggers.push({ at: t + tg.atSeconds * 1000 * MS, write: proto.switchCommand(tg.on), toggle: tg.on });
  }
  triggers.sort((a, b) => a.at - b.at);
  const toggled: { t: number; on: boolean }[] = [];

  let clock = t;
  let deviceBusyUntil = t;
  for (const tr of triggers) {
    bms.advance((tr.at - clock) / MS);
    clock = tr.at;
    let values: Uint8Array[];
    let nt: number;
    if (tr.write) {
      const pduBytes =
        proto.writeOpcode === ATT.WRITE_REQ ? writeRequest(g.writeHandle, tr.write) : writeCommand(g.writeHandle, tr.write);
      const last = send(tr.at, pduBytes);
      if (tr.toggle !== undefined) toggled.push({ t: Math.round(tr.at), on: tr.toggle });
      nt = last + ci + p.int(0, 4000);
      if (proto.writeOpcode === ATT.WRITE_REQ) nt = receive(nt, writeResponse()) + p.int(500, 3000);
      values = bms.handleWrite(tr.write, mtu);
    } else {
      values = bms.tick(mtu);
      nt = tr.at;
    }
    // Notifications leave one after another, never overlapping the previous burst.
    nt = Math.max(nt, deviceBusyUntil + p.int(300, 1500));
    for (const v of values) {
      nt = receive(nt, notification(g.notifyHandle, v)) + p.int(2, 12) * MS;
    }
    deviceBusyUntil = nt;
  }
  t = Math.max(sessionEnd, deviceBusyUntil) + p.int(50, 400) * MS;
  bms.advance((t - clock) / MS);

  if (events) {
    tl.command(t, disconnect(handle));
    tl.event(t + 500, commandStatus(OP_DISCONNECT));
    t += ci * 2 + p.int(0, 5000);
    tl.event(t, disconnectionComplete(handle, 0x16));
  }
  return { timeline: tl, end: t, deviceAddress: address, mtu, toggled };
}

/** One app session as numbered HciPackets. */
export function simulateAppSession(bms: SimulatedBms, opts: AppSessionOptions = {}): HciPacket[] {
  const pk = appSessionTimeline(bms, opts).timeline.packets();
  return opts.aclOnly ? renumber(pk.filter((x) => x.type === HCI_ACL)) : pk;
}

export function renumber(pk: HciPacket[]): HciPacket[] {
  return pk.map((x, i) => ({ ...x, record: i + 1 }));
}
