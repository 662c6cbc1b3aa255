// The watched-folder source: files written into a temp folder while it waits (a non-capture is
// skipped, a declined file is skipped, a file still growing is waited for), then read as a round.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderSource } from '../src/recorders/folder.js';
import type { RecordedRound } from '../src/recorders/source.js';
import { simulateCapture } from '../src/sim/index.js';
import { expectSwitchFound, extract, PROTOCOL, requests, ScriptedUI } from './recorders-helpers.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fast = { pollMs: 50, stableMs: 300 };

describe('watched folder source', { timeout: 120_000 }, () => {
  it('waits for a new capture, skips what is not one, waits for the size to settle, and uses it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'watched-'));
    writeFileSync(join(dir, 'old.pklg'), simulateCapture({ protocol: PROTOCOL, switchOn: true, rounds: 1, seed: 3, format: 'pklg' }).bytes);
    const cap = simulateCapture({ protocol: PROTOCOL, switchOn: true, rounds: 1, seed: 5, format: 'pklg' });
    const source = new FolderSource({ extract, folder: dir, ...fast });
    const ui = new ScriptedUI();
    const writer = (async () => {
      await sleep(300);
      writeFileSync(join(dir, 'notes.txt'), 'not a capture, just words\n');
      await sleep(300);
      writeFileSync(join(dir, 'partial.pklg.crdownload'), cap.bytes);
      await sleep(200);
      // Written in two halves, like an app still saving.
      const half = Math.floor(cap.bytes.length / 2);
      writeFileSync(join(dir, 'round1.pklg'), cap.bytes.subarray(0, half));
      await sleep(150);
      appendFileSync(join(dir, 'round1.pklg'), cap.bytes.subarray(half));
    })();
    const r = await source.recordRound(requests()[0]!, ui);
    await writer;
    expect(r.source.kind).toBe('folder');
    expect(r.source.files[0]!.path).toBe(join(dir, 'round1.pklg'));
    expect(r.source.note).toMatch(/PacketLogger/i);
    expect(r.connections).toHaveLength(1);
    expect(r.events.length).toBeGreaterThan(0);
    expect(ui.warnings.join(' ')).toMatch(/notes\.txt is not a capture this tool reads/);
    expect(ui.lines.some((l) => /New file: round1\.pklg \(\d+(\.\d)? KiB, .*PacketLogger/i.test(l))).toBe(true);
    await source.close();
  });

  it('records ON and OFF rounds saved one by one, and the analysis finds the switch bit', async () => {
    dir = mkdtempSync(join(tmpdir(), 'watched-'));
    const reqs = requests();
    let bms: ReturnType<typeof simulateCapture>['bms'] | undefined;
    let truth: ReturnType<typeof simulateCapture>['truth'] | undefined;
    const files = reqs.map((r) => {
      const cap = simulateCapture({ protocol: PROTOCOL, switchOn: r.state === 'on', rounds: 1, seed: 9, format: 'pcap-201', bms });
      bms = cap.bms;
      truth = cap.truth;
      return cap.bytes;
    });
    // The user declines the first file offered (a wrong save), then accepts.
    const ui = new ScriptedUI({ confirm: [false] });
    const source = new FolderSource({ extract, folder: dir, ...fast });
    const rounds: RecordedRound[] = [];
    for (const [i, r] of reqs.entries()) {
      const saving = (async () => {
        await sleep(200);
        if (i === 0) {
          writeFileSync(join(dir, 'wrong.pcap'), files[5]!);
          await sleep(600);
        }
        writeFileSync(join(dir, `${r.state}-${r.index}.pcap`), files[i]!);
      })();
      rounds.push(await source.recordRound(r, ui));
      await saving;
    }
    expect(rounds[0]!.source.files[0]!.path).toBe(join(dir, 'on-1.pcap'));
    expectSwitchFound(rounds, reqs, truth!);
  });

  it('a file that appears and vanishes before it is read is skipped with a warning; the next capture is used', async () => {
    dir = mkdtempSync(join(tmpdir(), 'watched-'));
    const cap = simulateCapture({ protocol: PROTOCOL, switchOn: true, rounds: 1, seed: 5, format: 'pklg' });
    const source = new FolderSource({ extract, folder: dir, ...fast });
    const ui = new ScriptedUI();
    const writer = (async () => {
      await sleep(200);
      writeFileSync(join(dir, 'flash\x1b]0;t\x07.pklg'), cap.bytes);
      await sleep(120); // seen, still settling
      rmSync(join(dir, 'flash\x1b]0;t\x07.pklg'));
      await sleep(700);
      writeFileSync(join(dir, 'round1.pklg'), cap.bytes);
    })();
    const r = await source.recordRound(requests()[0]!, ui);
    await writer;
    expect(r.source.files[0]!.path).toBe(join(dir, 'round1.pklg'));
    expect(ui.warnings.join(' ')).toMatch(/flash\\x1b\]0;t\\x07\.pklg appeared and was gone/);
    expect([...ui.warnings, ...ui.lines].join('\n')).not.toMatch(/\x1b/);
  });

  it('asks for the folder, proposing Downloads, and refuses one that does not exist', async () => {
    dir = mkdtempSync(join(tmpdir(), 'watched-'));
    const ui = new ScriptedUI({ ask: [join(dir, 'nope')] });
    await expect(new FolderSource({ extract, ...fast }).recordRound(requests()[0]!, ui)).rejects.toThrow(/nope is not a folder: give an existing folder/);
    expect(ui.lines[0]).toMatch(/Folder to watch/);
  });

  it('gives up after the timeout with a clear sentence', async () => {
    dir = mkdtempSync(join(tmpdir(), 'watched-'));
    await expect(
      new FolderSource({ extract, folder: dir, ...fast, timeoutMs: 400 }).recordRound(requests()[0]!, new ScriptedUI()),
    ).rejects.toThrow(/no new capture file appeared in .* within 0 minutes/);
  });
});
