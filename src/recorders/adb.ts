// Round source: an Android phone over adb. The phone's Bluetooth stack writes every HCI packet
// to its snoop log while the user works the vendor app; we mark each round's start and end on
// the phone's own clock, fetch the log (adb pull where readable, else a bug report) and keep the
// records inside the round's window.
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { streamCaptureFromZip } from '../capture/bugreport-zip.js';
import { zipInFile } from '../capture/zip.js';
import { BTSNOOZ_BEGIN, BTSNOOZ_END, findBtsnoozBlock, walkBtsnooz } from '../capture/btsnooz.js';
import { InputError } from '../errors.js';
import { clockOffsetUs, describeOffset, insideWindow, readDeviceClock, shiftWindow, type ClockReading, type TimeWindow } from './clock.js';
import { INSTALL_HINTS, lastLine, programExists, runProgram, type RunOptions, type RunResult } from './process.js';
import type { ExtractFile } from '../hci/extract-file.js';
import { connectionsInWindow, firstTime, isoTime, slug } from './read-capture.js';
import type { RecordedRound, RoundRequest, RoundSource, SourceUI } from './source.js';

export interface AdbOptions {
  /** Reads a capture file with the real readers (the wizard's engine.extract). */
  extract: ExtractFile;
  /** Folder for the logs fetched from the phone. */
  outDir: string;
  env?: NodeJS.ProcessEnv;
  /** The adb program (default: "adb" on PATH). */
  adb?: string;
  /** Device serial, when several phones are connected. */
  serial?: string;
  /** Seconds kept before each round's start and after its end, on top of the clock uncertainty. */
  marginS?: number;
  /** Keep the bug report zips (they hold personal data; by default only the Bluetooth log is kept). */
  keepBugreports?: boolean;
  bugreportTimeoutMs?: number;
}

export interface AdbDevice {
  serial: string;
  /** 'device' (ready), 'unauthorized', 'offline', 'no permissions', 'recovery', … */
  state: string;
  model: string | null;
}

/** Parses `adb devices -l`. Lines of the adb daemon ("* daemon started …") are skipped. */
export function parseAdbDevices(stdout: string): AdbDevice[] {
  const devices: AdbDevice[] = [];
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('*') || /^List of devices/i.test(line) || line.startsWith('adb ')) continue;
    const m = /^(\S+)\s+(no permissions|unauthorized|offline|device|recovery|sideload|bootloader|host|authorizing|connecting|unknown)\b(.*)$/.exec(line);
    if (!m) continue;
    const model = /\bmodel:(\S+)/.exec(m[3]!)?.[1]?.replace(/_/g, ' ') ?? null;
    devices.push({ serial: m[1]!, state: m[2]!, model });
  }
  return devices;
}

/** One sentence saying why a listed device cannot be used and what to do. */
export function deviceProblem(d: AdbDevice): string {
  switch (d.state) {
    case 'unauthorized':
    case 'authorizing':
      return `the phone ${d.serial} has not allowed this computer yet: unlock it and accept "Allow USB debugging?" (tick "Always allow from this computer")`;
    case 'offline':
    case 'connecting':
      return `the phone ${d.serial} is offline: unplug and replug the USB cable (or run "adb kill-server") and unlock the phone`;
    case 'no permissions':
      return `this computer's user may not open the phone ${d.serial}: on Linux install the udev rules (package android-sdk-platform-tools-common or android-udev-rules), add yourself to the plugdev group and replug`;
    default:
      return `the phone ${d.serial} is in "${d.state}" mode: start it normally and unlock it`;
  }
}

const NO_DEVICE =
  'no Android phone is connected over adb: connect it by USB, turn on Settings → Developer options → USB debugging, and accept the prompt on the phone';

export interface SnoopSetting {
  /** true/false when the phone said, null when it did not answer. */
  enabled: boolean | null;
  /** 'full', 'filtered', 'disabled' or null (older Android has no mode). */
  mode: string | null;
}

/**
 * Reads the snoop log setting from `settings get secure bluetooth_hci_log` (Android ≤ 9: "1"/"0"),
 * `getprop persist.bluetooth.btsnooplogmode` (Android ≥ 10: full/filtered/disabled) and
 * `getprop persist.bluetooth.btsnoopenable` (some vendors: true/false).
 */
