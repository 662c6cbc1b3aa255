// The wizard's result screen and what a user does from it: the candidate table and hex view
// with the bits marked, the advice when the answer is ambiguous, redoing one round, recording
// another state; and the round feedback (where the round came from, redo offered first when
// the device sent nothing).
import type { AnalysisResult } from '../src/analysis/types.js';
import { completeResult } from '../src/session/complete.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { ImportSource } from '../src/recorders/import.js';
import { reportMarkdown } from '../src/export/markdown.js';
import { buildReport } from '../src/export/report.js';
import { realEngine } from '../src/wizard/engine.js';
import { runWizard } from '../src/wizard/run.js';
import { makeStyle } from '../src/wizard/style.js';
import { wrapLine } from '../src/table-layout.js';
import { bitsView, framingSwitches, nextSteps, resultsView } from '../src/wizard/view.js';
import { scriptedIO, simulatedCapture } from './wizard-helpers.js';

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/captures');
const plain = makeStyle(false);

let root: string;
let caps: { on: string; off: string; on2: string; other: string; truth: { byte: number; bit: number } };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bmsw-res-'));
  const d = join(root, 'captures');
  const on = await simulatedCapture(d, 'dsg_on', { switchOn: true, seed: 11, format: 'btsnoop' });
  const off = await simulatedCapture(d, 'dsg_off', { switchOn: false, seed: 11, format: 'pklg' });
  const on2 = await simulatedCapture(d, 'dsg_on_again', { switchOn: true, seed: 11, rounds: 1, format: 'btsnoop', variant: 2 });
  const other = await simulatedCapture(d, 'someone-else', { protocol: 'daly', switchOn: true, seed: 99, rounds: 1 });
  caps = { on: on.file, off: off.file, on2: on2.file, other: other.file, truth: on.truth };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('wizard result screen', () => {
  it('shows the candidate table, a hex view with the true bit marked in hex and binary, and what next', async () => {
    const s = scriptedIO([
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'on' round 1/, a: caps.on },
      { q: /Capture file\(s\) for 'off' round 1/, a: caps.off },
      { q: /What now/, a: 'accept' },
      { q: /Write the report/, a: false },
    ]);
    const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(root, 'screen'), mode: 'new', cwd: root });
    const text = s.output.join('\n');
    // Where each round came from: one file with three app sessions fills three rounds.
    expect(text).toMatch(/3 app sessions \(connections\) found: rounds 1–3 of 'on'/);
    expect(text).toMatch(/from: dsg_on\.btsnoop, app session 1 of 3 \(connection \d+\)/);
    // The table's header and the true bit as row 1.
    expect(text).toMatch(/#\s+group\s+byte\s+bit\s+mask\s+on\s+off\s+support\s+agreement\s+label\s+score/);
    expect(text).toMatch(new RegExp(`\\n\\s+1\\s+g\\d+\\s+${caps.truth.byte}\\s+${caps.truth.bit}\\s+0x02\\s+1\\s+0\\s`));
    // Hex view: the byte in brackets (no colour), then its bits with the candidate bit in brackets.
    const byteLine = text.split('\n').find((l) => new RegExp(`^\\s+byte ${caps.truth.byte} = 0x`).test(l));
    expect(byteLine).toBeDefined();
    expect(byteLine).toMatch(/= [01]{4} [01]{2}\[1\][01]\s+#1 bit 1: on 1, off 0/);
    expect(text).toMatch(/What next\n {2}• /);
    expect(session.accepted?.byte).toBe(caps.truth.byte);
    expect(s.left()).toEqual([]);
  });

  it('redoing one round from the results asks for that round only and re-runs the analysis', async () => {
    const s = scriptedIO([
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'on' round 1/, a: caps.on },
      { q: /Capture file\(s\) for 'off' round 1/, a: caps.off },
      { q: /What now/, a: 'redo' },
      { q: /Which round/, a: 'on#2' },
      { q: /Capture file\(s\) for 'on' round 2/, a: caps.on2 },
      { q: /What now/, a: 'accept' },
      { q: /Write the report/, a: false },
    ]);
    const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(root, 'redo'), mode: 'new', cwd: root });
    const on = session.rounds.filter((r) => r.state === 'on').sort((a, b) => a.index - b.index);
    expect(on.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(on[1]!.source.files[0]!.path).toBe(caps.on2);
    expect(on[0]!.source.files[0]!.path).toBe(caps.on);
    // Only the missing round was asked for: the instructions say once.
    expect(s.output.join('\n')).toMatch(/4\. Once: start the app/);
    expect(s.asked.filter((q) => /Capture file/.test(q))).toHaveLength(3);
    expect(session.accepted?.byte).toBe(caps.truth.byte);
    expect(s.left()).toEqual([]);
  });

  it('records another state from the results, with what to set in the app, and reports it', async () => {
    const third = await simulatedCapture(join(root, 'captures'), 'dsg_on_b', { switchOn: true, seed: 11, format: 'btsnoop', variant: 3 });
    const s = scriptedIO([
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'on' round 1/, a: caps.on },
      { q: /Capture file\(s\) for 'off' round 1/, a: caps.off },
      { q: /What now/, a: 'state' },
      { q: /Name of the new state/, a: 'on-b' },
      { q: /What to set in the app for 'on-b'/, a: 'discharge ON, charge OFF' },
      { q: /App set for 'on-b' and verified/, a: '' },
      { q: /Capture file\(s\) for 'on-b' round 1/, a: third.file },
      { q: /What now/, a: 'accept' },
      { q: /Write the report/, a: false },
    ]);
    const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(root, 'third'), mode: 'new', cwd: root });
    expect(session.target.states).toEqual(['on', 'off', 'on-b']);
    expect(session.rounds.filter((r) => r.state === 'on-b')).toHaveLength(3);
    expect(Object.keys(session.analysis!.result.states).sort()).toEqual(['off', 'on', 'on-b']);
    expect(s.output.join('\n')).toMatch(/1\. In the vendor app: discharge ON, charge OFF\./);
    const md = reportMarkdown(buildReport(session));
    expect(md).toMatch(/- State `on-b`: discharge ON, charge OFF/);
    expect(s.left()).toEqual([]);
  });

  it('offers to redo a round first when the device sent nothing in it', async () => {
    const s = scriptedIO([
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'on' round 1/, a: caps.on },
      // Round 1 of 'off' from another device's capture: no answer to "Redo" takes the default.
      { q: /Capture file\(s\) for 'off' round 1/, a: caps.other },
      { q: /Capture file\(s\) for 'off' round 1/, a: caps.off },
      { q: /What now/, a: 'accept' },
      { q: /Write the report/, a: false },
    ]);
    const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(root, 'empty'), mode: 'new', cwd: root });
    expect(s.output.join('\n')).toMatch(/no traffic from the device/);
    expect(session.rounds.every((r) => r.source.files[0]!.path !== caps.other)).toBe(true);
    expect(s.left()).toEqual([]);
  });
});

