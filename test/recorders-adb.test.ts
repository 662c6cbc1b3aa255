// The adb source against a stand-in adb on PATH that serves a simulated phone log: device
// detection and its failures, the snoop-log setting, round windows on the phone's clock,
// pull, the bug report fallback (zip with the log, or only the btsnooz summary), and analysis.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdbSource, interpretSnoopSetting, parseAdbDevices } from '../src/recorders/adb.js';
import type { RecordedRound } from '../src/recorders/source.js';
import { writeBtsnoop } from '../src/sim/index.js';
import { bugreportText, btsnoopRecords, encodeBtsnooz, makeZip } from './bugreport-helpers.js';
import { expectSwitchFound, extract, requests, sandbox, ScriptedUI, sessionSpans, simulatedPhoneLog, type Sandbox } from './recorders-helpers.js';

const ONE_PHONE = 'List of devices attached\nR58M40ABCDE            device usb:1-1 product:panther model:Pixel_7 device:panther transport_id:1\n';
const SNOOP_ON = { 'settings get secure bluetooth_hci_log': '1', 'getprop persist.bluetooth.btsnooplogmode': 'full' };
const LOG_PATH = '/data/misc/bluetooth/logs/btsnoop_hci.log';
const DENIED = { stderr: `adb: error: failed to stat remote object '${LOG_PATH}': Permission denied`, code: 1 };

let sim: ReturnType<typeof simulatedPhoneLog>;
let spans: { start: number; end: number }[];
let box: Sandbox;

/** `date +%s.%N/%z` answers: one for the clock check, then start/end of each round around its app session. */
function dates(shiftUs = 0, tz = '+0000'): string[] {
  const fmt = (us: number) => `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}000/${tz}`;
  return [fmt(spans[0]!.start - 30e6 - shiftUs), ...spans.flatMap((s) => [fmt(s.start - 200_000 - shiftUs), fmt(s.end + 200_000 - shiftUs)])];
}

async function recordAll(source: AdbSource, ui = new ScriptedUI()): Promise<RecordedRound[]> {
  const out: RecordedRound[] = [];
  for (const r of requests()) out.push(await source.recordRound(r, ui));
  await source.close();
  return out;
}

beforeAll(async () => {
  sim = simulatedPhoneLog();
  const tmp = sandbox([]);
  spans = await sessionSpans(sim.packets, tmp.dir);
  tmp.cleanup();
  expect(spans).toHaveLength(6);
});

afterEach(() => box?.cleanup());

describe('adb output parsing', () => {
  it('reads devices, states and models, skipping daemon lines', () => {
    const d = parseAdbDevices(
      '* daemon not running; starting now at tcp:5037\n* daemon started successfully\nList of devices attached\n' +
        'R58M40ABCDE   device usb:1-1 product:panther model:Pixel_7 device:panther transport_id:1\n' +
        'emulator-5554 offline\n0123456789ABCDEF unauthorized usb:1-2 transport_id:2\n' +
        'ZY22 no permissions (user in plugdev group; are your udev rules wrong?); see [http://developer.android.com/tools/device.html] usb:1-3\n',
    );
    expect(d).toEqual([
      { serial: 'R58M40ABCDE', state: 'device', model: 'Pixel 7' },
      { serial: 'emulator-5554', state: 'offline', model: null },
      { serial: '0123456789ABCDEF', state: 'unauthorized', model: null },
      { serial: 'ZY22', state: 'no permissions', model: null },
    ]);
  });

  it('understands the snoop log setting of old and new Android', () => {
    expect(interpretSnoopSetting('1', '', '')).toEqual({ enabled: true, mode: null });
    expect(interpretSnoopSetting('null', 'filtered', '')).toEqual({ enabled: true, mode: 'filtered' });
    expect(interpretSnoopSetting('1', 'disabled', '')).toEqual({ enabled: false, mode: 'disabled' });
    expect(interpretSnoopSetting('null', '', 'false')).toEqual({ enabled: false, mode: null });
    expect(interpretSnoopSetting('null', '', '')).toEqual({ enabled: null, mode: null });
  });
});