export function interpretSnoopSetting(secureSetting: string, logMode: string, enableProp: string): SnoopSetting {
  const mode = logMode.trim().toLowerCase();
  if (mode === 'full' || mode === 'filtered') return { enabled: true, mode };
  if (mode === 'disabled') return { enabled: false, mode };
  const s = secureSetting.trim();
  const e = enableProp.trim().toLowerCase();
  if (s === '1' || e === 'true') return { enabled: true, mode: null };
  if (s === '0' || e === 'false') return { enabled: false, mode: null };
  return { enabled: null, mode: null };
}

/** Where phones keep the snoop log, most likely first (the bt_stack.conf answer goes first). */
export const SNOOP_LOG_PATHS = [
  '/data/misc/bluetooth/logs/btsnoop_hci.log',
  '/sdcard/btsnoop_hci.log',
  '/sdcard/Android/data/btsnoop_hci.log',
  '/data/log/bt/btsnoop_hci.log',
  '/data/misc/bluedroid/btsnoop_hci.log',
  // Android 13+ in "Filtered" mode (cut packets: the last resort before a bug report).
  '/data/misc/bluetooth/logs/btsnooz_hci.log',
];

const ENABLE_STEPS = [
  'Turn on the phone\'s Bluetooth HCI snoop log (once):',
  '  1. Settings → About phone → tap "Build number" 7 times (Developer options appear).',
  '  2. Settings → System → Developer options → "Enable Bluetooth HCI snoop log" → Enabled (not "Filtered").',
  '  3. Turn Bluetooth off and on again: the log starts only then.',
];

interface Fetched {
  path: string;
  how: string;
  warnings: string[];
}

export class AdbSource implements RoundSource {
  readonly id = 'adb';
  readonly label = 'Android phone over USB (adb): the phone\'s HCI snoop log, cut per round';
  private readonly adb: string;
  private serial: string | null;
  private model: string | null = null;
  private prepared = false;
  private clock: ClockReading | null = null;
  /** How the last fetch worked, to skip what failed before. */
  private method: 'pull' | 'bugreport' | null = null;
  private pullPath: string | null = null;
  private closed = false;

  constructor(private readonly opts: AdbOptions) {
    this.adb = opts.adb ?? 'adb';
    this.serial = opts.serial ?? null;
  }

  async unavailableReason(): Promise<string | null> {
    if (await programExists(this.adb, ['version'], this.opts.env)) return null;
    return `${this.adb} was not found on PATH: ${INSTALL_HINTS.adb}`;
  }

  private run(args: string[], extra: RunOptions = {}): Promise<RunResult> {
    const full = this.serial ? ['-s', this.serial, ...args] : args;
    return runProgram(this.adb, full, { env: this.opts.env, timeoutMs: 60_000, ...extra });
  }

  /** `adb shell …` with fixed arguments of ours (never user text); '' when the phone refuses. */
  private async shell(...command: string[]): Promise<string> {
    const r = await this.run(['shell', ...command], { allowFailure: true, timeoutMs: 30_000 });
    return r.code === 0 ? r.stdout.trim() : '';
  }

