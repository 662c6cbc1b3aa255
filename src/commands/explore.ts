// `bms-wizard explore`: scan, pick a device, connect, print its GATT table with the likely
// notify/write pair. Reads only, never writes. Printing and prompting live here; src/ble/ returns data.
import { Writable } from 'node:stream';
import { InputError, Interrupted } from '../errors.js';
import { hex0x, spacedHex } from '../hex.js';
import type { GattService } from '../model.js';
import type { BleClient, ScannedDevice } from '../ble/client.js';
import { chooseDevice, describeDevice, exploreDevice, isBmsLike, nothingFound, printableText, rankDevices, scanFor, type DeviceFilter, type ExploreResult } from '../ble/explore.js';
import { companyName, descriptorName, displayUuid, normalizeUuid, type GattPair } from '../gatt-names.js';
import { PROTOCOLS } from '../sim/protocols/index.js';
import { outputWidth, recordLines, terminalColumns, wrapForTerminal, wrapLine } from '../table-layout.js';
import type { Command, CommandContext, OptionValues } from './command.js';

const SIMULATED = Object.keys(PROTOCOLS);
/** "Within a few seconds": how long the adapter may take to report that it is on. */
const READY_TIMEOUT_MS = 4000;
const CONNECT_TIMEOUT_MS = 15_000;

export interface ExploreDeps {
  /** Opens the system adapter, or simulated peripherals when `simulate` names a protocol. */
  openClient(simulate: string | null): Promise<BleClient>;
  /** Called once everything is closed, when the backend keeps the process alive (noble's HCI socket). */
  releaseProcess(): void;
  /** SIGINT wiring (replaceable in tests). */
  onInterrupt(handler: () => void): () => void;
}

export const defaultDeps: ExploreDeps = {
  async openClient(simulate) {
    const { openBleClient } = await import('../ble/choose.js');
    return (await openBleClient(simulate)).client;
  },
  releaseProcess() {
    // noble polls the adapter forever; end the process once the exit code is set and output flushed.
    setTimeout(() => process.exit(), 250).unref();
  },
  onInterrupt(handler) {
    process.on('SIGINT', handler);
    return () => process.removeListener('SIGINT', handler);
  },
};

function isTty(stream: unknown): boolean {
  return Boolean((stream as { isTTY?: boolean }).isTTY);
}

/** Live list on a terminal: redraws the strongest devices in place while scanning. */
function liveList(stderr: NodeJS.WritableStream, seconds: number) {
  // Each device within the terminal's width: the redraw moves up by the lines it printed, which
  // is only right when the terminal broke none of them.
  const width = Math.max(20, terminalColumns(stderr) - 1);
  let drawn = 0;
  let last = 0;
  const draw = (all: ScannedDevice[], force = false) => {
    const now = Date.now();
    if (!force && now - last < 150) return;
    last = now;
    const top = rankDevices(all).slice(0, 12);
    const lines = [`Scanning (${seconds} s): ${all.length} device(s) heard`, ...top.flatMap((d) => recordLines(`  ${isBmsLike(d) ? '*' : ' '} ${deviceParts(d)[0]}`, deviceParts(d).slice(1), width, 6))];
    if (drawn) stderr.write(`\x1b[${drawn}A\x1b[J`);
    stderr.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  return { update: (_d: ScannedDevice, all: ScannedDevice[]) => draw(all), finish: (all: ScannedDevice[]) => draw(all, true) };
}

function deviceLine(d: ScannedDevice): string {
  return deviceParts(d).join('  ');
}

/** Name, address, signal, services and maker of a scanned device, a few words each. */
function deviceParts(d: ScannedDevice): string[] {
  const parts = [`${(d.name ?? '(no name)').padEnd(20)}`, `${(d.address ?? d.id).padEnd(17)}`, `${String(d.rssi).padStart(4)} dBm`];
  if (d.serviceUuids.length) parts.push(`services ${d.serviceUuids.map(displayUuid).join(',')}`);
  if (d.manufacturerData) {
    const company = companyName(Buffer.from(d.manufacturerData, 'hex'));
    parts.push(`mfr ${d.manufacturerData}${company ? ` (${company})` : ''}`);
  }
  return parts;
}

function parseSeconds(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 600) throw new InputError(`--timeout must be a number of seconds between 0 and 600, not '${String(value)}'`);
  return n;
}