describe('adb source with a stand-in adb', { timeout: 240_000 }, () => {
  it('pulls the snoop log, cuts each round by the phone clock, and the analysis finds the switch bit', async () => {
    box = sandbox(['adb']);
    const log = join(box.dir, 'phone-btsnoop_hci.log');
    writeFileSync(log, writeBtsnoop(sim.packets, { datalink: 1002 }));
    box.scenario({ devices: [ONE_PHONE], shell: SNOOP_ON, dates: dates(), pull: { [LOG_PATH]: { file: log } } });
    const source = new AdbSource({ extract, outDir: box.out, env: box.env });
    expect(await source.unavailableReason()).toBeNull();
    const ui = new ScriptedUI();
    const rounds = await recordAll(source, ui);
    // Each round holds exactly its own app session: one connection, the events of that span only.
    rounds.forEach((r, i) => {
      expect(r.connections).toHaveLength(1);
      expect(r.events.every((e) => e.t! >= spans[i]!.start - 1e6 && e.t! <= spans[i]!.end + 1e6)).toBe(true);
      expect(r.source.kind).toBe('adb');
      expect(r.source.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(r.source.note).toContain('Pixel 7');
      expect(r.warnings).toEqual([]);
      // The window in seconds from the log's first record brackets the round's app session.
      const t0 = sim.packets[0]!.t!;
      expect(r.source.window!.unit).toBe('seconds');
      expect(r.source.window!.from).toBeLessThanOrEqual((spans[i]!.start - t0) / 1e6);
      expect(r.source.window!.to).toBeGreaterThanOrEqual((spans[i]!.end - t0) / 1e6);
      expect(r.source.window!.to - r.source.window!.from).toBeLessThan((spans[i]!.end - spans[i]!.start) / 1e6 + 5);
    });
    expectSwitchFound(rounds, requests(), sim.on.truth);
    // Every call after `devices` names the phone; the pull went to the log path.
    const calls = box.calls();
    expect(calls.filter((c) => c.args[0] !== 'devices' && c.args[0] !== 'version').every((c) => c.serial === 'R58M40ABCDE')).toBe(true);
    expect(calls.filter((c) => c.args[0] === 'pull').map((c) => c.args[1])).toEqual(Array(6).fill(LOG_PATH));
  });

  it('falls back to a bug report zip when the log cannot be pulled, and remembers it', async () => {
    box = sandbox(['adb']);
    const zip = join(box.dir, 'bugreport.zip');
    writeFileSync(
      zip,
      makeZip([
        { name: 'bugreport-panther-2026-11-29.txt', data: Buffer.from('== dumpstate: 2026-11-29\n') },
        { name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: writeBtsnoop(sim.packets, { datalink: 1002 }) },
      ]),
    );
    box.scenario({ devices: [ONE_PHONE], shell: SNOOP_ON, dates: dates(), pull: { [LOG_PATH]: DENIED }, bugreport: { zip } });
    const ui = new ScriptedUI();
    const rounds = await recordAll(new AdbSource({ extract, outDir: box.out, env: box.env }), ui);
    expectSwitchFound(rounds, requests(), sim.on.truth);
    expect(ui.lines.some((l) => /cannot be pulled directly \(.*Permission denied/.test(l))).toBe(true);
    expect(ui.lines.some((l) => /Taking a bug report on the phone… (5|40|85|100)%/.test(l))).toBe(true);
    expect(rounds[0]!.source.note).toContain('bug report (FS/data/misc/bluetooth/logs/btsnoop_hci.log)');
    const calls = box.calls();
    expect(calls.filter((c) => c.args[0] === 'bugreport')).toHaveLength(6);
    // After the first refusal, no more pull attempts.
    const firstBugreport = calls.findIndex((c) => c.args[0] === 'bugreport');
    expect(calls.slice(firstBugreport).some((c) => c.args[0] === 'pull')).toBe(false);
    // The bug report itself (personal data) is not kept, only the Bluetooth log.
    expect(readFileSync(rounds[0]!.source.files[0]!.path).subarray(0, 8).toString('latin1')).toBe('btsnoop\0');
  });

  it('uses the btsnooz summary when the bug report has no full log, and warns when Android cut packets', async () => {
    box = sandbox(['adb']);
    const records = btsnoopRecords(writeBtsnoop(sim.packets, { datalink: 1002 }));
    const full = join(box.dir, 'full.zip');
    writeFileSync(full, makeZip([{ name: 'bugreport-panther.txt', data: Buffer.from(bugreportText(encodeBtsnooz(records, 2))) }]));
    box.scenario({ devices: [ONE_PHONE], shell: SNOOP_ON, dates: dates(), pull: { [LOG_PATH]: DENIED }, bugreport: { zip: full } });
    const rounds = await recordAll(new AdbSource({ extract, outDir: box.out, env: box.env }));
    expectSwitchFound(rounds, requests(), sim.on.truth);
    expect(rounds[0]!.source.files[0]!.path).toMatch(/\.btsnooz\.txt$/);
    expect(rounds[0]!.warnings).toEqual([]);

    box.cleanup();
    box = sandbox(['adb']);
    const cut = join(box.dir, 'cut.zip');
    writeFileSync(cut, makeZip([{ name: 'bugreport-panther.txt', data: Buffer.from(bugreportText(encodeBtsnooz(records, 2, true))) }]));
    box.scenario({ devices: [ONE_PHONE], shell: SNOOP_ON, dates: dates(), pull: { [LOG_PATH]: DENIED }, bugreport: { zip: cut } });
    const source = new AdbSource({ extract, outDir: box.out, env: box.env });
    const r = await source.recordRound(requests()[0]!, new ScriptedUI());
    expect(r.warnings.join(' ')).toMatch(/Android cut \d+ of \d+ packets/);
  });

  it('reads a text bug report from old phones that print it on stdout', async () => {
    box = sandbox(['adb']);
    const records = btsnoopRecords(writeBtsnoop(sim.packets, { datalink: 1002 }));
    const text = join(box.dir, 'bugreport.txt');
    writeFileSync(text, bugreportText(encodeBtsnooz(records, 1)));
    box.scenario({ devices: [ONE_PHONE], shell: SNOOP_ON, dates: dates(), pull: {}, bugreport: { text } });
    const r = await new AdbSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, new ScriptedUI());
    expect(r.connections).toHaveLength(1);
    expect(r.events.length).toBeGreaterThan(0);
  });

  it('moves the window by the phone\'s UTC offset when its log is stamped in local time', async () => {
    box = sandbox(['adb']);
    const log = join(box.dir, 'log');
    writeFileSync(log, writeBtsnoop(sim.packets, { datalink: 1002 }));
    // The phone is at UTC+2 and its log says local time: its real UTC clock is 2 h behind the log.
    box.scenario({ devices: [ONE_PHONE], shell: SNOOP_ON, dates: dates(2 * 3600e6, '+0200'), pull: { [LOG_PATH]: { file: log } } });
    const rounds = await recordAll(new AdbSource({ extract, outDir: box.out, env: box.env }));
    expect(rounds[0]!.warnings.join(' ')).toMatch(/local time \(UTC\+2\)/);
    expectSwitchFound(rounds, requests(), sim.on.truth);
  });

  it('asks which phone when several are connected', async () => {
    box = sandbox(['adb']);
    const log = join(box.dir, 'log');
    writeFileSync(log, writeBtsnoop(sim.packets, { datalink: 1002 }));
    const two = ONE_PHONE + 'HT7A1B2C3D   device usb:1-4 product:sailfish model:Pixel device:sailfish transport_id:3\n';
    box.scenario({ devices: [two], serial: 'HT7A1B2C3D', shell: SNOOP_ON, dates: dates(), pull: { [LOG_PATH]: { file: log } } });
    const ui = new ScriptedUI({ ask: ['2'] });
    const r = await new AdbSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, ui);
    expect(ui.lines).toContain('  2. HT7A1B2C3D (Pixel)');
    expect(r.source.note).toContain('HT7A1B2C3D');
  });

  it('guides through enabling the snoop log when it is off', async () => {
    box = sandbox(['adb']);
    const log = join(box.dir, 'log');
    writeFileSync(log, writeBtsnoop(sim.packets, { datalink: 1002 }));
    box.scenario({ devices: [ONE_PHONE], shell: { 'getprop persist.bluetooth.btsnooplogmode': 'disabled' }, dates: dates(), pull: { [LOG_PATH]: { file: log } } });
    const ui = new ScriptedUI();
    await new AdbSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, ui);
    expect(ui.lines.join('\n')).toMatch(/Developer options → "Enable Bluetooth HCI snoop log"[\s\S]*Turn Bluetooth off and on/);
    expect(ui.warnings.join(' ')).toMatch(/still reports the HCI snoop log as off/);
  });
});