  private async chooseDevice(ui: SourceUI): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const all = parseAdbDevices((await runProgram(this.adb, ['devices', '-l'], { env: this.opts.env, timeoutMs: 30_000 })).stdout);
      const ready = all.filter((d) => d.state === 'device');
      let problem: string | null = null;
      if (this.serial) {
        const mine = all.find((d) => d.serial === this.serial);
        if (mine?.state === 'device') return void (this.model = mine.model);
        problem = mine ? deviceProblem(mine) : `the phone ${this.serial} is not connected over adb (connected: ${all.map((d) => d.serial).join(', ') || 'none'})`;
      } else if (ready.length === 1) {
        this.serial = ready[0]!.serial;
        this.model = ready[0]!.model;
        return;
      } else if (ready.length > 1) {
        ui.info('Several Android phones are connected:');
        ready.forEach((d, i) => ui.info(`  ${i + 1}. ${d.serial}${d.model ? ` (${d.model})` : ''}`));
        const answer = (await ui.ask('Which one runs the vendor app? (number or serial)', '1')).trim();
        const chosen = /^\d+$/.test(answer) ? ready[Number(answer) - 1] : ready.find((d) => d.serial === answer || d.model?.toLowerCase() === answer.toLowerCase());
        if (chosen) {
          this.serial = chosen.serial;
          this.model = chosen.model;
          return;
        }
        problem = `"${answer}" is none of the connected phones`;
      } else {
        problem = all.length ? all.map(deviceProblem).join('; ') : NO_DEVICE;
      }
      if (attempt >= 3) throw new InputError(problem.charAt(0).toUpperCase() + problem.slice(1));
      ui.warn(problem.charAt(0).toUpperCase() + problem.slice(1));
      await ui.waitForUser('Press Enter to look for the phone again');
    }
  }

  async readSnoopSetting(): Promise<SnoopSetting> {
    return interpretSnoopSetting(
      await this.shell('settings', 'get', 'secure', 'bluetooth_hci_log'),
      await this.shell('getprop', 'persist.bluetooth.btsnooplogmode'),
      await this.shell('getprop', 'persist.bluetooth.btsnoopenable'),
    );
  }

  private async checkSnoopLog(ui: SourceUI): Promise<void> {
    let s = await this.readSnoopSetting();
    if (s.enabled === false) {
      for (const line of ENABLE_STEPS) ui.info(line);
      await ui.waitForUser('Press Enter when the snoop log is on and Bluetooth was turned off and on');
      s = await this.readSnoopSetting();
      if (s.enabled === false) {
        ui.warn('The phone still reports the HCI snoop log as off; carrying on, but the log may be empty (some phones report it wrongly).');
      }
    } else if (s.enabled === null) {
      ui.info('The phone does not say whether the HCI snoop log is on: check Developer options → "Enable Bluetooth HCI snoop log", and turn Bluetooth off and on after enabling it.');
    }
    if (s.mode === 'filtered') {
      ui.warn('The HCI snoop log is set to "Filtered", which can cut packet contents: choose "Enabled" in Developer options and turn Bluetooth off and on.');
    }
  }

  private readClock(): Promise<ClockReading> {
    // One call gives seconds, nanoseconds and the phone's UTC offset (the log may be in local time).
    return readDeviceClock(() => this.shell('date', '+%s.%N/%z'));
  }

  private async prepare(ui: SourceUI): Promise<void> {
    if (this.prepared) return;
    if (this.closed) throw new InputError('the adb source was closed');
    await this.chooseDevice(ui);
    await this.checkSnoopLog(ui);
    try {
      this.clock = await this.readClock();
    } catch {
      throw new InputError(`the phone ${this.serial} did not tell its time (adb shell date): unlock it and check the USB connection`);
    }
    ui.info(`Using ${this.model ?? 'the phone'} (${this.serial}); its clock is ${describeOffset(clockOffsetUs(this.clock))}.`);
    this.prepared = true;
  }

  /** The phone's time now (µs), with how sure it is; falls back to our clock plus the known offset. */
  private async mark(warnings: string[]): Promise<{ us: number; uncertaintyUs: number }> {
    try {
      const r = await this.readClock();
      return { us: r.deviceUs, uncertaintyUs: r.uncertaintyUs };
    } catch {
      const c = this.clock!;
      warnings.push('the phone did not answer for a round mark: its time was estimated from this computer\'s clock');
      return { us: Date.now() * 1000 + clockOffsetUs(c), uncertaintyUs: c.uncertaintyUs + 500_000 };
    }
  }

  async recordRound(request: RoundRequest, ui: SourceUI): Promise<RecordedRound> {
    await this.prepare(ui);
    const warnings: string[] = [];
    ui.info(`Round ${request.index} of ${request.roundsPerState} for "${request.state}", recorded by the phone's HCI snoop log.`);
    const start = await this.mark(warnings);
    await ui.waitForUser(
      `Now, in the vendor app: connect to the BMS with "${request.state}", wait for a few updates, then close the app. Press Enter when done`,
    );
    const end = await this.mark(warnings);
    const fetched = await this.fetch(ui, request);
    warnings.push(...fetched.warnings);
    const x = await this.opts.extract(fetched.path);
    warnings.push(...x.warnings);

    const margin = Math.max(start.uncertaintyUs, end.uncertaintyUs) + (this.opts.marginS ?? 0.5) * 1e6;
    let window: TimeWindow = { fromUs: start.us - margin, toUs: end.us + margin };
    let events = insideWindow(x.events, window);
    const tz = this.clock?.tzOffsetUs ?? 0;
    if (events.length === 0 && tz !== 0) {
      // Some Android versions stamp the log in local time: try the window moved by the UTC offset.
      const shifted = shiftWindow(window, tz);
      const inShifted = insideWindow(x.events, shifted);
      if (inShifted.length > 0) {
        window = shifted;
        events = inShifted;
        warnings.push(`the phone stamps its log in local time (UTC${tz >= 0 ? '+' : '-'}${Math.abs(tz / 3.6e9)}): the round window was moved by that much`);
      }
    }
    if (events.length === 0) {
      const last = x.events.length ? x.events[x.events.length - 1]!.t : null;
      warnings.push(
        `no ATT traffic between ${isoTime(window.fromUs)} and ${isoTime(window.toUs)} (phone clock) in the phone's log ` +
          `(${x.events.length} ATT events in the whole log${last !== null ? `, the last at ${isoTime(last)}` : ''}): ` +
          'was the app connected during the round, and is the snoop log on?',
      );
    }
    const first = x.start ?? firstTime(x.events, x.result.connections) ?? window.fromUs;
    return {
      source: {
        kind: 'adb',
        files: [{ path: fetched.path, sha256: x.capture.sha256! }],
        window: { unit: 'seconds', from: round3((window.fromUs - first) / 1e6), to: round3((window.toUs - first) / 1e6) },
        note: `adb: ${this.model ?? 'phone'} (${this.serial}), ${fetched.how}; round ${isoTime(window.fromUs)} – ${isoTime(window.toUs)} on the phone's clock`,
      },
      events,
      connections: connectionsInWindow(x.result.connections, window.fromUs, window.toUs),
      warnings,
    };
  }

  /** Gets the snoop log onto this computer: pull if the phone lets us, else a bug report. */
  private async fetch(ui: SourceUI, request: RoundRequest): Promise<Fetched> {
    await mkdir(this.opts.outDir, { recursive: true });
    const base = join(this.opts.outDir, `adb-${slug(request.state)}-${request.index}-${Date.now()}`);
    const reasons: string[] = [];
    if (this.method !== 'bugreport') {
      const local = `${base}.btsnoop`;
      for (const path of await this.pullCandidates()) {
        const r = await this.run(['pull', path, local], { allowFailure: true, timeoutMs: 300_000 });
        const size = await stat(local).then((s) => s.size, () => 0);
        if (r.code === 0 && size > 0) {
          this.method = 'pull';
          this.pullPath = path;
          return { path: local, how: `adb pull ${path}`, warnings: [] };
        }
        await rm(local, { force: true });
        reasons.push(`${path}: ${lastLine(r.stderr) || lastLine(r.stdout) || `exit code ${r.code}`}`);
        if (this.method === 'pull') break;
      }
      ui.info(`The snoop log cannot be pulled directly (${shortReason(reasons)}); asking the phone for a bug report instead.`);
      this.method = 'bugreport';
    }
    return this.fetchBugreport(ui, base);
  }

  private async pullCandidates(): Promise<string[]> {
    if (this.pullPath) return [this.pullPath];
    // Android ≤ 7 names the file in bt_stack.conf (BtSnoopFileName=…).
    const conf = await this.shell('cat', '/etc/bluetooth/bt_stack.conf');
    const named = /^\s*BtSnoopFileName\s*=\s*(\S+)/m.exec(conf)?.[1];
    return [...new Set([...(named ? [named] : []), ...SNOOP_LOG_PATHS])];
  }

  private async fetchBugreport(ui: SourceUI, base: string): Promise<Fetched> {
    const zipPath = `${base}-bugreport.zip`;
    const textPath = `${base}-bugreport.txt`;
    const spinner = ui.progress('Taking a bug report on the phone: this takes 1 to 5 minutes…');
    let result: RunResult;
    try {
      result = await this.run(['bugreport', zipPath], {
        timeoutMs: this.opts.bugreportTimeoutMs ?? 15 * 60_000,
        // Old phones send the text report on stdout instead of writing a zip.
        stdoutFile: textPath,
        maxBuffer: 64 * 1024,
        onStdout: (chunk) => {
          const all = [...chunk.toString('latin1').matchAll(/\[\s*(\d+)%\]/g)];
          if (all.length) spinner.update(`Taking a bug report on the phone… ${all[all.length - 1]![1]}%`);
        },
      });
    } catch (e) {
      spinner.stop('The bug report failed.');
      await rm(textPath, { force: true });
      throw e;
    }
    const zipSize = await stat(zipPath).then((s) => s.size, () => 0);
    const warnings: string[] = [];
    try {
      if (zipSize > 0) {
        spinner.stop(`Bug report received (${(zipSize / 1e6).toFixed(1)} MB).`);
        const out = `${base}.btsnoop`;
        const found = await saveLogFromZip(zipPath, zipSize, out, (n) => !n.endsWith('.last'));
        if (found.summaryText === null) return { path: out, how: `bug report (${found.name})`, warnings };
        return this.keepSummary(found.summaryText.toString('latin1'), base, warnings);
      }
      const text = await readFile(textPath, 'latin1').catch(() => '');
      if (!text.trim()) {
        spinner.stop('The bug report is empty.');
        throw new InputError(`adb bugreport gave nothing${lastLine(result.stderr) ? ` (${lastLine(result.stderr)})` : ''}: unlock the phone and try again, or take the bug report on the phone (Developer options → Take bug report) and import it`);
      }
      spinner.stop('Bug report received (text).');
      return this.keepSummary(text, base, warnings);
    } finally {
      if (!this.opts.keepBugreports) {
        await rm(zipPath, { force: true });
        await rm(textPath, { force: true });
      }
    }
  }

  /** Keeps only the BTSNOOP_LOG_SUMMARY block of a bug report text (readable by every command). */
  private async keepSummary(text: string, base: string, warnings: string[]): Promise<Fetched> {
    const block = findBtsnoozBlock(text);
    if (block === null) {
      throw new InputError(
        'the bug report holds neither the HCI snoop log nor its summary: turn on Developer options → "Enable Bluetooth HCI snoop log", turn Bluetooth off and on, and record the round again',
      );
    }
    const decoded = walkBtsnooz(Buffer.from(block, 'base64'), () => undefined);
    if (decoded.truncated > 0) {
      warnings.push(
        `only the bug report's summary of the log was available: Android cut ${decoded.truncated} of ${decoded.packets} packets to their first bytes, so long values are incomplete (the full log needs "Enable Bluetooth HCI snoop log" set to Enabled)`,
      );
    }
    const out = `${base}.btsnooz.txt`;
    const lines = block.match(/.{1,76}/g) ?? [];
    await writeFile(out, `${BTSNOOZ_BEGIN} (from adb bugreport) ---\n${lines.join('\n')}\n${BTSNOOZ_END} ---\n`);
    return { path: out, how: 'bug report summary (btsnooz)', warnings };
  }

  async close(): Promise<void> {
    // Every adb call is awaited where it is made: nothing runs between rounds.
    this.closed = true;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function shortReason(reasons: string[]): string {
  const first = reasons[0] ?? 'no readable log';
  return reasons.length > 1 ? `${first}; ${reasons.length - 1} other places tried` : first;
}

/**
 * The best capture of a bug report zip: a log is copied to `out` as it is inflated (a bug report's
 * log never sits whole in memory); a bug report text (btsnooz summary) is returned.
 */
async function saveLogFromZip(zipPath: string, size: number, out: string, prefer: (name: string) => boolean): Promise<{ name: string; summaryText: Buffer | null }> {
  const fh = await open(zipPath, 'r');
  try {
    const found = streamCaptureFromZip(zipInFile(fh.fd, size), prefer);
    if (found.chunks) {
      try {
        await pipeline(Readable.from(found.chunks), createWriteStream(out));
      } catch (e) {
        // A log cut by a damaged zip is not kept as if it were the whole log.
        await rm(out, { force: true });
        throw e;
      }
    }
    return { name: found.name, summaryText: found.summaryText };
  } finally {
    await fh.close();
  }
}
