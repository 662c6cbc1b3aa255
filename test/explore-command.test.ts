// `bms-wizard explore`: the command end to end on simulated peripherals (noble's real code on
// SimBindings), every "no Bluetooth" failure mode, and the real adapter-less path of this machine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import type { BleClient } from '../src/ble/client.js';
import { loadNobleWithBindings, NobleClient, openSystemClient } from '../src/ble/backends/noble/noble-client.js';
import { openSimulatedClient } from '../src/ble/backends/sim/sim-client.js';
import { SimBindings, type SimAdapterState } from '../src/ble/backends/sim/bindings.js';
import { runExplore, type ExploreDeps } from '../src/commands/explore.js';
import { report } from '../src/cli.js';
import type { CommandContext } from '../src/commands/command.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function context(extra: Partial<CommandContext> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b) => (out += b));
  stderr.on('data', (b) => (err += b));
  const ctx: CommandContext = { stdin: new PassThrough(), stdout, stderr, env: {}, debug: false, yes: false, ...extra };
  return { ctx, out: () => out, err: () => err };
}

/** Runs the command like cli.ts does (typed error → one sentence and an exit code). */
async function run(values: Record<string, string | boolean>, deps: ExploreDeps, extra: Partial<CommandContext> = {}) {
  const c = context(extra);
  let code: number;
  try {
    code = await runExplore(values, c.ctx, deps);
  } catch (e) {
    code = report(e, c.ctx.stderr, false);
  }
  return { code, out: c.out(), err: c.err() };
}

function deps(open: () => Promise<BleClient>): ExploreDeps & { released: number } {
  const d = {
    released: 0,
    openClient: open,
    releaseProcess: () => void d.released++,
    onInterrupt: () => () => {},
  };
  return d;
}

async function simClientWithState(state: SimAdapterState): Promise<BleClient> {
  const bindings = new SimBindings({ state, peripherals: [] });
  return new NobleClient(await loadNobleWithBindings(bindings), { kind: 'simulated', onClose: () => bindings.shutdown() });
}

