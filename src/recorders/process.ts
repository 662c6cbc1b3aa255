// Runs external programs (adb, btmon) without a shell: argument arrays only, so no quoting or
// injection problems. Every failure becomes one InputError sentence that says what to do;
// whatever the program printed before failing is kept on the error.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { InputError } from '../errors.js';

/** What to tell the user when a program is missing from PATH. */
export const INSTALL_HINTS: Record<string, string> = {
  adb:
    'install Android platform-tools (https://developer.android.com/tools/releases/platform-tools, ' +
    'or "sudo apt install adb", or "brew install android-platform-tools") or import the log by hand',
  btmon: 'install BlueZ ("sudo apt install bluez" or your distribution\'s bluez package) or import a capture by hand',
};

export interface RunOptions {
  /** Kill the program (SIGINT, then SIGTERM, then SIGKILL) after this long. */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Also stream stdout into this file (partial output stays there on failure). */
  stdoutFile?: string;
  /** Called with each stdout/stderr chunk, e.g. to show progress. */
  onStdout?(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  /** Keep at most this many bytes of stdout/stderr in memory (the tail is dropped). Default 8 MiB. */
  maxBuffer?: number;
  /** Return the result instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
  /** Overrides INSTALL_HINTS for the ENOENT message. */
  missingHint?: string;
}

export interface RunResult {
  program: string;
  args: string[];
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when stop() ended it (a requested stop is not a failure). */
  stopped: boolean;
}

/** A program failed; `result` keeps what it printed. */
export class ProgramError extends InputError {
  constructor(
    message: string,
    readonly result: RunResult | null,
    readonly reason: 'missing' | 'permission' | 'exit' | 'timeout' | 'spawn',
  ) {
    super(message);
    this.name = 'ProgramError';
  }
}

/** The last non-empty line of a program's output, for one-sentence messages. */
export function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  return lines.length ? lines[lines.length - 1]! : '';
}

function commandLine(program: string, args: string[]): string {
  return [program, ...args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** How long output may still arrive after the program exited before its group is killed. */
const DRAIN_MS = 1000;

/** Programs still running: their groups are told to end when bms-wizard exits (they do not share our Ctrl+C). */
const running = new Set<RunningProgram>();
process.on('exit', () => {
  for (const p of running) p.signalGroup('SIGTERM'); // btmon and adb flush their files on it
});

/** A program that was started and may still run (btmon until the round ends). */
export class RunningProgram {
  readonly child: ChildProcess;
  /** Resolves when the program has exited (never rejects for a non-zero exit). */
  readonly exited: Promise<RunResult>;
  private out: Buffer[] = [];
  private err: Buffer[] = [];
  private outBytes = 0;
  private errBytes = 0;
  private file: WriteStream | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timedOut = false;
  private stopRequested = false;
  private done = false;
  private spawnError: NodeJS.ErrnoException | null = null;

  constructor(
    readonly program: string,
    readonly args: string[],
    private readonly options: RunOptions = {},
  ) {
    const max = options.maxBuffer ?? 8 * 1024 * 1024;
    this.child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
      // Its own process group: a stop or a deadline reaches whatever it started (a child that
      // keeps stdout open would otherwise hold the pipe, and us, long after the deadline).
      detached: process.platform !== 'win32',
    });
    running.add(this);
    if (options.stdoutFile) this.file = createWriteStream(options.stdoutFile);
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.file?.write(chunk);
      if (this.outBytes < max) {
        this.out.push(chunk);
        this.outBytes += chunk.length;
      }
      options.onStdout?.(chunk);
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      if (this.errBytes < max) {
        this.err.push(chunk);
        this.errBytes += chunk.length;
      }
      options.onStderr?.(chunk);
    });
    if (options.timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        void this.stop();
      }, options.timeoutMs);
      this.timer.unref();
    }
    this.exited = new Promise<RunResult>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.done) return;
        this.done = true;
        if (this.timer) clearTimeout(this.timer);
        const result = this.result(code, signal);
        if (this.file) this.file.end(() => resolve(result));
        else resolve(result);
      };
      this.child.once('error', (e: NodeJS.ErrnoException) => {
        this.spawnError = e;
        finish(null, null);
      });
      // 'close' waits for stdout/stderr to drain, so the captured output is complete; a
      // descendant still holding them after the program exited is killed with its group.
      this.child.once('close', (code, signal) => finish(code, signal));
      this.child.once('exit', (code, signal) => {
        running.delete(this);
        setTimeout(() => {
          if (this.done) return;
          this.signalGroup('SIGKILL');
          this.child.stdout?.destroy();
          this.child.stderr?.destroy();
          finish(code, signal);
        }, DRAIN_MS).unref();
      });
    });
  }

  get running(): boolean {
    return !this.done;
  }

  /** What the program printed so far. */
  stdoutText(): string {
    return Buffer.concat(this.out).toString('utf8');
  }
  stderrText(): string {
    return Buffer.concat(this.err).toString('utf8');
  }

  private result(code: number | null, signal: NodeJS.Signals | null): RunResult {
    return {
      program: this.program,
      args: this.args,
      code,
      signal,
      stdout: this.stdoutText(),
      stderr: this.stderrText(),
      timedOut: this.timedOut,
      stopped: this.stopRequested && !this.timedOut,
    };
  }

  /**
   * Stops the program cleanly: SIGINT (btmon and adb flush their files on it), then SIGTERM,
   * then SIGKILL, waiting graceMs between steps. Safe to call twice or after exit.
   */
  async stop(graceMs = 3000): Promise<RunResult> {
    if (!this.done) {
      this.stopRequested = true;
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
        if (this.done) break;
        this.signalGroup(signal);
        const exited = await Promise.race([
          this.exited.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref()),
        ]);
        if (exited) break;
      }
    }
    return this.exited;
  }

  /** Sends the signal to the program's whole process group (the program alone where there is none). */
  signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') throw new Error('no process groups');
      process.kill(-pid, signal);
    } catch {
      this.child.kill(signal);
    }
  }

  /** Waits for the exit and turns failures into a ProgramError (see runProgram). */
  async finished(): Promise<RunResult> {
    const result = await this.exited;
    checkResult(result, this.spawnError, this.options);
    return result;
  }
}

