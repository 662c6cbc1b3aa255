// "Direct GATT" round source: the tool itself plays the app. It connects, subscribes to the notify
// characteristic(s), sends the chosen READ-ONLY queries, keeps every notification, and hands the
// round over as ATT events, so rounds recorded this way are stored and analysed like imported ones.
import { ATT_INDICATION, ATT_NOTIFICATION, ATT_WRITE_CMD, ATT_WRITE_REQ } from '../att.js';
import { InputError } from '../errors.js';
import { parseHex, spacedHex, toHex } from '../hex.js';
import type { AttEvent, Connection, GattService } from '../model.js';
import type { RecordedRound, RoundRequest, RoundSource, SourceUI } from './source.js';
import type { BleClient, BleConnection, ScannedDevice } from '../ble/client.js';
import { chooseDevice, describeDevice, nothingFound, readGattTable, scanFor } from '../ble/explore.js';
import { displayUuid, likelyPair, normalizeUuid, type GattPair } from '../gatt-names.js';
import { checkQuery, knownQueries } from '../ble/queries.js';
import { BluetoothUnavailable } from '../ble/unavailable.js';


export interface GattSourceOptions {
  /** Opens the client: noble on the adapter, or on simulated peripherals. Called once. */
  openClient(): Promise<BleClient>;
  /** Writes the app made in an imported capture: offered first as the queries to send. */
  appWrites?: Uint8Array[];
  /** How long each round records. */
  durationMs?: number;
  /** Every query is sent once per poll. */
  pollIntervalMs?: number;
  /** Stop after this many polls (and their answers) instead of after durationMs. */
  polls?: number;
  /** After a query: how long to wait for the first notification of its answer. */
  answerTimeoutMs?: number;
  /** After a query: the answer is complete once no notification came for this long. */
  quietMs?: number;
  scanMs?: number;
  readyTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** The user consented beforehand (an explicit command-line flag): confirm() is not asked. */
  consentGiven?: boolean;
  /** Called before each round (the simulator sets its switch to the round's state). */
  onRound?(request: RoundRequest): void;
}

/** What the first round settles and every later round reuses, so all rounds are alike. */
interface Plan {
  device: ScannedDevice;
  services: GattService[];
  pair: GattPair;
  /** Characteristics to subscribe to: the pair's notify one and every other notifier of its service. */
  notify: { uuid: string; handle: number | null; indicateOnly: boolean }[];
  write: { uuid: string; handle: number | null; withoutResponse: boolean };
  queries: Uint8Array[];
}

export const ONE_CENTRAL_REMINDER =
  'BLE allows one central at a time: close the vendor app completely (swipe it away) and keep other BLE tools disconnected while the tool records.';

export class GattRoundSource implements RoundSource {
  readonly id = 'gatt';
  readonly label = 'Direct GATT: the tool connects to the BMS and sends the queries itself (no sniffer)';
  private client: BleClient | null = null;
  private plan: Plan | null = null;
  private closed = false;
  private readonly durationMs: number;
  private readonly pollIntervalMs: number;
  private readonly answerTimeoutMs: number;
  private readonly quietMs: number;

  constructor(private readonly options: GattSourceOptions) {
    this.durationMs = options.durationMs ?? 8000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.answerTimeoutMs = options.answerTimeoutMs ?? 500;
    this.quietMs = options.quietMs ?? 80;
  }

  /** The GATT table read on the first round (for the session and the export). */
  get gattTable(): GattService[] | null {
    return this.plan?.services ?? null;
  }

  get device(): ScannedDevice | null {
    return this.plan?.device ?? null;
  }

  async unavailableReason(): Promise<string | null> {
    try {
      await this.openClient();
      return null;
    } catch (err) {
      if (err instanceof BluetoothUnavailable) return err.message;
      throw err;
    }
  }

  private async openClient(): Promise<BleClient> {
    if (this.closed) throw new InputError('the direct GATT source was closed');
    if (!this.client) {
      const client = await this.options.openClient();
      try {
        await client.ready(this.options.readyTimeoutMs ?? 4000);
      } catch (err) {
        await client.close();
        throw err;
      }
      this.client = client;
    }
    return this.client;
  }

  async recordRound(request: RoundRequest, ui: SourceUI): Promise<RecordedRound> {
    const client = await this.openClient();
    this.options.onRound?.(request);
    if (!this.plan) {
      ui.info(ONE_CENTRAL_REMINDER);
      this.plan = await this.makePlan(client, request, ui);
    }
    return this.record(client, this.plan, request, ui);
  }