describe('explore command on simulated BMS', () => {
  it('prints the table with the pair marked (human) for jbd', async () => {
    // Wide enough for a characteristic a line (60 columns: the next test).
    const r = await run({ simulate: 'jbd', timeout: '3' }, deps(async () => (await openSimulatedClient({ protocols: ['jbd'] })).client), { env: { COLUMNS: '200' } });
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Device: xiaoxiang-\d{4}\s+a4:c1:38:/m);
    expect(r.out).toMatch(/Likely pair: JBD \/ Xiaoxiang BMS \(FF00\): notify FF01 handle 0x0011, write FF02 handle 0x0015/);
    expect(r.out).toMatch(/^Service FF00 JBD \/ Xiaoxiang BMS$/m);
    expect(r.out).toMatch(/^ {2}FF01 {2}JBD notify {2}handle 0x0011 {2}\[read, notify\].*<== NOTIFY$/m);
    expect(r.out).toMatch(/^ {2}FF02 {2}JBD write {2}handle 0x0015 {2}\[writeWithoutResponse, write\] {2}<== WRITE$/m);
    expect(r.out).toMatch(/2A00 {2}Device Name {2}handle 0x0003 {2}\[read\] {2}= 78 69 61 6f .*"xiaoxiang BMS"/);
    // noble gives no descriptor handles (its hci-socket layer keeps them): none are invented.
    expect(r.out).toMatch(/NOTIFY\n {6}descriptor 2902 Client Characteristic Configuration = 00 00\n {6}descriptor 2901 Characteristic User Description = 72 78 {2}"rx"\n/);
    expect(r.err).toMatch(/one central/);
  });

  it('the live scan list on a 60-column terminal: each device within the width, so the redraw moves up by the lines printed', async () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 60 });
    let err = '';
    stderr.on('data', (d) => (err += String(d)));
    const r = await run({ simulate: 'jbd', timeout: '3', name: 'xiaoxiang' }, deps(async () => (await openSimulatedClient({ protocols: ['jbd', 'daly', 'jk'] })).client), { stderr });
    expect(r.code).toBe(0);
    const frames = err.split(/\x1b\[(\d+)A\x1b\[J/);
    expect(err).toMatch(/Scanning \(3 s\)/);
    // Each redraw goes up exactly as many lines as the frame before it printed, and no line is longer than 59.
    for (let i = 1; i < frames.length; i += 2) {
      const before = frames[i - 1]!;
      const block = before.slice(before.lastIndexOf('Scanning ('));
      expect(Number(frames[i])).toBe(block.split('\n').length - 1);
    }
    expect(err.split('\n').filter((l) => [...l.replace(/\x1b\[\d+A\x1b\[J/g, '')].length > 59 && /\S\s+\S/.test(l.trim()))).toEqual([]);
  });

  it('at 60 columns every characteristic and descriptor breaks between its facts, none inside a word', async () => {
    const wide = await run({ simulate: 'jbd', timeout: '3' }, deps(async () => (await openSimulatedClient({ protocols: ['jbd'] })).client), { env: { COLUMNS: '200' } });
    const r = await run({ simulate: 'jbd', timeout: '3' }, deps(async () => (await openSimulatedClient({ protocols: ['jbd'] })).client), { env: { COLUMNS: '60' } });
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => [...l].length > 59 && /\S\s+\S/.test(l.trim()))).toEqual([]);
    const words = (t: string): Set<string> => new Set(t.split(/\s+/).filter(Boolean));
    const narrow = words(r.out);
    // Two scans: only the signal strength (-52 dBm) may differ between them.
    expect([...words(wide.out)].filter((w) => !narrow.has(w) && !/^-\d+$/.test(w))).toEqual([]);
    expect(r.out).toMatch(/^ {2}FF01 {2}JBD notify {2}handle 0x0011 {2}\[read, notify\]/m);
  });

  for (const [id, service, notify, write] of [
    ['daly', 'fff0', 'fff1', 'fff2'],
    ['jk', 'ffe0', 'ffe1', 'ffe1'],
  ] as const) {
    it(`--json for ${id}: the table and the pair`, async () => {
      const d = deps(async () => (await openSimulatedClient({ protocols: [id] })).client);
      const r = await run({ simulate: id, json: true, timeout: '3' }, d, { yes: true });
      expect(r.code).toBe(0);
      const json = JSON.parse(r.out);
      expect(json.pair).toMatchObject({ service, notify, write, protocols: expect.arrayContaining([id]) });
      const vendor = json.services.find((s: { uuid: string }) => s.uuid === service);
      expect(vendor.characteristics.map((c: { uuid: string }) => c.uuid).sort()).toEqual([...new Set([notify, write])].sort());
      expect(json.device.serviceUuids).toEqual([service]);
      expect(d.released).toBe(0); // the simulator holds nothing: no forced exit needed
    });
  }

  it('matches --name among several devices and reports a missing one with exit 2 and what it heard', async () => {
    const open = async () => (await openSimulatedClient({ protocols: ['jbd', 'jk', 'daly'] })).client;
    const ok = await run({ name: 'JK-B', json: true, timeout: '3' }, deps(open));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).device.name).toMatch(/^JK-B2A24S/);
    const missing = await run({ name: 'nothing-like-this', timeout: '0.5' }, deps(open));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/error: no device named like 'nothing-like-this' found in 0\.5 s of scanning\. Seen: xiaoxiang-/);
    expect(missing.err).toMatch(/close the vendor app/);
  });

  it('a device that refuses the connection (vendor app connected) gives a clear message', async () => {
    const open = async () => {
      const sim = await openSimulatedClient({ protocols: ['jbd'] });
      return (await openSimulatedClient({ protocols: ['jbd'], refuseConnect: [sim.peripherals[0]!.address] })).client;
    };
    const r = await run({ simulate: 'jbd', timeout: '2' }, deps(open));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/could not connect to xiaoxiang-\d+ \(a4:c1:38:[0-9a-f:]+\): Connection Failed to be Established \(0x3e\)\. BLE allows one central/);
  });

  it('rejects bad usage with exit 2', async () => {
    const open = async () => (await openSimulatedClient({ protocols: ['jbd'] })).client;
    expect((await run({ simulate: 'acme' }, deps(open))).err).toMatch(/--simulate takes one of jbd, daly, .*jk.*, not 'acme'/);
    expect((await run({ timeout: 'soon' }, deps(open))).err).toMatch(/--timeout must be a number of seconds/);
    expect((await run({ name: 'a', address: 'b' }, deps(open))).code).toBe(2);
  });
});