/** Throws the one-sentence ProgramError for a failed run, or returns quietly. */
function checkResult(result: RunResult, spawnError: NodeJS.ErrnoException | null, options: RunOptions): void {
  const name = result.program;
  if (spawnError) {
    if (spawnError.code === 'ENOENT') {
      const hint = options.missingHint ?? INSTALL_HINTS[baseName(name)] ?? 'install it or check PATH';
      throw new ProgramError(`${name} was not found on PATH: ${hint}`, result, 'missing');
    }
    if (spawnError.code === 'EACCES' || spawnError.code === 'EPERM') {
      throw new ProgramError(
        `${name} cannot be run (permission denied): check that the file is executable (chmod +x) or run as a user allowed to use it`,
        result,
        'permission',
      );
    }
    throw new ProgramError(`${name} could not be started: ${spawnError.message}`, result, 'spawn');
  }
  if (result.timedOut) {
    const seconds = Math.round((options.timeoutMs ?? 0) / 1000);
    throw new ProgramError(
      `${commandLine(name, result.args)} did not finish within ${seconds} s and was stopped` +
        (lastLine(result.stderr) ? ` (last message: ${lastLine(result.stderr)})` : ''),
      result,
      'timeout',
    );
  }
  if (result.stopped || options.allowFailure) return;
  if (result.code !== 0) {
    const said = lastLine(result.stderr) || lastLine(result.stdout);
    const how = result.code === null ? `was ended by ${result.signal ?? 'a signal'}` : `failed (exit code ${result.code})`;
    const permission = /permission denied|operation not permitted/i.test(said);
    throw new ProgramError(
      `${commandLine(name, result.args)} ${how}${said ? `: ${said}` : ''}`,
      result,
      permission ? 'permission' : 'exit',
    );
  }
}

function baseName(program: string): string {
  const b = program.split(/[\\/]/).pop() ?? program;
  return b.replace(/\.exe$/i, '');
}

/** Starts a program that runs until stop() (btmon). Spawn failures surface from finished(). */
export function startProgram(program: string, args: string[], options: RunOptions = {}): RunningProgram {
  return new RunningProgram(program, args, options);
}

/**
 * Runs a program to its end and returns its output. Throws ProgramError when it is missing,
 * cannot be run, exits non-zero (unless allowFailure) or times out; the error keeps the output.
 */
export async function runProgram(program: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new RunningProgram(program, args, options).finished();
}

/** True when the program can be started at all (used by unavailableReason). */
export async function programExists(program: string, versionArgs: string[], env?: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await runProgram(program, versionArgs, { allowFailure: true, timeoutMs: 10_000, env });
    return true;
  } catch (e) {
    if (e instanceof ProgramError && e.reason === 'missing') return false;
    return true;
  }
}
