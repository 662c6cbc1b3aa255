// The wizard's reading flow through its prompts: a reading alone, on windows of a real JBD capture
// (skipped without ../shared/captures), with the values the Xiaoxiang app shows for those frames.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newSession, SCHEMA_VERSION } from '../src/session/schema.js';
import { loadSession, sessionArtifacts } from '../src/session/store.js';
import { realEngine } from '../src/wizard/engine.js';
import { runWizard } from '../src/wizard/run.js';
import { corpusFile, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';
import { scriptedIO } from './wizard-helpers.js';

if (!HAVE_CORPUS) console.warn(SKIP_REASON);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.skipIf(!HAVE_CORPUS)('wizard: a reading', () => {
  // JBD basic info (bms-tools JBD_REGISTER_MAP.md): 13.70 V, 100 %, first NTC 19.5 °C in records 1–300,
  // 19.6 °C in the frame at record 515; cells 0d66 0d61 0d68 0d59 (sum 13.704 V).
  const file = corpusFile('jbd_sp04s034_l4s_200a_b_u.btsnoop');
  it('asks what the app showed per round, shows the candidates and keeps the accepted fields', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bmsw-read-'));
    dirs.push(dir);
    const s = scriptedIO([
      { q: /A switch, a reading, or both/, a: 'reading' },
      { q: /Name of the reading/, a: 'pack' },
      { q: /^Rounds/, a: '2' },
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'reading' round 1/, a: `${file}@#1..#300` },
      { q: /What did the app show during this round/, a: '13.70V soc=100% 19.5C' },
      { q: /Capture file\(s\) for 'reading' round 2/, a: `${file}@#511..#518` },
      { q: /What did the app show during this round/, a: '13.70V soc=100% 19.6C' },
      { q: /What now/, a: 'map' },
      { q: /What now/, a: 'accept' },
      { q: /Which field is reading 1/, a: 0 },
      { q: /Which field is soc/, a: 0 },
      { q: /Which field is reading 3/, a: 0 },
      { q: /voltage of cell 1 the app showed/, a: '3.430V' },
      { q: /voltage of cell 4 the app showed/, a: '3.417V' },
      { q: /Notes for the report/, a: 'JBD test' },
      { q: /Write the report/, a: true },
    ]);
    const { session, file: sessionFile } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: dir, mode: 'new', cwd: dir });
    expect(s.left()).toEqual([]);
    expect(session.step).toBe('done');
    const saved = (await loadSession(sessionFile)).session;
    expect(saved.target).toMatchObject({ kind: 'reading', states: ['reading'] });
    expect(saved.rounds.map((r) => r.shown)).toEqual([['13.70V', 'soc=100%', '19.5C'], ['13.70V', 'soc=100%', '19.6C']]);
    expect(s.output.join('\n')).toMatch(/bytes 4–5 u16 be × 0\.01 V {2}13\.7 \(13\.70V\) · 13\.7 \(13\.70V\)/);
    expect(saved.readings!.map((r) => [r.name, r.offset, r.size, r.type, r.endian, r.scale, r.add, r.unit])).toEqual([
      ['reading 1', 4, 2, 'u16', 'be', 0.01, 0, 'V'],
      ['soc', 23, 1, 'u8', null, 1, 0, '%'],
      ['reading 3', 27, 2, 'u16', 'be', 0.1, -273.1, '°C'],
      ['cells', 4, 2, 'u16', 'be', 0.001, 0, 'V'],
    ]);
    expect(saved.readings![3]!.count).toBe(4);
    // The frame map screen names the fields found in the frames.
    const text = s.output.join('\n');
    expect(text).toContain('Frame map');
    expect(text).toMatch(/ {4}23 {2}64 {3}64 {3}field soc \(u8, %\)/);
    expect(s.output.join('\n')).toContain("the app's cell values match");
    const md = await readFile(sessionArtifacts(sessionFile).md, 'utf8');
    expect(md).toContain('## Readings');
    expect(md).toMatch(/\| soc \| 0x0011, `DD 03 00 1D[^`]*`, 36 bytes \| 23 \| 1 \| u8 \| – \| 1 \| 0 \| % \| 100% → 100<br>100% → 100 \|/);
    const json = JSON.parse(await readFile(sessionArtifacts(sessionFile).json, 'utf8'));
    expect(json.readingRules[0]).toMatchObject({ frame: { handle: 0x11, startsWith: expect.stringMatching(/^dd03/), length: 36 }, offset: 4, size: 2, type: 'u16', endian: 'be', scale: 0.01, add: 0, unit: 'V' });
    expect(json.states.reading.rounds.map((r: { shown: string[] }) => r.shown)).toEqual(saved.rounds.map((r) => r.shown));
  });
  it('both: compares the states and keeps the readings of the same rounds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bmsw-read-'));
    dirs.push(dir);
    const s = scriptedIO([
      { q: /A switch, a reading, or both/, a: 'both' },
      { q: /Name of the switch/, a: 'discharge' },
      { q: /States to compare/, a: 'a,b' },
      { q: /Rounds per state/, a: '2' },
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'a' round 1/, a: `${file}@#1..#250` },
      { q: /What did the app show/, a: '13.70V 19.5C' },
      { q: /Capture file\(s\) for 'a' round 2/, a: `${file}@#251..#300` },
      { q: /What did the app show/, a: '13.70V 19.5C' },
      { q: /Capture file\(s\) for 'b' round 1/, a: `${file}@#301..#400` },
      { q: /What did the app show/, a: '13.70V 19.5C' },
      { q: /Capture file\(s\) for 'b' round 2/, a: `${file}@#401..` },
      { q: /What did the app show/, a: '13.70V 19.5C' },
      { q: /What now/, a: 'accept' },
      { q: /Which field is reading 1/, a: 0 },
      { q: /Which field is reading 2/, a: -1 },
      { q: /Accept the cell array without checking a cell/, a: false },
    ]);
    const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: dir, mode: 'new', cwd: dir });
    expect(session.target.kind).toBe('both');
    expect(session.rounds.every((r) => r.shown!.length === 2)).toBe(true);
    expect(session.readings!.map((r) => r.offset)).toEqual([4]);
    // The switch analysis ran too (nothing was switched in this capture: no unlabelled candidate).
    expect(session.analysis).not.toBeNull();
  });
  it('refuses values that do not line up with the other rounds, in one sentence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bmsw-read-'));
    dirs.push(dir);
    const s = scriptedIO([
      { q: /A switch, a reading, or both/, a: 'reading' },
      { q: /^Rounds/, a: '2' },
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'reading' round 1/, a: `${file}@#1..#300` },
      { q: /What did the app show during this round/, a: '13.70V 19.5C' },
      { q: /Capture file\(s\) for 'reading' round 2/, a: `${file}@#511..#518` },
      { q: /What did the app show during this round/, a: '19.6C 13.70V' },
    ]);
    await expect(runWizard({ io: s.io, engine: realEngine, sessionsDir: dir, mode: 'new', cwd: dir })).rejects.toThrow(/rejected: value 1 of round 2 \('19.6C'\) is in '°C' but in round 1 it is '13.70V'/);
  });
});