describe('explore when Bluetooth is not usable: one sentence, exit 2, no hang', () => {
  const states: [SimAdapterState, RegExp][] = [
    ['poweredOff', /error: the Bluetooth adapter is off: turn Bluetooth on .*or import captures/],
    ['unauthorized', /error: not authorized \(permission denied\).*setcap cap_net_raw\+eip|System Settings/],
    ['unsupported', /error: the Bluetooth adapter does not support Bluetooth Low Energy/],
    ['silent', /error: the Bluetooth adapter did not become ready within 4 s \(state 'unknown'\)/],
  ];
  for (const [state, message] of states) {
    it(`adapter state '${state}'`, async () => {
      const t0 = Date.now();
      const log = vi.spyOn(console, 'log');
      const r = await run({}, deps(() => simClientWithState(state)));
      // noble's own advice lines (printed on stdout by its Linux bindings) are replaced by ours.
      expect(log.mock.calls.filter((c) => /noble warning/.test(String(c[0])))).toEqual([]);
      log.mockRestore();
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
      console.log(`adapter state ${state}: exit ${r.code} after ${Date.now() - t0} ms`);
    });
  }

  for (const [thrown, message] of [
    [Object.assign(new Error('EPERM, Operation not permitted'), { code: 'EPERM' }), process.platform === 'linux' ? /permission denied opening the Bluetooth adapter: give node the right once with 'sudo setcap/ : /permission|not allowed/],
    [Object.assign(new Error('ENODEV, No such device'), { code: 'ENODEV' }), /no Bluetooth adapter found \(ENODEV\)/],
  ] as const) {
    it(`adapter initialisation fails inside noble (${(thrown as NodeJS.ErrnoException).code})`, async () => {
      // What lib/hci-socket does when bindRaw fails: noble catches it and only emits a warning.
      class FailingInit extends SimBindings {
        override init(): void {
          throw thrown;
        }
      }
      const open = async () => {
        const bindings = new FailingInit({ peripherals: [] });
        return new NobleClient(await loadNobleWithBindings(bindings), { kind: 'simulated', onClose: () => bindings.shutdown() });
      };
      const warn = vi.spyOn(console, 'warn');
      const r = await run({}, deps(open));
      expect(warn).not.toHaveBeenCalled(); // noble prints its warning only when nobody listens
      warn.mockRestore();
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    });
  }

  it('noble not installed (a real failed import)', async () => {
    const r = await run({}, deps(() => openSystemClient(() => import('@abandonware/noble-not-installed' as string))));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: live Bluetooth is not available: the optional module @abandonware\/noble is not installed or its native part did not build \(Cannot find (package|module) '@abandonware\/noble-not-installed'/);
    expect(r.err).toMatch(/npm install @abandonware\/noble/);
  });

  it('native module built for another Node, and permission denied at open', async () => {
    const dlopen = Object.assign(new Error('The module bluetooth_hci_socket.node was compiled against a different Node.js version using NODE_MODULE_VERSION 108.'), { code: 'ERR_DLOPEN_FAILED' });
    const r1 = await run({}, deps(() => openSystemClient(() => Promise.reject(dlopen))));
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/native part did not build/);
    const eperm = Object.assign(new Error('EPERM, Operation not permitted'), { code: 'EPERM', syscall: 'bind' });
    const r2 = await run({}, deps(() => openSystemClient(() => Promise.reject(eperm))));
    expect(r2.code).toBe(2);
    if (process.platform === 'linux') expect(r2.err).toMatch(/permission denied opening the Bluetooth adapter: give node the right once with 'sudo setcap cap_net_raw\+eip \$\(eval readlink -f \$\(which node\)\)'/);
  });

  it('this machine: the real noble import, in process, through cli main()', async () => {
    const probe = await import('@abandonware/noble' as string).then(
      () => null,
      (e: NodeJS.ErrnoException) => e.code ?? 'error',
    );
    if (probe !== 'EAFNOSUPPORT') {
      console.log(`skipped: this machine's noble import gives ${probe ?? 'an adapter'}, not EAFNOSUPPORT`);
      return;
    }
    const c = context();
    const t0 = Date.now();
    const code = await main(['explore'], { stdin: c.ctx.stdin, stdout: c.ctx.stdout, stderr: c.ctx.stderr, env: {} });
    const ms = Date.now() - t0;
    console.log(`explore without Bluetooth in the kernel (in process): exit ${code} after ${ms} ms`);
    expect(code).toBe(2);
    expect(c.err()).toMatch(/^error: live Bluetooth is not available: this system has no Bluetooth support in its kernel \(EAFNOSUPPORT\)\. .*import captures/);
    expect(c.out()).toBe('');
  });

  it('this machine: the built command exits 2 with the message (spawned)', () => {
    const bin = join(ROOT, 'bin', 'bms-wizard.js');
    if (!existsSync(join(ROOT, 'dist', 'commands', 'explore.js'))) {
      console.log('skipped: dist/ is not built (npm test builds it first)');
      return;
    }
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [bin, 'explore'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
    const ms = Date.now() - t0;
    console.log(`bms-wizard explore (spawned): exit ${r.status} after ${ms} ms`);
    if (/EAFNOSUPPORT/.test(r.stderr) || r.status === 2) {
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: (live Bluetooth is not available|the Bluetooth adapter|permission denied|no Bluetooth adapter)/);
    } else {
      throw new Error(`unexpected: exit ${r.status}, stderr ${r.stderr}`);
    }
  });
});