describe('adb failures, each one clear sentence', { timeout: 120_000 }, () => {
  it('no phone connected', async () => {
    box = sandbox(['adb']);
    box.scenario({ devices: ['List of devices attached\n'] });
    const ui = new ScriptedUI();
    await expect(new AdbSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, ui)).rejects.toThrow(
      /^No Android phone is connected over adb: connect it by USB, turn on .*USB debugging/,
    );
    expect(ui.warnings).toHaveLength(2); // told twice, then gave up
  });

  it('an unauthorized phone, then accepted after the user taps Allow', async () => {
    box = sandbox(['adb']);
    const log = join(box.dir, 'log');
    writeFileSync(log, writeBtsnoop(sim.packets, { datalink: 1002 }));
    box.scenario({
      devices: ['List of devices attached\nR58M40ABCDE unauthorized usb:1-1 transport_id:1\n', ONE_PHONE],
      shell: SNOOP_ON,
      dates: dates(),
      pull: { [LOG_PATH]: { file: log } },
    });
    const ui = new ScriptedUI();
    const r = await new AdbSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, ui);
    expect(ui.warnings[0]).toMatch(/has not allowed this computer yet: unlock it and accept "Allow USB debugging\?"/);
    expect(r.events.length).toBeGreaterThan(0);
  });

  it('an offline phone stays offline', async () => {
    box = sandbox(['adb']);
    box.scenario({ devices: ['List of devices attached\nR58M40ABCDE offline\n'] });
    await expect(new AdbSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, new ScriptedUI())).rejects.toThrow(
      /is offline: unplug and replug/,
    );
  });

  it('adb missing from PATH', async () => {
    box = sandbox([]);
    box.scenario({});
    const source = new AdbSource({ extract, outDir: box.out, env: box.env });
    expect(await source.unavailableReason()).toMatch(/^adb was not found on PATH: install Android platform-tools/);
    await expect(source.recordRound(requests()[0]!, new ScriptedUI())).rejects.toThrow(/adb was not found on PATH: install Android platform-tools .* or import the log by hand/);
  });

  it('a failing bug report keeps adb\'s own words', async () => {
    box = sandbox(['adb']);
    box.scenario({ devices: [ONE_PHONE], shell: SNOOP_ON, dates: dates(), pull: { [LOG_PATH]: DENIED }, bugreport: { stderr: 'adb: unable to connect for bugreport', code: 1 } });
    await expect(new AdbSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, new ScriptedUI())).rejects.toThrow(
      /adb -s R58M40ABCDE bugreport .* failed \(exit code 1\): adb: unable to connect for bugreport/,
    );
  });

  it('a bug report without any Bluetooth log says how to turn the log on', async () => {
    box = sandbox(['adb']);
    const zip = join(box.dir, 'empty.zip');
    writeFileSync(zip, makeZip([{ name: 'bugreport-panther.txt', data: Buffer.from('== dumpstate: nothing about bluetooth\n') }]));
    box.scenario({ devices: [ONE_PHONE], shell: SNOOP_ON, dates: dates(), pull: { [LOG_PATH]: DENIED }, bugreport: { zip } });
    await expect(new AdbSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, new ScriptedUI())).rejects.toThrow(
      /no Bluetooth HCI log and no BTSNOOP_LOG_SUMMARY.*Enable "Bluetooth HCI snoop log"/,
    );
  });
});