describe('what next', () => {
  // A result as an older session file stores it; loading fills in the rest (session/complete.ts).
  const stored = (cands: Partial<AnalysisResult['candidates'][number]>[]) => ({
    states: { on: { captures: 1, messages: 9 }, off: { captures: 1, messages: 9 } },
    groups: [{ id: 'g1', handle: 17, dir: 'device-to-app', key: 'auto', prefix: 'dd03', length: 4, frames: 'none', messages: { on: 9, off: 9 }, example: 'dd030203' }],
    candidates: cands.map((c) => ({ group: 'g1', byte: 3, bit: 1, mask: '0x02', values: { on: 1, off: 0 }, support: { on: 9, off: 9 }, agreement: 1, label: null, score: 0.9, ...c })),
    findings: [],
  });
  const base = (cands: Partial<AnalysisResult['candidates'][number]>[]): AnalysisResult => completeResult(stored(cands));

  it('says which bits cannot be told apart and suggests another state', () => {
    const tips = nextSteps(base([{ byte: 3 }, { byte: 2, bit: 0, mask: '0x01', score: 0.88 }]), ['on', 'off'], 3);
    expect(tips.join(' ')).toMatch(/#1, #2 change together .*third state/);
  });

  it('speaks of the wizard\'s settings where the analysis names analyze\'s options', () => {
    const r: AnalysisResult = { ...base([]), notes: [{ code: 'no-bit' }, { code: 'weak-differences', count: 2, minSupport: 2, rankWith: 1, example: { group: 'g1', byte: 3, mask: '0x02' } }] };
    const tips = nextSteps(r, ['on', 'off'], 3).join('\n');
    expect(tips).not.toMatch(/--/);
    expect(tips).toMatch(/change the analysis settings \(framing, grouping\)/);
    expect(tips).toMatch(/minimum messages per state 1 \(analysis settings\)/);
  });

  it('offers the runner-up framing of a close call as a menu entry, once, and not when it is the setting already', () => {
    const close = { code: 'framing-close' as const, handle: 0x11, dir: 'device-to-app' as const, chosen: 'none', chosenScore: 0.5, runnerUp: 'request', runnerUpScore: 0.46, setting: 'request' };
    const r: AnalysisResult = { ...base([]), notes: [close, { ...close, handle: 0x12 }] };
    expect(framingSwitches(r)).toEqual([{ name: expect.stringMatching(/^Re-run with framing request \(the close runner-up for handle 0x0011: request\)$/), value: 'frames:request' }]);
    expect(nextSteps(r, ['on', 'off'], 3).join('\n')).toMatch(/close call: none .* try framing request \(analysis settings\)/);
    expect(framingSwitches({ ...r, settings: { frames: 'request', key: 'auto', minAgreement: 0.9, minSupport: 2, handle: null, device: null } })).toEqual([]);
  });

  it('shows notes of session files written before notes were data as they were worded', () => {
    const r: AnalysisResult = completeResult({ ...stored([]), notes: ['state on has only 1 round: record at least 2 (3 is better)'] });
    expect(nextSteps(r, ['on', 'off'], 3).join('\n')).toMatch(/state on has only 1 round/);
  });

  it('asks for more rounds when support is low, and says when nothing differs', () => {
    expect(nextSteps(base([{ support: { on: 2, off: 2 } }]), ['on', 'off'], 2).join(' ')).toMatch(/Support is low \(2 messages in a state\)/);
    expect(nextSteps(base([]), ['on', 'off'], 3).join(' ')).toMatch(/No bit differs between the states/);
    expect(nextSteps(base([{ label: 'counter' }]), ['on', 'off'], 3).join(' ')).toMatch(/Every candidate has another explanation/);
  });

  it('renders a stored result written before groups had labels and candidates had bits', () => {
    const lines = resultsView(base([{}]), ['on', 'off'], plain).join('\n');
    expect(lines).toMatch(/0 {2}dd {2}03 {2}02 \[03\]/);
    expect(lines).toMatch(/byte 3 = 0x03 = 0000 00\[1\]1 {3}#1 bit 1: on 1, off 0/);
  });
});

describe('terminal helpers', () => {
  it('bitsView marks the mask bits, most significant first', () => {
    expect(bitsView(0x03, 0x02, plain)).toBe('0000 00[1]1');
    expect(bitsView(0xa0, 0x60, plain)).toBe('1[0][1]0 0000');
  });

  it('wrapLine breaks between words, a list item under its text, and never splits a word', () => {
    const line = '  4. 3 times: start the app, open the page with the switch, wait a few seconds, do NOT touch it';
    const out = wrapLine(line, 40);
    expect(out.length).toBeGreaterThan(1);
    expect(out.every((l) => l.length <= 40)).toBe(true);
    expect(out.slice(1).every((l) => l.startsWith('     ') && !l.startsWith('      '))).toBe(true);
    expect(out.map((l) => l.trim()).join(' ')).toBe(line.trim());
    expect(wrapLine('short', 40)).toEqual(['short']);
  });
});

describe('import windows on a real capture', () => {
  const daly = join(CORPUS, 'daly_dsg_onoff.packetlogger.txt');
  it.skipIf(!existsSync(daly))('an empty window says where the file\'s ATT traffic is', async () => {
    const src = new ImportSource({ extract: realEngine.extract, cwd: CORPUS });
    const ui = { info() {}, warn() {}, confirm: async () => false, ask: async () => `${daly}@#1..#2`, waitForUser: async () => {}, progress: () => ({ update() {}, stop() {} }) };
    const err = await src.recordRound({ state: 'on', index: 1, roundsPerState: 2, device: null, previous: [] }, ui).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/no ATT traffic inside the window #1\.\.#2; its ATT traffic is in records #3\.\.#19/);
  });
});

describe('windows of one long real capture', () => {
  const lumentree = join(CORPUS, 'lumentree_inverter.btsnoop');
  it.skipIf(!existsSync(lumentree))('frames are learnt from the whole file, as analyze does (Lumentree Modbus answers in tiny notifications)', async () => {
    // Register 166 written 0 at record #720 and 1 at #739; the app reads registers 150–206 after each.
    const s = scriptedIO([
      { q: /Name of the switch/, a: 'overtemp auto restart' },
      { q: /States to compare/, a: 'off,on' },
      { q: /Rounds per state/, a: '2' },
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'off' round 1/, a: `${lumentree}@#721..#738` },
      { q: /Capture file\(s\) for 'off' round 2/, a: `${lumentree}@#700..#719` },
      { q: /Capture file\(s\) for 'on' round 1/, a: `${lumentree}@#740..#757` },
      { q: /Capture file\(s\) for 'on' round 2/, a: `${lumentree}@#759..#776` },
    ]);
    const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(root, 'lumentree'), mode: 'new', cwd: root, stopAt: 'results' });
    expect(session.rounds.map((r) => r.source.window)).toEqual([
      { unit: 'records', from: 721, to: 738 },
      { unit: 'records', from: 700, to: 719 },
      { unit: 'records', from: 740, to: 757 },
      { unit: 'records', from: 759, to: 776 },
    ]);
    // The 119-byte answer to 01 03 0096 0039 (3 + 2·57 + 2), reassembled from its tiny notifications.
    const g = session.analysis!.result.groups.find((x) => x.dir === 'device-to-app' && x.length === 119);
    expect(g, session.analysis!.result.groups.map((x) => `${x.id} ${x.length} ${x.frames}`).join('; ')).toBeDefined();
    expect(g!.prefix.startsWith('0103')).toBe(true);
    expect(s.left()).toEqual([]);
  });
});