  private async findDevice(client: BleClient, wanted: string | null, ui: SourceUI): Promise<ScannedDevice> {
    const scanMs = this.options.scanMs ?? 10_000;
    const filter = wanted ? { address: wanted } : {};
    const progress = ui.progress(`Scanning for ${wanted ?? 'a BMS'}…`);
    let devices: ScannedDevice[];
    try {
      devices = await scanFor(client, {
        durationMs: scanMs,
        filter,
        settleMs: wanted ? 0 : 1500,
        onUpdate: (_d, all) => progress.update(`Scanning for ${wanted ?? 'a BMS'}… ${all.length} device(s) heard`),
      });
    } finally {
      progress.stop();
    }
    const device = chooseDevice(devices, filter);
    if (!device) throw nothingFound(devices, filter, Math.round(scanMs / 1000));
    return device;
  }

  private async makePlan(client: BleClient, request: RoundRequest, ui: SourceUI): Promise<Plan> {
    const device = await this.findDevice(client, request.device, ui);
    ui.info(`Device: ${describeDevice(device)}`);
    const connection = await client.connect(device, this.options.connectTimeoutMs ?? 10_000);
    let services: GattService[];
    try {
      services = await readGattTable(connection);
    } finally {
      await connection.disconnect();
    }
    const pair = likelyPair(services);
    if (!pair) {
      throw new InputError(
        `${device.name ?? device.address ?? device.id} has no service with a notify and a write characteristic, so the tool cannot talk to it directly; import captures of the vendor app instead`,
      );
    }
    ui.info(`Using ${pair.reason}: notifications from ${displayUuid(pair.notify)}, queries to ${displayUuid(pair.write)}.`);
    const service = services.find((s) => normalizeUuid(s.uuid) === pair.service)!;
    const notify = service.characteristics
      .filter((c) => c.properties.includes('notify') || c.properties.includes('indicate'))
      .sort((a, b) => Number(normalizeUuid(b.uuid) === pair.notify) - Number(normalizeUuid(a.uuid) === pair.notify))
      .map((c) => ({ uuid: normalizeUuid(c.uuid), handle: c.handle, indicateOnly: !c.properties.includes('notify') }));
    const writeChar = service.characteristics.find((c) => normalizeUuid(c.uuid) === pair.write)!;
    const write = { uuid: pair.write, handle: writeChar.handle, withoutResponse: writeChar.properties.includes('writeWithoutResponse') };
    const queries = await this.chooseQueries(pair, ui, (protocols) => this.probe(client, device, pair, write.withoutResponse, protocols));
    return { device, services, pair, notify, write, queries };
  }

  /**
   * One service, several protocols (FFE0: JK or ANT; FFF0: classic Daly or its Modbus module): send
   * each protocol's first read-only query and keep the one the device answers. Only after consent.
   */
  private async probe(client: BleClient, device: ScannedDevice, pair: GattPair, withoutResponse: boolean, protocols: string[]): Promise<string | null> {
    const connection = await client.connect(device, this.options.connectTimeoutMs ?? 10_000);
    try {
      await connection.discover();
      let answers = 0;
      connection.onNotification(() => answers++);
      await connection.subscribe(pair.service, pair.notify);
      for (const protocol of protocols) {
        const first = knownQueries([protocol])[0];
        if (!first) continue;
        const before = answers;
        await connection.write(pair.service, pair.write, first.value, withoutResponse);
        const until = Date.now() + Math.max(1000, 2 * this.answerTimeoutMs);
        while (Date.now() < until && answers === before && !connection.lost) await sleep(10);
        if (answers > before) return protocol;
      }
      return null;
    } finally {
      await connection.disconnect();
    }
  }

