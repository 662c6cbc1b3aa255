// Shared by the recorder tests: stand-in executables on PATH, scenarios, a scripted SourceUI,
// simulated ON/OFF captures and the check that analysis finds the simulated bit.
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { extractAttFromFile } from '../src/hci/extract-file.js';
import type { HciPacket, Round } from '../src/model.js';
import type { ExtractFile } from '../src/hci/extract-file.js';
import type { RecordedRound, RoundRequest, SourceUI } from '../src/recorders/source.js';
import { simulateCapture, writeBtsnoop, type SimulatedCapture } from '../src/sim/index.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bin');

export const extract: ExtractFile = (path) => extractAttFromFile(path);

export interface Sandbox {
  dir: string;
  out: string;
  env: NodeJS.ProcessEnv;
  scenario(s: Record<string, unknown>): void;
  /** The calls the stand-in received, in order. */
  calls(): { serial?: string | null; args: string[] }[];
  cleanup(): void;
}

/**
 * A temp dir whose bin/ holds copies of the named stand-ins, prepended to PATH (with only node's
 * own folder after it, so a real adb/btmon on this machine can never answer).
 */
export function sandbox(tools: ('adb' | 'btmon')[]): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'recorders-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const t of tools) {
    copyFileSync(join(BIN, t), join(bin, t));
    chmodSync(join(bin, t), 0o755);
  }
  copyFileSync(join(BIN, 'package.json'), join(bin, 'package.json'));
  const scenarioPath = join(dir, 'scenario.json');
  const log = join(dir, 'calls.jsonl');
  return {
    dir,
    out: join(dir, 'out'),
    env: { ...process.env, PATH: [bin, dirname(process.execPath)].join(delimiter), STANDIN_SCENARIO: scenarioPath },
    scenario(s) {
      writeFileSync(scenarioPath, JSON.stringify({ log, ...s }));
      rmSync(`${scenarioPath}.state.json`, { force: true });
    },
    calls() {
      return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A SourceUI that answers with defaults (or scripted answers) and remembers what was said. */
export class ScriptedUI implements SourceUI {
  readonly lines: string[] = [];
  readonly warnings: string[] = [];
  constructor(
    private readonly answers: { ask?: string[]; confirm?: boolean[]; onWait?: () => Promise<void> | void } = {},
  ) {}
  info(m: string): void {
    this.lines.push(m);
  }
  warn(m: string): void {
    this.warnings.push(m);
  }
  async confirm(m: string, d: boolean): Promise<boolean> {
    this.lines.push(`? ${m}`);
    return this.answers.confirm?.shift() ?? d;
  }
  async ask(m: string, d?: string): Promise<string> {
    this.lines.push(`? ${m}`);
    return this.answers.ask?.shift() ?? d ?? '';
  }
  async waitForUser(m: string): Promise<void> {
    this.lines.push(`⏎ ${m}`);
    await this.answers.onWait?.();
  }
  progress(text: string): { update(t: string): void; stop(t?: string): void } {
    this.lines.push(`… ${text}`);
    return { update: (t) => this.lines.push(`… ${t}`), stop: (t) => t && this.lines.push(`✓ ${t}`) };
  }
}

export const PROTOCOL = 'jbd';
export const STATES = ['on', 'off'] as const;

/** Three app sessions with the switch on, then (a minute later, same BMS) three with it off. */
export function simulatedPhoneLog(): { on: SimulatedCapture; off: SimulatedCapture; packets: HciPacket[] } {
  const on = simulateCapture({ protocol: PROTOCOL, switchOn: true, rounds: 3, seed: 7 });
  const onEnd = on.packets[on.packets.length - 1]!.t!;
  const off = simulateCapture({ protocol: PROTOCOL, switchOn: false, rounds: 3, seed: 7, start: onEnd + 60_000_000, bms: on.bms });
  const packets = [...on.packets, ...off.packets].map((p, i) => ({ ...p, record: i + 1 }));
  return { on, off, packets };
}

/** The connections (app sessions) of a packet list, as time spans, by reading it like a capture. */
export async function sessionSpans(packets: HciPacket[], dir: string): Promise<{ start: number; end: number }[]> {
  const path = join(dir, `spans-${Math.random().toString(36).slice(2)}.btsnoop`);
  writeFileSync(path, writeBtsnoop(packets, { datalink: 1002 }));
  const x = await extractAttFromFile(path);
  rmSync(path);
  return x.result.connections.filter((c) => x.events.some((e) => e.conn === c.conn)).map((c) => ({ start: c.start!, end: c.end! }));
}

export function requests(): RoundRequest[] {
  return STATES.flatMap((state) => [1, 2, 3].map((index) => ({ state, index, roundsPerState: 3, device: null })));
}

/** Analyses recorded rounds and checks that the best unlabelled candidate is the simulated switch bit. */
export function expectSwitchFound(recorded: RecordedRound[], reqs: RoundRequest[], truth: SimulatedCapture['truth']): void {
  const rounds: Round[] = recorded.map((r, i) => ({ state: reqs[i]!.state, index: reqs[i]!.index, source: r.source, events: r.events }));
  for (const r of rounds) expect(r.events.length, `round ${r.state} ${r.index} has ATT events`).toBeGreaterThan(0);
  const result = analyze(rounds);
  const best = result.candidates.find((c) => c.label === null);
  expect(best, 'a candidate was found').toBeDefined();
  expect({ byte: best!.byte, bit: best!.bit }).toEqual({ byte: truth.byte, bit: truth.bit });
  expect(best!.values.on).toBe(truth.on);
}
