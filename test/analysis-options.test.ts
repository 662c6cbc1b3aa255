// One grammar for the analysis settings: the command line and the wizard accept the same texts,
// refuse the same texts with the same words, and a flag given to the wizard is used by its analysis.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsFromSettings, parseSetting, SettingError, SETTINGS } from '../src/analysis/options.js';
import { flagError, settingsFromFlags, WIZARD_SETTINGS } from '../src/commands/analysis-flags.js';
import { realEngine } from '../src/wizard/engine.js';
import { runWizard } from '../src/wizard/run.js';
import { runCli } from './helpers/cli.js';
import { scriptedIO, simulatedCapture } from './wizard-helpers.js';

describe('the settings grammar', () => {
  it('takes the union of what the command line and the wizard used to accept', () => {
    expect(parseSetting('key', 'prefix:0')).toEqual({ kind: 'prefix', n: 0 }); // once only on the command line
    expect(parseSetting('key', 'prefix:100')).toEqual({ kind: 'prefix', n: 100 }); // once only in the wizard
    expect(parseSetting('frames', 'gap:0.5')).toEqual({ kind: 'gap', ms: 0.5 });
    expect(SETTINGS.frames.describe(parseSetting('frames', 'marker:DD A5'))).toBe('marker:dda5');
    expect(parseSetting('minAgreement', '1')).toBe(1);
    expect(parseSetting('handle', '0x0011')).toBe(17);
    expect(parseSetting('device', 'C8-47-8C-E8-82-09')).toBe('c8:47:8c:e8:82:09');
  });

  it('refuses what has no meaning', () => {
    for (const [name, text] of [
      ['frames', 'gap:0'],
      ['frames', 'gap:-5'],
      ['frames', 'marker:'],
      ['frames', 'marker:d'],
      ['key', 'prefix:x'],
      ['key', 'prefix:-1'],
      ['minAgreement', '0.5'], // a state's "constant" bit must be its majority value
      ['minAgreement', ''],
      ['minSupport', '0'],
      ['minSupport', '1.5'],
      ['handle', '0'],
      ['handle', '0x10000'],
      ['device', 'nope'],
    ] as const) {
      expect(() => parseSetting(name, text), `${name} ${text}`).toThrow(SettingError);
    }
  });

  it('writes a parsed value back as text that parses to the same value', () => {
    for (const [name, text] of [['frames', 'marker:0xDD'], ['frames', 'gap:50'], ['key', 'prefix:4'], ['key', 'request'], ['handle', '17']] as const) {
      const grammar = SETTINGS[name] as { parse(t: string): unknown; describe(v: unknown): string };
      const value = grammar.parse(text);
      expect(grammar.parse(grammar.describe(value))).toEqual(value);
    }
  });

  it('stored settings become options; ones that no longer parse are left to the analysis', () => {
    expect(optionsFromSettings({ frames: 'gap:20', key: 'prefix:4', minAgreement: 0.8, minSupport: 3, handle: null })).toEqual({
      frames: { kind: 'gap', ms: 20 },
      key: { kind: 'prefix', n: 4 },
      minAgreement: 0.8,
      minSupport: 3,
    });
    expect(optionsFromSettings({ frames: 'magic', key: 'auto' })).toEqual({ key: { kind: 'auto' } });
  });

  it('the command line and the wizard word a refusal with the same expectation', async () => {
    const flag = flagError(new SettingError('key', 'prefix:x', SETTINGS.key.expected)).message;
    expect(flag).toBe(`--key 'prefix:x' is not understood; use ${SETTINGS.key.expected}`);
    expect(() => settingsFromFlags({ 'min-support': '0' }, ['minSupport'])).toThrow(/^--min-support '0' is not understood; use a whole number/);
    for (const command of ['wizard', 'resume']) {
      const r = await runCli([command, '--frames', 'magic']);
      expect(r.code).toBe(2);
      expect(r.err.trim()).toBe(`error: --frames 'magic' is not understood; use ${SETTINGS.frames.expected}`);
    }
  });
});

describe('the wizard takes the analysis flags', () => {
  let root: string;
  let caps: { on: string; off: string };
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'bmsw-opts-'));
    const on = await simulatedCapture(join(root, 'captures'), 'on', { switchOn: true, seed: 21, format: 'btsnoop' });
    const off = await simulatedCapture(join(root, 'captures'), 'off', { switchOn: false, seed: 21, format: 'btsnoop' });
    caps = { on: on.file, off: off.file };
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('uses --key/--min-support given on its command line for the analysis, without asking', async () => {
    const { stored } = settingsFromFlags({ key: 'prefix:4', 'min-support': '3' }, WIZARD_SETTINGS);
    const s = scriptedIO([
      { q: /Rounds per state/, a: '2' }, // each capture holds two app sessions
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'on' round 1/, a: caps.on },
      { q: /Capture file\(s\) for 'off' round 1/, a: caps.off },
      { q: /What now/, a: 'accept' },
    ]);
    const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(root, 'sessions'), mode: 'new', cwd: root, settings: stored });
    expect(s.left()).toEqual([]);
    expect(s.asked.some((q) => /Grouping key|Minimum messages/.test(q))).toBe(false);
    expect(session.analysis!.settings).toMatchObject({ key: 'prefix:4', minSupport: 3 });
    expect(session.analysis!.result.settings).toMatchObject({ key: 'prefix:4', minSupport: 3 });
  });
});
