// One door from a capture file to events: every use of a capture opens the file once, and the
// SHA-256 it records is the one of the whole file, computed while reading (damaged files too).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

/** Opens per absolute path, by any fs entry point a reader could use. */
const opens = vi.hoisted(() => new Map<string, number>());
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  const { resolve: abs } = await import('node:path');
  const count = (p: unknown): void => {
    if (typeof p === 'string') opens.set(abs(p), (opens.get(abs(p)) ?? 0) + 1);
  };
  const open = ((p: Parameters<typeof fsp.open>[0], ...rest: unknown[]) => (count(p), (fsp.open as (...a: unknown[]) => unknown)(p, ...rest))) as typeof fsp.open;
  const readFile = ((p: Parameters<typeof fsp.readFile>[0], ...rest: unknown[]) => (count(p), (fsp.readFile as (...a: unknown[]) => unknown)(p, ...rest))) as typeof fsp.readFile;
  return { ...fsp, open, readFile, default: { ...fsp, open, readFile } };
});
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const { resolve: abs } = await import('node:path');
  const count = (p: unknown): void => {
    if (typeof p === 'string') opens.set(abs(p), (opens.get(abs(p)) ?? 0) + 1);
  };
  const createReadStream = ((p: string, ...rest: unknown[]) => (count(p), (fs.createReadStream as (...a: unknown[]) => unknown)(p, ...rest))) as typeof fs.createReadStream;
  const readFileSync = ((p: string, ...rest: unknown[]) => (count(p), (fs.readFileSync as (...a: unknown[]) => unknown)(p, ...rest))) as typeof fs.readFileSync;
  const openSync = ((p: string, ...rest: unknown[]) => (count(p), (fs.openSync as (...a: unknown[]) => unknown)(p, ...rest))) as typeof fs.openSync;
  return { ...fs, createReadStream, readFileSync, openSync, default: { ...fs, createReadStream, readFileSync, openSync } };
});

const { extractAttFromFile } = await import('../src/hci/extract-file.js');
const { readCaptureFile } = await import('../src/capture/read.js');
const { ImportSource } = await import('../src/recorders/import.js');
const { simulateCapture } = await import('../src/sim/capture.js');
const { runCli } = await import('./helpers/cli.js');

const dir = mkdtempSync(join(tmpdir(), 'bms-door-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const on = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 2, seed: 3, seconds: 4 });
const off = simulateCapture({ protocol: 'jbd', switchOn: false, rounds: 2, seed: 4, seconds: 4, bms: on.bms, start: Date.UTC(2025, 2, 14, 12) * 1000 });
const onPath = resolve(dir, 'on.btsnoop');
const offPath = resolve(dir, 'off.btsnoop');
writeFileSync(onPath, on.bytes);
writeFileSync(offPath, off.bytes);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

beforeEach(() => opens.clear());

describe('each capture file is read once per use', () => {
  it('the door returns events, connections, handles, start time and the SHA-256 of the file, in one open', async () => {
    const x = await extractAttFromFile(onPath);
    expect(opens.get(onPath)).toBe(1);
    expect(x.capture.sha256).toBe(sha(on.bytes));
    expect(x.events.length).toBeGreaterThan(10);
    expect(x.result.connections.length).toBeGreaterThanOrEqual(2);
    expect(x.result.handles.length).toBeGreaterThan(0);
    expect(x.start).not.toBeNull();
    expect(x.start!).toBeLessThanOrEqual(x.events[0]!.t!);
  });

  it('a capture cut in a record is hashed to its end, and its damage is a warning', async () => {
    const cut = resolve(dir, 'cut.btsnoop');
    const bytes = on.bytes.subarray(0, on.bytes.length - 7);
    writeFileSync(cut, bytes);
    opens.clear();
    const x = await extractAttFromFile(cut);
    expect(opens.get(cut)).toBe(1);
    expect(x.capture.damage).not.toBeNull();
    expect(x.capture.sha256).toBe(sha(bytes));
    expect(x.warnings.at(-1)).toMatch(/records before it are used$/);
  });

  it('a capture corrupt early is still hashed to its end (the rest read through the same open)', async () => {
    const bad = resolve(dir, 'bad.btsnoop');
    const bytes = Buffer.from(on.bytes);
    // btsnoop: 16-byte file header, then records of a 24-byte header (included length at +4) and data.
    let at = 16;
    for (let i = 0; i < 5; i++) at += 24 + bytes.readUInt32BE(at + 4);
    bytes.writeUInt32BE(0x7fffffff, at + 4);
    writeFileSync(bad, bytes);
    opens.clear();
    const info = await readCaptureFile(bad, () => undefined, { hash: true, chunkSize: 1024 });
    expect(opens.get(bad)).toBe(1);
    expect(info.damage).not.toBeNull();
    expect(info.bytes).toBeLessThan(bytes.length);
    expect(info.sha256).toBe(sha(bytes));
  });

  it('analyze opens every file once, even one given for two windows', async () => {
    const r = await runCli(['analyze', '--state', `on=${onPath}@#1..#120,${onPath}@#121..#400`, '--state', `off=${offPath}`, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(opens.get(onPath)).toBe(1);
    expect(opens.get(offPath)).toBe(1);
  });

  it('inspect opens the file once', async () => {
    const r = await runCli(['inspect', onPath, '--summary']);
    expect(r.code).toBe(0);
    expect(opens.get(onPath)).toBe(1);
  });

  it('importing a file as rounds opens it once and records its SHA-256', async () => {
    const src = new ImportSource({ extract: (p) => extractAttFromFile(p), cwd: dir, hint: false });
    const ui = { info: () => undefined, warn: () => undefined, ask: async () => onPath, progress: () => ({ update: () => undefined, stop: () => undefined }) };
    const round = await src.recordRound({ state: 'on', index: 1, roundsPerState: 2, device: null } as never, ui as never);
    expect(opens.get(onPath)).toBe(1);
    expect(round.source.files).toEqual([{ path: onPath, sha256: sha(on.bytes) }]);
  });
});