  /** Asks which queries to send. Refuses anything that looks like a settings write. */
  private async chooseQueries(pair: GattPair, ui: SourceUI, probe: (protocols: string[]) => Promise<string | null>): Promise<Uint8Array[]> {
    const consent = (message: string) => (this.options.consentGiven ? Promise.resolve(true) : ui.confirm(message, false));
    const show = (qs: Uint8Array[]) => qs.map((q) => spacedHex(q)).join(' | ');

    const fromCapture = dedupe(this.options.appWrites ?? []);
    if (fromCapture.length) {
      const refused = fromCapture.filter((q) => checkQuery(q).readOnly === false);
      for (const q of refused) ui.warn(`Not sending ${spacedHex(q)}: ${checkQuery(q).reason}; the tool never sends commands that change settings.`);
      const usable = fromCapture.filter((q) => checkQuery(q).readOnly !== false);
      if (usable.length && (await consent(`Send the ${usable.length} quer${usable.length === 1 ? 'y' : 'ies'} the app sent in your capture (${show(usable)}) to the BMS?`))) {
        return usable;
      }
    }

    const known = knownQueries(pair.protocols);
    if (known.length) {
      const list = known.map((q) => `${spacedHex(q.value)} (${q.protocol.toUpperCase()} ${q.what})`).join('; ');
      if (await consent(`Send these well-known read-only queries to the BMS: ${list}? They only ask for data and change no setting.`)) {
        const protocols = [...new Set(known.map((q) => q.protocol))];
        if (protocols.length === 1) return known.map((q) => q.value);
        const answering = await probe(protocols);
        if (answering) {
          ui.info(`The BMS answers ${answering.toUpperCase()} queries: using those.`);
          return knownQueries([answering]).map((q) => q.value);
        }
        ui.warn(`The BMS answered none of the well-known queries (${protocols.join(', ')}).`);
      }
    }

    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = (await ui.ask('Query to send, in hex (several separated by |; empty: send nothing and only listen)', '')).trim();
      if (!answer) return [];
      const parts = answer.split('|').map((p) => parseHex(p.trim()));
      if (parts.some((p) => p === null || p.length === 0)) {
        ui.warn(`'${answer}' is not hex (e.g. DD A5 03 00 FF FD 77).`);
        continue;
      }
      const queries = parts as Uint8Array[];
      const refused = queries.find((q) => checkQuery(q).readOnly === false);
      if (refused) {
        ui.warn(`Refusing ${spacedHex(refused)}: ${checkQuery(refused).reason}; the tool never sends commands that change settings.`);
        continue;
      }
      const unknown = queries.filter((q) => checkQuery(q).readOnly === null);
      const caution = unknown.length ? ' The tool does not recognise it, so it cannot tell whether it only reads: send it only if you know it does.' : '';
      if (await consent(`Send ${show(queries)} to the BMS at every poll?${caution}`)) return queries;
      return [];
    }
    throw new InputError('no valid query was given: type the query in hex (e.g. DD A5 03 00 FF FD 77), or leave it empty to only listen');
  }

  private async record(client: BleClient, plan: Plan, request: RoundRequest, ui: SourceUI): Promise<RecordedRound> {
    const events: AttEvent[] = [];
    const warnings: string[] = [];
    const peer = plan.device.address;
    const push = (e: Omit<AttEvent, 'record' | 'conn' | 'peer'>) => events.push({ record: events.length + 1, conn: 1, peer, ...e });

    const progress = ui.progress(`Round ${request.index}/${request.roundsPerState} (${request.state}): connecting…`);
    let connection: BleConnection | null = null;
    let answers = 0;
    let lastAnswerAt = 0;
    const start = Date.now() * 1000;
    try {
      connection = await client.connect(plan.device, this.options.connectTimeoutMs ?? 10_000);
      await connection.discover();
      connection.onNotification((n) => {
        answers++;
        lastAnswerAt = Date.now();
        const spec = plan.notify.find((c) => c.uuid === n.characteristic);
        push({
          t: n.t,
          dir: 'device-to-app',
          op: spec?.indicateOnly ? 'Handle Value Indication' : 'Handle Value Notification',
          opcode: spec?.indicateOnly ? ATT_INDICATION : ATT_NOTIFICATION,
          handle: n.handle ?? spec?.handle ?? 0,
          uuid: n.characteristic,
          value: n.value,
        });
      });
      for (const c of plan.notify) await connection.subscribe(plan.pair.service, c.uuid);
      progress.update(`Round ${request.index}/${request.roundsPerState} (${request.state}): recording for ${Math.round(this.durationMs / 1000)} s…`);

      const maxPolls = this.options.polls;
      // With a poll count the round lasts as long as those polls take (at most a minute each).
      const until = Date.now() + (maxPolls ? maxPolls * Math.max(this.pollIntervalMs, 60_000) : this.durationMs);
      let polls = 0;
      while (Date.now() < until && !connection.lost && (maxPolls === undefined || polls < maxPolls)) {
        const pollStart = Date.now();
        for (const q of plan.queries) {
          if (connection.lost) break;
          push({
            t: Date.now() * 1000,
            dir: 'app-to-device',
            op: plan.write.withoutResponse ? 'Write Command' : 'Write Request',
            opcode: plan.write.withoutResponse ? ATT_WRITE_CMD : ATT_WRITE_REQ,
            handle: plan.write.handle ?? 0,
            uuid: plan.write.uuid,
            value: Uint8Array.from(q),
          });
          const before = answers;
          const sentAt = Date.now();
          await connection.write(plan.pair.service, plan.write.uuid, q, plan.write.withoutResponse);
          // Like the app: wait for the answer before the next query, so every answer follows its
          // request (a UART bridge mixes up answers to a burst, and the analysis keys on the request).
          while (!connection.lost) {
            await sleep(5);
            const now = Date.now();
            if (answers > before ? now - lastAnswerAt >= this.quietMs : now - sentAt >= this.answerTimeoutMs) break;
          }
        }
        polls++;
        if (maxPolls !== undefined && polls >= maxPolls) break;
        await sleep(Math.max(0, Math.min(pollStart + this.pollIntervalMs, until) - Date.now()));
      }
      if (connection.lost) warnings.push(`${plan.device.name ?? peer ?? 'the device'} dropped the connection after ${polls} poll(s)`);
    } finally {
      await connection?.disconnect();
      progress.stop();
    }
    const end = Date.now() * 1000;
    const notifications = events.filter((e) => e.dir === 'device-to-app').length;
    if (notifications === 0) {
      warnings.push(
        plan.queries.length
          ? `no notification came back to ${plan.queries.length} quer${plan.queries.length === 1 ? 'y' : 'ies'}: check the query, or record once with the vendor app to see what it sends`
          : 'no notification came in: this device needs a query; take it from a capture of the vendor app',
      );
    }
    const connections: Connection[] = [
      { conn: 1, link: 0, peer, name: plan.device.name, start, end, firstRecord: 1, lastRecord: Math.max(1, events.length) },
    ];
    const queries = plan.queries.map((q) => toHex(q)).join(',') || 'none';
    return {
      source: {
        kind: 'gatt',
        files: [],
        note: `direct GATT: ${plan.device.name ?? ''} ${peer ?? plan.device.id}, notify ${displayUuid(plan.pair.notify)}, write ${displayUuid(plan.write.uuid)}, queries ${queries} every ${this.pollIntervalMs} ms ${this.options.polls ? `, ${this.options.polls} poll(s)` : `for ${this.durationMs} ms`}`.replace(/\s+/g, ' '),
      },
      events,
      connections,
      warnings,
      // The table read when the device was first explored: the wizard keeps it in the session.
      gatt: plan.services,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.close();
  }
}