/** inquirer ends the output it is given once the prompt is done: hand it a door to stderr, not stderr. */
function promptOutput(stderr: NodeJS.WritableStream): NodeJS.WritableStream {
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stderr.write(chunk);
      done();
    },
  });
  const tty = stderr as { isTTY?: boolean; columns?: number; rows?: number };
  return Object.assign(out, { isTTY: tty.isTTY, columns: tty.columns, rows: tty.rows });
}

async function pickInteractively(devices: ScannedDevice[], ctx: CommandContext): Promise<ScannedDevice> {
  const { select } = await import('@inquirer/prompts');
  try {
    return await select(
      {
        message: 'Which device is the BMS? (* = looks like a BMS)',
        choices: rankDevices(devices).map((d) => ({ name: `${isBmsLike(d) ? '*' : ' '} ${deviceLine(d)}`, value: d })),
        pageSize: 12,
      },
      { input: ctx.stdin as NodeJS.ReadableStream & { isTTY?: boolean }, output: promptOutput(ctx.stderr) },
    );
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') throw new Interrupted();
    throw err;
  }
}

export async function runExplore(values: OptionValues, ctx: CommandContext, deps: ExploreDeps = defaultDeps): Promise<number> {
  const name = typeof values.name === 'string' ? values.name : undefined;
  const address = typeof values.address === 'string' ? values.address : undefined;
  if (name && address) throw new InputError('give --name or --address, not both');
  const simulate = typeof values.simulate === 'string' ? values.simulate.toLowerCase() : null;
  if (simulate !== null && !SIMULATED.includes(simulate)) throw new InputError(`--simulate takes one of ${SIMULATED.join(', ')}, not '${simulate}'`);
  const seconds = parseSeconds(values.timeout, 10);
  const filter: DeviceFilter = { name, address };
  const interactive = !ctx.yes && !name && !address && isTty(ctx.stdin) && isTty(ctx.stderr);
  const say = (line: string) => ctx.stderr.write(`${wrapForTerminal(line, terminalColumns(ctx.stderr))}\n`);

  const client = await deps.openClient(simulate);
  const abort = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    // Ctrl+C: stop scanning, close every connection, then leave with 130.
    interrupted = true;
    abort.abort();
    say('interrupted: disconnecting…');
    void client.close().finally(() => process.exit(130));
  };
  let unhook = deps.onInterrupt(onSigint);
  try {
    await client.ready(READY_TIMEOUT_MS);
    // noble's Linux bindings add their own SIGINT handler at init (it exits when it is the last one): stay last.
    unhook();
    unhook = deps.onInterrupt(onSigint);

    const live = isTty(ctx.stderr) ? liveList(ctx.stderr, seconds) : null;
    if (!live) say(`Scanning for up to ${seconds} s${name ? ` for a device named like '${name}'` : address ? ` for ${address}` : ''}…`);
    const devices = await scanFor(client, {
      durationMs: seconds * 1000,
      filter,
      settleMs: interactive ? null : name || address ? 0 : 1500,
      onUpdate: live?.update,
      signal: abort.signal,
    });
    live?.finish(devices);
    if (interrupted) throw new Interrupted();
    let device: ScannedDevice | null;
    if (interactive && devices.length > 0) device = await pickInteractively(devices, ctx);
    else device = chooseDevice(devices, filter);
    if (!device) throw nothingFound(devices, filter, seconds);

    say(`Connecting to ${describeDevice(device)}… (BLE allows one central: the vendor app must be closed)`);
    const result = await exploreDevice(client, device, CONNECT_TIMEOUT_MS);
    if (values.json) ctx.stdout.write(`${JSON.stringify(toJson(result), null, 2)}\n`);
    else ctx.stdout.write(wrapForTerminal(formatTable(result, outputWidth(ctx.stdout, ctx.env)), terminalColumns(ctx.stdout)));
    return 0;
  } finally {
    unhook();
    await client.close();
    if (client.holdsProcess) deps.releaseProcess();
  }
}

export function toJson(r: ExploreResult): { device: Record<string, unknown>; pair: GattPair | null; services: GattService[] } {
  const d = r.device;
  return {
    device: { name: d.name, address: d.address, id: d.id, rssi: d.rssi, serviceUuids: d.serviceUuids, manufacturerData: d.manufacturerData },
    pair: r.pair,
    services: r.services,
  };
}