describe('explore on a terminal', () => {
  it('draws the live list in place and lets the user pick a device', async () => {
    const c = context();
    const tty = (s: NodeJS.ReadableStream | NodeJS.WritableStream) => Object.assign(s, { isTTY: true, columns: 120, rows: 40, setRawMode: () => s });
    tty(c.ctx.stdin);
    tty(c.ctx.stderr);
    const open = async () => (await openSimulatedClient({ protocols: ['jbd', 'jk'], peripherals: [{ rssi: -50 }, { rssi: -75 }] })).client;
    const running = runExplore({ timeout: '0.6', json: true }, c.ctx, deps(open));
    // When the prompt shows, move to the second device (JK, the weaker one) and confirm.
    for (let i = 0; i < 200 && !/Which device is the BMS/.test(c.err()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(c.err()).toMatch(/Which device is the BMS/);
    (c.ctx.stdin as PassThrough).write('\x1b[B');
    await new Promise((r) => setTimeout(r, 50));
    (c.ctx.stdin as PassThrough).write('\r');
    expect(await running).toBe(0);
    expect(JSON.parse(c.out()).device.name).toMatch(/^JK-B2A24S/);
    // The live list was redrawn in place (cursor up + clear) and showed both devices, BMS-looking ones starred.
    expect(c.err()).toMatch(/\x1b\[\d+A\x1b\[J/);
    expect(c.err()).toMatch(/Scanning \(0\.6 s\): 2 device\(s\) heard\n {2}\* xiaoxiang-\d+ +a4:c1:38:[0-9a-f:]+ +-5\d dBm {2}services FF00 {2}mfr ffff/);
  });
});

describe('Ctrl+C', () => {
  it('while scanning: disconnects, exits 130 at once (spawned, simulated BMS)', async () => {
    const bin = join(ROOT, 'bin', 'bms-wizard.js');
    if (!existsSync(join(ROOT, 'dist', 'ble', 'simulated.js'))) {
      console.log('skipped: dist/ is not built (npm test builds it first)');
      return;
    }
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [bin, 'explore', '--simulate', 'jbd', '--name', 'never-there', '--timeout', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b) => (err += b));
    for (let i = 0; i < 250 && !/Scanning/.test(err); i++) await new Promise((r) => setTimeout(r, 20));
    expect(err).toMatch(/Scanning for up to 60 s/);
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    console.log(`Ctrl+C while scanning: exit ${code} after ${Date.now() - t0} ms`);
    expect(code).toBe(130);
    expect(err).toMatch(/interrupted: disconnecting/);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