function dedupe(values: Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = toHex(v);
    if (seen.has(k) || v.length === 0) return false;
    seen.add(k);
    return true;
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The parts of a wizard session the direct GATT source reads (structural: ble/ does not import the wizard). */
export interface GattSessionView {
  target: { states: string[] };
  source: { options: Record<string, string> } | null;
  rounds: { events: { dir: string; value: string }[] }[];
}

/**
 * The direct GATT source as the wizard creates it: noble on the adapter, or with source option
 * `simulate=jbd|daly|jk|modbus` a simulated BMS whose switch follows the state (first state = on).
 * Queries offered first: the writes the app made in rounds already imported into the session.
 */
export async function gattSourceFor(session: GattSessionView): Promise<GattRoundSource> {
  const options = session.source?.options ?? {};
  const appWrites = session.rounds.flatMap((r) => r.events.filter((e) => e.dir === 'app-to-device').map((e) => Buffer.from(e.value, 'hex')));
  const seconds = Number(options.seconds);
  const durationMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
  const pollCount = Number(options.polls);
  const polls = Number.isInteger(pollCount) && pollCount > 0 ? pollCount : undefined;
  const { openBleClient } = await import('../ble/choose.js');
  const simulate = options.simulate ?? null;
  if (simulate) {
    // The simulator's peripheral exists from the start: its switch follows each round's state.
    const sim = await openBleClient(simulate);
    return new GattRoundSource({ openClient: async () => sim.client, appWrites, durationMs, polls, onRound: (request) => sim.setSwitch?.(request.state === session.target.states[0]) });
  }
  return new GattRoundSource({ openClient: async () => (await openBleClient(null)).client, appWrites, durationMs, polls });
}