function handleText(h: number | null): string {
  return h === null ? '' : `handle ${hex0x(h, 4)}`;
}

function valueText(hex: string | null): string {
  if (hex === null) return '';
  if (hex === '') return '= (empty)';
  const shown = hex.length > 64 ? `${spacedHex(Buffer.from(hex.slice(0, 64), 'hex'))} …` : spacedHex(Buffer.from(hex, 'hex'));
  const text = printableText(hex);
  return `= ${shown}${text ? `  "${text}"` : ''}`;
}

/** services → characteristics (uuid, name, handle, properties, value) → descriptors; the pair marked; `width` columns at most. */
export function formatTable(r: ExploreResult, width = 79): string {
  const out: string[] = [];
  const [name, ...facts] = deviceParts(r.device);
  out.push(...recordLines(`Device: ${name}`, facts, width, 8));
  if (r.pair) {
    out.push(
      ...wrapLine(`Likely pair: ${r.pair.reason}: notify ${displayUuid(r.pair.notify)} ${handleText(r.pair.notifyHandle)}, write ${displayUuid(r.pair.write)} ${handleText(r.pair.writeHandle)}`.replace(/ +/g, ' ').replace(/ ,/g, ','), width),
    );
  } else {
    out.push('Likely pair: none found (no service has both a notify and a write characteristic)');
  }
  for (const s of r.services) {
    out.push('', `Service ${displayUuid(s.uuid)}${s.name ? ` ${s.name}` : ''}`);
    for (const c of s.characteristics) {
      const roles: string[] = [];
      if (r.pair && normalizeUuid(s.uuid) === r.pair.service) {
        if (normalizeUuid(c.uuid) === r.pair.notify) roles.push('NOTIFY');
        if (normalizeUuid(c.uuid) === r.pair.write) roles.push('WRITE');
      }
      const mark = roles.length ? `  <== ${roles.join(' + ')}` : '';
      const head = [c.name ?? '', handleText(c.handle), `[${c.properties.join(', ')}]`, valueText(c.value), mark.trim()].filter(Boolean);
      out.push(...recordLines(`  ${displayUuid(c.uuid)}`, head, width, 6));
      for (const d of c.descriptors) {
        const words = [displayUuid(d.uuid), descriptorName(d.uuid) ?? '', handleText(d.handle), valueText(d.value)].filter(Boolean).join(' ');
        out.push(...wrapLine(`      descriptor ${words}`, width));
      }
    }
  }
  return `${out.join('\n')}\n`;
}

export const command: Command = {
  name: 'explore',
  summary: 'Scan for a BMS over Bluetooth LE and list its services and characteristics (reads only)',
  usage: 'bms-wizard explore [--name TEXT | --address ADDR] [--json] [--timeout S] [--simulate jbd|daly|jk|…]',
  help: [
    'Scans (live list on a terminal), picks a device (asks on a terminal; otherwise the one matching',
    '--name/--address, or the strongest BMS-looking one), connects, and prints every service,',
    'characteristic (UUID, handle, properties, value in hex and text) and descriptor. The likely',
    'notify/write pair of the vendor service is marked. Nothing is ever written to the device.',
    '',
    'Options:',
    '  --name TEXT      pick the device whose advertised name contains TEXT',
    '  --address ADDR   pick the device with this address (aa:bb:cc:dd:ee:ff)',
    '  --timeout S      scan for at most S seconds (default 10)',
    '  --json           print the table as JSON',
    `  --simulate P     explore a simulated BMS (${SIMULATED.join(', ')}) instead of the adapter`,
    '',
    'BLE allows one central: close the vendor app first. On Linux without root, give node the right',
    'once:',
    '  sudo setcap cap_net_raw+eip $(eval readlink -f $(which node))',
  ].join('\n'),
  options: {
    name: { type: 'string' },
    address: { type: 'string' },
    json: { type: 'boolean' },
    timeout: { type: 'string' },
    simulate: { type: 'string' },
  },
  run(values, positionals, ctx) {
    if (positionals.length) throw new InputError(`explore takes no file or argument ('${positionals[0]}'); see 'bms-wizard explore --help'`);
    return runExplore(values, ctx);
  },
};
