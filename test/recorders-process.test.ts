// The process runner: no shell, clear errors (missing, not executable, non-zero exit, timeout),
// partial output kept, stdout streamed to a file, and a clean stop that escalates when ignored.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDeviceDate, describeOffset } from '../src/recorders/clock.js';
import { ProgramError, runProgram, startProgram } from '../src/recorders/process.js';

const node = process.execPath;
const dir = mkdtempSync(join(tmpdir(), 'process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runProgram', { timeout: 60_000 }, () => {
  it('passes arguments as they are: no shell expands them', async () => {
    const r = await runProgram(node, ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '$(rm -rf /)', '*', 'a b;c']);
    expect(JSON.parse(r.stdout)).toEqual(['$(rm -rf /)', '*', 'a b;c']);
  });

  it('says how to install a missing program', async () => {
    const err = await runProgram('adb', ['devices'], { env: { PATH: dir } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgramError);
    expect((err as ProgramError).reason).toBe('missing');
    expect((err as Error).message).toMatch(/^adb was not found on PATH: install Android platform-tools .*or import the log by hand$/);
  });

  it('says when a program may not be run', async () => {
    const file = join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\necho hi\n');
    chmodSync(file, 0o644);
    await expect(runProgram(file, [])).rejects.toThrow(/cannot be run \(permission denied\): check that the file is executable/);
  });

  it('reports a non-zero exit with the last line of stderr, and keeps the output', async () => {
    const err = (await runProgram(node, ['-e', 'console.log("partial"); console.error("warming up\\nadb: error: device offline\\n"); process.exit(3)']).catch(
      (e: unknown) => e,
    )) as ProgramError;
    expect(err.message).toMatch(/failed \(exit code 3\): adb: error: device offline$/);
    expect(err.result!.stdout).toBe('partial\n');
    expect(err.reason).toBe('exit');
  });

  it('returns a failed run when asked to', async () => {
    const r = await runProgram(node, ['-e', 'process.exit(1)'], { allowFailure: true });
    expect(r.code).toBe(1);
  });

  it('stops a program that runs too long and keeps what it printed', async () => {
    const err = (await runProgram(node, ['-e', 'console.log("started"); setInterval(() => {}, 1000)'], { timeoutMs: 1500 }).catch((e: unknown) => e)) as ProgramError;
    expect(err.reason).toBe('timeout');
    expect(err.message).toMatch(/did not finish within 2 s and was stopped/);
    expect(err.result!.stdout).toBe('started\n');
  });

  it('streams stdout into a file', async () => {
    const out = join(dir, 'out.bin');
    const r = await runProgram(node, ['-e', 'for (let i = 0; i < 2000; i++) process.stdout.write("line " + i + "\\n")'], { stdoutFile: out, maxBuffer: 1024 });
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')).toHaveLength(2001);
    expect(r.stdout.length).toBeLessThan(text.length);
  });
});

describe('startProgram and stop', { timeout: 60_000 }, () => {
  it('stops with SIGINT first', async () => {
    const p = startProgram(node, ['-e', 'process.on("SIGINT", () => { console.log("flushed"); process.exit(0) }); console.log("ready"); setInterval(() => {}, 1000)']);
    while (!p.stdoutText().includes('ready')) await new Promise((r) => setTimeout(r, 20));
    const r = await p.stop(2000);
    expect(r.stdout).toContain('flushed');
    expect(r.code).toBe(0);
    expect(r.stopped).toBe(true);
    await p.stop(); // twice is fine
  });

  it('escalates to SIGTERM when SIGINT is ignored', async () => {
    const p = startProgram(node, ['-e', 'process.on("SIGINT", () => console.log("ignored")); console.log("ready"); setInterval(() => {}, 1000)']);
    while (!p.stdoutText().includes('ready')) await new Promise((r) => setTimeout(r, 20));
    const r = await p.stop(500);
    expect(r.stdout).toContain('ignored');
    expect(r.signal).toBe('SIGTERM');
    expect(r.stopped).toBe(true);
  });
});

describe('a hostile program cannot outlive its deadline', { timeout: 30_000 }, () => {
  // Running, not a zombie waiting for an init that does not reap (containers).
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  };
  // The program starts a descendant that inherits stdout and sleeps for two minutes, prints its pid.
  const descendant = 'const c = require("child_process").spawn("sleep", ["120"], { stdio: "inherit" }); c.unref(); console.log(c.pid);';

  it('at the deadline the whole process group is killed, also a descendant that keeps stdout open and ignores SIGINT', async () => {
    const err = (await runProgram(node, ['-e', `${descendant} process.on("SIGINT", () => {}); setInterval(() => {}, 1000)`], { timeoutMs: 500 }).catch((e: unknown) => e)) as ProgramError;
    expect(err.reason).toBe('timeout');
    const pid = Number(err.result!.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it('a program that exits while a descendant keeps its stdout open returns, and the descendant is gone', async () => {
    const r = await runProgram(node, ['-e', descendant]);
    expect(r.code).toBe(0);
    const pid = Number(r.stdout.trim());
    await new Promise((done) => setTimeout(done, 100));
    expect(alive(pid)).toBe(false);
  });
});

describe('phone clock answers', () => {
  it('reads seconds, nanoseconds and the UTC offset', () => {
    expect(parseDeviceDate('1764388800.123456789/+0100')).toEqual({ us: 1764388800123457, fractional: true, tzOffsetUs: 3600e6 });
    expect(parseDeviceDate('1764388800.5/-0530')).toEqual({ us: 1764388800500000, fractional: true, tzOffsetUs: -19800e6 });
    // Old toolbox date prints %N literally: whole seconds only.
    expect(parseDeviceDate('1764388800.%N')).toEqual({ us: 1764388800e6, fractional: false, tzOffsetUs: null });
    expect(parseDeviceDate('date: bad format')).toBeNull();
    expect(describeOffset(-2.4e6)).toBe('2.4 s behind this computer');
    expect(describeOffset(3 * 3600e6)).toBe('3.0 h ahead of this computer');
  });
});