describe('sessions keep the shown values', () => {
  const v2 = () => {
    const s = newSession('v2', '0.1.0', new Date('2026-01-02T03:04:05Z')) as unknown as Record<string, unknown>;
    const { fields: _f, readings: _r, ...rest } = s;
    const target = { ...(s.target as Record<string, unknown>) };
    delete target.kind;
    return { ...rest, schemaVersion: 2, target, rounds: [{ state: 'on', index: 1, source: { kind: 'file', files: [] }, recordedAt: '2026-01-02T03:04:05.000Z', device: null, connections: [], otherEvents: 0, warnings: [], events: [] }] };
  };
  it('migrates a version 2 session: a switch target, no shown values, no readings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bmsw-mig-'));
    dirs.push(dir);
    const file = join(dir, 'v2.json');
    await writeFile(file, JSON.stringify(v2()));
    const { session, migratedFrom } = await loadSession(file);
    expect(migratedFrom).toBe(2);
    expect(session.schemaVersion).toBe(SCHEMA_VERSION);
    expect(session.target.kind).toBe('switch');
    expect(session.rounds[0]!.shown).toEqual([]);
    expect([session.fields, session.readings]).toEqual([null, []]);
  });
  it('refuses a stored shown value outside the grammar, naming its JSON path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bmsw-mig-'));
    dirs.push(dir);
    const file = join(dir, 'bad.json');
    const doc = { ...v2(), schemaVersion: SCHEMA_VERSION } as Record<string, unknown>;
    (doc.rounds as Record<string, unknown>[])[0]!.shown = ['13.2Q'];
    await writeFile(file, JSON.stringify(doc));
    await expect(loadSession(file)).rejects.toThrow(/at \$\.rounds\[0\]\.shown\[0\], the value '13\.2Q' has the unit 'Q'/);
  });
});
