// The btmon source against a stand-in btmon on PATH: one run per round writing a simulated
// datalink-2001 capture, stopped with SIGINT; its failures (no CAP_NET_RAW, no Bluetooth in the
// kernel, missing program, dying mid-round); the recorded rounds are analysed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BtmonSource } from '../src/recorders/btmon.js';
import type { RecordedRound } from '../src/recorders/source.js';
import { simulateCapture } from '../src/sim/index.js';
import { expectSwitchFound, extract, PROTOCOL, requests, sandbox, ScriptedUI, type Sandbox } from './recorders-helpers.js';

let box: Sandbox;
afterEach(() => box?.cleanup());

/** One btmon file per round: one app session each, the BMS kept across rounds. */
function roundCaptures(dir: string): { paths: string[]; truth: ReturnType<typeof simulateCapture>['truth'] } {
  const paths: string[] = [];
  let bms = undefined as ReturnType<typeof simulateCapture>['bms'] | undefined;
  let truth = null as ReturnType<typeof simulateCapture>['truth'] | null;
  for (const r of requests()) {
    const cap = simulateCapture({ protocol: PROTOCOL, switchOn: r.state === 'on', rounds: 1, seed: 11, format: 'btmon', bms });
    bms = cap.bms;
    truth = cap.truth;
    const p = join(dir, `round-${r.state}-${r.index}.btsnoop`);
    writeFileSync(p, cap.bytes);
    paths.push(p);
  }
  return { paths, truth: truth! };
}

describe('btmon source with a stand-in btmon', { timeout: 180_000 }, () => {
  it('records each round in its own datalink-2001 file, stops btmon with SIGINT, and the analysis finds the switch bit', async () => {
    box = sandbox(['btmon']);
    const { paths, truth } = roundCaptures(box.dir);
    box.scenario({ mode: 'ok', captures: paths });
    const source = new BtmonSource({ extract, outDir: box.out, env: box.env, platform: 'linux' });
    expect(await source.unavailableReason()).toBeNull();
    const ui = new ScriptedUI();
    const rounds: RecordedRound[] = [];
    for (const r of requests()) rounds.push(await source.recordRound(r, ui));
    await source.close();
    await source.close();
    for (const r of rounds) {
      expect(r.source.kind).toBe('btmon');
      expect(r.connections).toHaveLength(1);
      expect(r.warnings).toEqual([]);
      expect(r.source.files[0]!.path.startsWith(box.out)).toBe(true);
    }
    expectSwitchFound(rounds, requests(), truth);
    const runs = box.calls().filter((c) => c.args[0] === '-w');
    expect(runs).toHaveLength(6);
    // Each run was ended by SIGINT (btmon's clean stop), never SIGTERM.
    expect(box.calls().filter((c) => 'signal' in c).map((c) => (c as { signal?: string }).signal)).toEqual(Array(6).fill('SIGINT'));
  });

  it('passes the adapter and says so in the note', async () => {
    box = sandbox(['btmon']);
    const { paths } = roundCaptures(box.dir);
    box.scenario({ mode: 'ok', captures: paths });
    const r = await new BtmonSource({ extract, outDir: box.out, env: box.env, adapter: 'hci1' }).recordRound(requests()[0]!, new ScriptedUI());
    expect(box.calls().find((c) => c.args[0] === '-w')!.args.slice(2)).toEqual(['-i', 'hci1']);
    expect(r.source.note).toContain('-i hci1');
  });

  it('warns when btmon dies during the round and keeps what it wrote', async () => {
    box = sandbox(['btmon']);
    const { paths } = roundCaptures(box.dir);
    box.scenario({ mode: 'crash', captures: paths });
    const ui = new ScriptedUI({ onWait: () => new Promise((r) => setTimeout(r, 3000)) });
    const r = await new BtmonSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, ui);
    expect(r.warnings.join(' ')).toMatch(/btmon stopped by itself during the round \(btmon: lost the monitor socket\)/);
    expect(r.events.length).toBeGreaterThan(0);
  });
});

describe('btmon failures, each one clear sentence', { timeout: 60_000 }, () => {
  it('no permission for the monitor channel: sudo or setcap', async () => {
    box = sandbox(['btmon']);
    box.scenario({ mode: 'denied' });
    await expect(new BtmonSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, new ScriptedUI())).rejects.toThrow(
      /btmon may not open the Bluetooth monitor channel \(Failed to open channel: Operation not permitted\): it needs root or CAP_NET_RAW\. Run bms-wizard with sudo, or allow btmon once with: sudo setcap cap_net_raw,cap_net_admin\+eip/,
    );
  });

  it('a kernel without Bluetooth', async () => {
    box = sandbox(['btmon']);
    box.scenario({ mode: 'nofamily' });
    await expect(new BtmonSource({ extract, outDir: box.out, env: box.env }).recordRound(requests()[0]!, new ScriptedUI())).rejects.toThrow(
      /this Linux has no Bluetooth support here/,
    );
  });

  it('btmon missing from PATH, and other systems', async () => {
    box = sandbox([]);
    box.scenario({});
    const source = new BtmonSource({ extract, outDir: box.out, env: box.env, platform: 'linux' });
    expect(await source.unavailableReason()).toMatch(/^btmon was not found on PATH: install BlueZ/);
    await expect(source.recordRound(requests()[0]!, new ScriptedUI())).rejects.toThrow(/^btmon was not found on PATH: install BlueZ/);
    expect(await new BtmonSource({ extract, outDir: box.out, platform: 'darwin' }).unavailableReason()).toMatch(/Linux only: on macOS\/iOS use PacketLogger/);
  });
});
