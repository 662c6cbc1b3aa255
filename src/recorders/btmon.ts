// Round source: Linux btmon. btmon listens on the kernel's Bluetooth monitor channel and writes
// every HCI packet of every local adapter to a btsnoop file (datalink 2001). One btmon run per
// round: started before the user works the app, stopped with SIGINT after, so the file is the round.
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { INSTALL_HINTS, lastLine, ProgramError, programExists, startProgram, type RunningProgram } from './process.js';
import type { ExtractFile } from '../hci/extract-file.js';
import { slug } from './read-capture.js';
import type { RecordedRound, RoundRequest, RoundSource, SourceUI } from './source.js';

export interface BtmonOptions {
  extract: ExtractFile;
  /** Folder for the capture files, one per round. */
  outDir: string;
  env?: NodeJS.ProcessEnv;
  /** The btmon program (default: "btmon" on PATH). */
  btmon?: string;
  /** Only this adapter (e.g. "hci0"); default: all of them. */
  adapter?: string;
  /** How long to wait for btmon's banner before calling it running. Default 5000 ms. */
  startupMs?: number;
  /** The platform check, replaceable in tests. Default process.platform. */
  platform?: NodeJS.Platform;
}

const SETCAP = 'sudo setcap cap_net_raw,cap_net_admin+eip "$(command -v btmon)"';

/** One sentence for btmon's startup failures, with the fix. */
export function explainBtmonFailure(output: string): string {
  const said = lastLine(output) || 'no message';
  if (/Address family not supported/i.test(output)) {
    return `this Linux has no Bluetooth support here (${said}): load the bluetooth kernel module, or run on the machine that has the adapter (not in a container)`;
  }
  if (/Failed to (open|bind) channel|permission denied|operation not permitted/i.test(output)) {
    return `btmon may not open the Bluetooth monitor channel (${said}): it needs root or CAP_NET_RAW. Run bms-wizard with sudo, or allow btmon once with: ${SETCAP}`;
  }
  return `btmon stopped right after starting (${said})`;
}

export class BtmonSource implements RoundSource {
  readonly id = 'btmon';
  readonly label = 'Linux: record with btmon (BlueZ; needs root or CAP_NET_RAW)';
  private readonly btmon: string;
  private running: RunningProgram | null = null;

  constructor(private readonly opts: BtmonOptions) {
    this.btmon = opts.btmon ?? 'btmon';
  }

  async unavailableReason(): Promise<string | null> {
    const platform = this.opts.platform ?? process.platform;
    if (platform !== 'linux') {
      return 'btmon exists on Linux only: on macOS/iOS use PacketLogger, on Android the HCI snoop log, on Windows Wireshark with an nRF Sniffer (then the watched folder or import)';
    }
    if (!(await programExists(this.btmon, ['--version'], this.opts.env))) {
      return `${this.btmon} was not found on PATH: ${INSTALL_HINTS.btmon}`;
    }
    return null;
  }

  /** Starts btmon and waits until it is clearly running (or clearly failed). */
  private async start(file: string): Promise<RunningProgram> {
    const args = ['-w', file, ...(this.opts.adapter ? ['-i', this.opts.adapter] : [])];
    const proc = startProgram(this.btmon, args, { env: this.opts.env });
    const output = (): string => proc.stderrText() + proc.stdoutText();
    const failed = (): boolean => /Failed to (open|bind) channel/i.test(output());
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // btmon prints its banner at once, then opens the monitor channel (and says so if it cannot).
    const deadline = Date.now() + (this.opts.startupMs ?? 5000);
    while (proc.running && !failed() && !/Bluetooth monitor ver/.test(output()) && Date.now() < deadline) await sleep(50);
    const grace = Date.now() + 300;
    while (proc.running && !failed() && Date.now() < grace) await sleep(50);
    if (proc.running && failed()) await proc.stop(500);
    if (!proc.running) {
      try {
        await proc.finished(); // ENOENT and EACCES become their ProgramError here
      } catch (e) {
        if (e instanceof ProgramError && (e.reason === 'missing' || (e.reason === 'permission' && !e.result?.stderr))) throw e;
      }
      const r = await proc.exited;
      throw new InputError(explainBtmonFailure(`${r.stdout}\n${r.stderr}`));
    }
    return proc;
  }

  async recordRound(request: RoundRequest, ui: SourceUI): Promise<RecordedRound> {
    await mkdir(this.opts.outDir, { recursive: true });
    const file = join(this.opts.outDir, `btmon-${slug(request.state)}-${request.index}-${Date.now()}.btsnoop`);
    const warnings: string[] = [];
    this.running = await this.start(file);
    ui.info(`Round ${request.index} of ${request.roundsPerState} for "${request.state}": btmon is recording every Bluetooth packet of this computer.`);
    try {
      await ui.waitForUser(
        `Now, with the app on this computer: connect to the BMS with "${request.state}", wait for a few updates, then disconnect. Press Enter when done`,
      );
    } finally {
      const proc = this.running;
      this.running = null;
      const result = await proc.stop();
      if (!result.stopped) {
        warnings.push(`btmon stopped by itself during the round${lastLine(result.stderr) ? ` (${lastLine(result.stderr)})` : ''}: the capture may end early`);
      }
    }
    const size = await stat(file).then((s) => s.size, () => 0);
    if (size === 0) {
      await rm(file, { force: true });
      throw new InputError(`btmon wrote no capture to ${file}: check that the folder is writable and that btmon runs (try "sudo btmon" by hand)`);
    }
    const x = await this.opts.extract(file);
    warnings.push(...x.warnings);
    if (x.events.length === 0) {
      warnings.push('btmon saw no ATT traffic in this round: was the app connected to the BMS through this computer\'s adapter?');
    }
    return {
      source: {
        kind: 'btmon',
        files: [{ path: file, sha256: x.capture.sha256! }],
        note: `btmon -w${this.opts.adapter ? ` -i ${this.opts.adapter}` : ''} (btsnoop datalink 2001), one file for the round`,
      },
      events: x.events,
      connections: x.result.connections,
      warnings,
    };
  }

  async close(): Promise<void> {
    const proc = this.running;
    this.running = null;
    if (proc) await proc.stop();
  }
}
