// What every table and paragraph looks like at 60, 80 and 120 columns: nothing longer than the
// width (so the terminal never breaks a row in the middle of a number or a word), every value of
// the wide layout still whole in the narrow one, paragraphs wrapped as paragraphs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { loadCaptures } from '../src/recorders/files.js';
import { layoutTable, outputWidth, recordLines, visibleLength, wrapLine, wrapWords } from '../src/table-layout.js';
import { runWizard } from '../src/wizard/run.js';
import { realEngine } from '../src/wizard/engine.js';
import { corpusFile, HAVE_CORPUS } from './helpers/capture-corpus.js';
import { runCli } from './helpers/cli.js';
import { scriptedIO, simulatedCapture } from './wizard-helpers.js';

let root: string;
let on: string;
let off: string;
let again: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bmsw-layout-'));
  on = (await simulatedCapture(join(root, 'caps'), 'on', { switchOn: true, seed: 11 })).file;
  off = (await simulatedCapture(join(root, 'caps'), 'off', { switchOn: false, seed: 11 })).file;
  again = (await simulatedCapture(join(root, 'caps'), 'again', { switchOn: true, seed: 11, variant: 2 })).file;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const WIDTHS = [60, 80, 120];

/**
 * Lines of `text` longer than a terminal `columns` wide leaves room for (its last column stays
 * free), but for a single word longer than that (a path, a URL: nothing can break it but the terminal).
 */
function overlong(text: string, columns: number): string[] {
  return text.split('\n').filter((l) => visibleLength(l) > columns - 1 && /\S\s+\S/.test(l.trim()));
}

/** The whitespace-separated words of `text`. */
const words = (text: string): Set<string> => new Set(text.split(/\s+/).filter(Boolean));

/** The candidate section of analyze's report (up to the next blank line). */
function candidateSection(out: string): string {
  const from = out.indexOf('Candidates');
  return out.slice(from, out.indexOf('\n\n', from));
}

describe('the table layout', () => {
  const rows = [
    ['#', 'name', 'value', 'note'],
    ['1', 'voltage', '13.28', 'the pack voltage in hundredths of a volt, as the app shows it'],
    ['12', 'soc', '100', 'state of charge'],
  ];
  const columns = [{ align: 'right' as const }, {}, { align: 'right' as const }, { wrap: true }];

  it('pads columns to their widest cell when they fit, numbers on the right', () => {
    const lines = layoutTable(rows, { width: 120, columns, header: true }).map((r) => r.join('\n'));
    expect(lines).toEqual([
      ' #  name     value  note',
      ' 1  voltage  13.28  the pack voltage in hundredths of a volt, as the app shows it',
      '12  soc        100  state of charge',
    ]);
  });

  it('wraps only the text column, at spaces, under itself, when the table is too wide', () => {
    const out = layoutTable(rows, { width: 50, columns, header: true });
    expect(out[1]!.length).toBeGreaterThan(1);
    const at = out[1]![0]!.indexOf('the pack');
    for (const l of out[1]!.slice(1)) expect(l.slice(0, at).trim()).toBe('');
    expect(out[1]!.map((l) => l.slice(at)).join(' ')).toBe(rows[1]![3]);
    expect(out.flat().every((l) => l.length <= 50)).toBe(true);
  });

  it('shows each row as a record of named values when even that does not fit, never cutting a value', () => {
    const out = layoutTable(rows, { width: 30, columns, header: true });
    expect(out[0]).toEqual([]);
    expect(out[1]![0]).toMatch(/^ 1 {2}name voltage {2}value 13\.28$/);
    expect(out.flat().every((l) => l.length <= 30)).toBe(true);
    for (const w of words(rows.slice(1).flat().join(' '))) expect(words(out.flat().join('\n')).has(w), w).toBe(true);
  });

  it('keeps a fact whole on a line, and a word longer than the width whole', () => {
    expect(recordLines('#1', ['records 1–200', '0.000000..57.300000 s', '12 events'], 30, 4)).toEqual(['#1  records 1–200', '    0.000000..57.300000 s', '    12 events']);
    expect(wrapWords('a 0123456789abcdef b', 8)).toEqual(['a', '0123456789abcdef', 'b']);
  });

  it('a paragraph continues under its start, a list item under its text', () => {
    const para = '  The wizard then finds the bits that stay the same within each state and differ between them.';
    expect(wrapLine(para, 40).slice(1).every((l) => /^ {2}\S/.test(l))).toBe(true);
    const item = '  3. Then for each of the 3 rounds, when asked: restart the app, open the page with the switch.';
    expect(wrapLine(item, 40).slice(1).every((l) => /^ {5}\S/.test(l))).toBe(true);
    const tip = '  • Support is low (1 message in a state): record more rounds per state to be sure.';
    expect(wrapLine(tip, 40).slice(1).every((l) => /^ {4}\S/.test(l))).toBe(true);
  });

  it('lays out for the terminal, else COLUMNS, else 80, leaving the last column free', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 132 });
    expect(outputWidth(tty, { COLUMNS: '60' })).toBe(131);
    expect(outputWidth(new PassThrough(), { COLUMNS: '60' })).toBe(59);
    expect(outputWidth(new PassThrough(), {})).toBe(79);
    expect(outputWidth(new PassThrough(), { COLUMNS: 'wide' })).toBe(79);
  });
});

describe('analyze at 60, 80 and 120 columns', () => {
  const two = () => ['analyze', '--state', `on=${on}`, '--state', `off=${off}`];
  const three = () => ['analyze', '--state', `on=${on}`, '--state', `off=${off}`, '--state', `again=${again}`];

  it.each(WIDTHS)('two and three states on a terminal %i wide: no line longer, every table value whole', async (columns) => {
    for (const args of [two(), three()]) {
      const wide = await runCli(args, { COLUMNS: '1000' });
      const r = await runCli(args, {}, { terminal: columns });
      expect(r.code).toBe(0);
      expect(overlong(r.out, columns)).toEqual([]);
      const narrow = words(candidateSection(r.out));
      const lost = [...words(candidateSection(wide.out))].filter((w) => !narrow.has(w) && !['#', 'group', 'byte', 'bit', 'mask', 'support', 'agreement', 'label', 'score'].includes(w));
      expect(lost).toEqual([]);
    }
  });

  it('three states at 80 columns stay a table: one line a candidate under one header', async () => {
    const r = await runCli(three(), {}, { terminal: 80 });
    const lines = candidateSection(r.out).split('\n');
    expect(lines[1]).toMatch(/^ {2}# +group +byte +bit +mask +on +off +again +support +agreement +label +score$/);
    expect(lines.slice(2).every((l) => /^ +\d+ +g\d+ +\d+ /.test(l))).toBe(true);
  });

  it('without a terminal the tables are laid out for 80 columns, or COLUMNS', async () => {
    for (const [env, columns] of [[{}, 80], [{ COLUMNS: '60' }, 60]] as const) {
      const r = await runCli(three(), env);
      expect(overlong(candidateSection(r.out), columns)).toEqual([]);
    }
  });

  it.skipIf(!HAVE_CORPUS)('the Lumentree register in three states (enum byte, checksum labels) fits 80 columns as a table', async () => {
    const file = corpusFile('lumentree_inverter.btsnoop');
    const w = (from: number): string => `${file}@#${from + 3}..#${from + 18}`;
    const r = await runCli(['analyze', '--state', `one=${w(796)}`, '--state', `two=${w(815)}`, '--state', `zero=${w(834)}`, '--min-support', '1'], {}, { terminal: 80 });
    expect(overlong(r.out, 80)).toEqual([]);
    expect(r.out).toMatch(/^ {2}# group byte bit +mask one +two +zero support agreement label +score$/m);
    expect(r.out).toMatch(/^ {2}1 g1 +38 0,1 +0x03 0x01 0x02 0x00 1\/1\/1 +1\.00 +0\.65$/m);
  });

  it('at 120 columns the notes wrap as paragraphs, each under its own text', async () => {
    const r = await runCli([...three(), '--min-support', '1'], {}, { terminal: 120 });
    const notes = r.out.slice(r.out.indexOf('\nNotes'));
    expect(overlong(notes, 120)).toEqual([]);
    for (const l of notes.split('\n').slice(2).filter(Boolean)) expect(l).toMatch(/^ {2}- \S| {4}\S/);
  });
});

describe('inspect at 60 and 80 columns', () => {
  it('events in a pipe are one line each (grep sees whole events), unless COLUMNS sets a width', async () => {
    const json = (await runCli(['inspect', '--json', on])).out.trim().split('\n');
    const piped = (await runCli(['inspect', on])).out.split('\n').filter((l) => /^#\d/.test(l));
    expect(piped).toHaveLength(json.length);
    expect(piped.some((l) => l.length > 80)).toBe(true);
    const narrow = await runCli(['inspect', on], { COLUMNS: '60' });
    expect(overlong(narrow.out.split('\n').filter((l) => !l.startsWith('# ')).join('\n'), 60)).toEqual([]);
  });

  it.each([60, 80])('events: lines within %i columns, each value in rows of whole bytes that add up to the value', async (columns) => {
    const r = await runCli(['inspect', on], {}, { terminal: columns });
    expect(r.code).toBe(0);
    expect(overlong(r.out, columns)).toEqual([]);
    const json = (await runCli(['inspect', '--json', on])).out.trim().split('\n').map((l) => JSON.parse(l) as { record: number; value: string });
    const blocks = r.out.split(/\n(?=#\d)/).filter((b) => /^#\d/.test(b));
    expect(blocks).toHaveLength(json.length);
    blocks.forEach((b, i) => {
      expect(b.startsWith(`#${json[i]!.record} `)).toBe(true);
      const hex = [...b.matchAll(/^ {8}((?:[0-9a-f]{2} )*[0-9a-f]{2}) +\|/gm)].map((m) => m[1]!.replace(/ /g, '')).join('');
      expect(hex).toBe(json[i]!.value);
    });
  });

  it.each([60, 80])('--summary: devices, connections, handles and counts within %i columns', async (columns) => {
    const wide = await runCli(['inspect', '--summary', on], { COLUMNS: '1000' });
    const r = await runCli(['inspect', '--summary', on], {}, { terminal: columns });
    expect(overlong(r.out, columns)).toEqual([]);
    // Every value of the wide summary is still there, whole (the narrow one may add column names).
    const narrow = words(r.out);
    expect([...words(wide.out)].filter((w) => !narrow.has(w) && !['conn', 'handle', 'service', 'uuid', 'properties', 'events'].includes(w))).toEqual([]);
  });

  it.skipIf(!HAVE_CORPUS)('--summary of a capture with 128-bit UUIDs and a long device name fits 80 columns', async () => {
    const r = await runCli(['inspect', '--summary', corpusFile('novax_escooter.btsnoop')], {}, { terminal: 80 });
    expect(overlong(r.out, 80)).toEqual([]);
    expect(r.out).toContain('8ec90003-f315-4f60-9fb8-838830daea50');
  });
});

describe('the other commands at 60 and 80 columns', () => {
  it.each([60, 80])('sessions: one session a row or record, within %i columns', async (columns) => {
    const dir = join(root, `sessions-${columns}`);
    const s = scriptedIO([
      { q: /Name of the switch/, a: 'discharge switch of the second battery bank' },
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'on' round 1/, a: on },
      { q: /Capture file\(s\) for 'off' round 1/, a: off },
      { q: /What now/, a: 'accept' },
      { q: /Notes for the report/, a: 'x' },
      { q: /Write the report/, a: false },
    ]);
    const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: dir, mode: 'new', cwd: root });
    const r = await runCli(['sessions', '--sessions-dir', dir], {}, { terminal: columns });
    expect(r.code).toBe(0);
    expect(overlong(r.out, columns)).toEqual([]);
    expect(r.out.startsWith(session.id)).toBe(true);
    expect(words(r.out)).toContain('bank');
  });

  it.skipIf(!HAVE_CORPUS).each([60, 80])('map, fields and identify of a JBD capture within %i columns', async (columns) => {
    const file = corpusFile('jbd_sp04s034_l4s_200a_b_u.btsnoop');
    for (const args of [
      ['map', `${file}@#511..#518`, '--round', `${file}@#1..#300=13.70V soc=100% 19.5C`],
      ['fields', '--round', `${file}@#1..#300=13.70V soc=100% 19.5C`],
      ['identify', file],
    ]) {
      const r = await runCli(args, {}, { terminal: columns });
      expect(r.code, r.err).toBe(0);
      expect(overlong(r.out, columns), args[0]).toEqual([]);
    }
    const map = await runCli(['map', `${file}@#511..#518`, '--round', `${file}@#1..#300=13.70V soc=100% 19.5C`], {}, { terminal: 80 });
    expect(map.out).toMatch(/^ {4}33 {2}fa {3}fa {3}checksum 0x10000-sum16 of bytes 2\.\.32 at byte 33 \(big-endian\)\n {18}\(bytes 33–34\)$/m);
  });
});

describe("the wizard's screens at 60, 80 and 120 columns", () => {
  const script = () => [
    { q: /Name of the switch/, a: 'discharge switch' },
    { q: /States to compare/, a: 'on,off,again' },
    { q: /Source of the rounds/, a: 'import' },
    { q: /Capture file\(s\) for 'on' round 1/, a: on },
    { q: /Capture file\(s\) for 'off' round 1/, a: off },
    { q: /Capture file\(s\) for 'again' round 1/, a: again },
    { q: /What now/, a: 'accept' },
    { q: /Notes for the report/, a: 'x' },
    { q: /Write the report/, a: false },
  ];

  it.each(WIDTHS)('first screen, rounds, results (three states), heatmap and recap within %i columns', async (columns) => {
    const s = scriptedIO(script(), { columns });
    await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(root, `wiz-${columns}`), mode: 'new', cwd: root });
    const text = s.output.join('\n');
    expect(overlong(text, columns)).toEqual([]);
    expect(text).toMatch(/Candidates \(best first\)/);
    expect(text).toMatch(/Heatmap of g\d+/);
    if (columns >= 80) expect(text).toMatch(/^ {2}# +group +byte +bit +mask +on +off +again +support +agreement +label +score$/m);
    // The first screen's paragraph reads as one: its lines continue at the same indent, no line is a stub.
    const start = s.output.findIndex((l) => l.startsWith('Pick one switch'));
    const para = s.output[start]!.split('\n');
    if (columns < 200) expect(para.length).toBeGreaterThan(1);
    expect(para.join(' ')).toContain('the wizard then finds the bits that stay the same within each state and differ between them.');
  });

  it('the sources that are off here are explained after the source menu, not before it', async () => {
    const s = scriptedIO(script(), { columns: 80 });
    await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(root, 'wiz-sources'), mode: 'new', cwd: root, env: { PATH: '' } });
    const menu = s.transcript.findIndex((l) => l === '? Source of the rounds');
    const block = s.transcript.findIndex((l) => l.startsWith('Not available on this machine'));
    expect(menu).toBeGreaterThan(0);
    expect(block).toBeGreaterThan(menu);
    // Only the heading of the section comes between the question that asks and the menu.
    expect(s.transcript.slice(s.transcript.lastIndexOf('', menu), menu).filter((l) => l.trim() && !/Where does the traffic come from/.test(l))).toEqual([]);
    expect(s.transcript[block + 1]).toMatch(/^ {2}(adb|btmon|folder|gatt)\b/);
  });
});

describe('the values a candidate table shows are bytes the hex view can show', () => {
  /** Candidates whose value in no state is what the group's example holds in the candidate's bits. */
  const mismatched = async (stateArgs: string[], minSupport = 2): Promise<string[]> => {
    const { rounds, context } = await loadCaptures(stateArgs);
    const r = analyze(rounds, { learnFrom: context, minSupport });
    expect(r.candidates.length).toBeGreaterThan(0);
    return r.candidates.slice(0, 20).flatMap((c) => {
      const ex = Buffer.from(r.groups.find((g) => g.id === c.group)!.example, 'hex')[c.byte]!;
      const mask = parseInt(c.mask, 16);
      const values = Object.values(c.values);
      const shown = c.kind === 'byte' ? values.some((v) => (v & mask) === (ex & mask)) : values.some((v) => v === ((ex & mask) ? 1 : 0));
      return shown ? [] : [`${c.group} byte ${c.byte} ${c.mask} (${c.label ?? 'unlabelled'}): example 0x${ex.toString(16)}, values ${JSON.stringify(c.values)}`];
    });
  };

  it('three simulated states, checksum bytes included', async () => {
    expect(await mismatched([`on=${on}`, `off=${off}`, `again=${again}`])).toEqual([]);
  });

  it.skipIf(!HAVE_CORPUS)('Lumentree registers in three and two states (checksum-labelled bytes among the candidates)', async () => {
    const file = corpusFile('lumentree_inverter.btsnoop');
    const w = (from: number): string => `${file}@#${from + 3}..#${from + 18}`;
    expect(await mismatched([`one=${w(796)}`, `two=${w(815)}`, `zero=${w(834)}`], 1)).toEqual([]);
    expect(await mismatched([`off=${w(853)}`, `on=${w(872)}`], 1)).toEqual([]);
  });
});

describe('--help at 60 and 80 columns', () => {
  const commands = ['wizard', 'demo', 'explore', 'inspect', 'analyze', 'fields', 'map', 'identify', 'sessions', 'resume', 'export'];

  it.each([60, 80])('the main help and every command help within %i columns, nothing lost, examples still whole commands', async (columns) => {
    for (const args of [['--help'], ...commands.map((c) => [c, '--help'])]) {
      const wide = await runCli(args, { COLUMNS: '1000' });
      const r = await runCli(args, { COLUMNS: String(columns) });
      expect(r.code).toBe(0);
      expect(overlong(r.out, columns), args.join(' ')).toEqual([]);
      // The same words in the same order, but for the shell continuations of long examples.
      const flat = (t: string): string => t.replace(/ \\\n\s+/g, ' ').replace(/\s+/g, ' ');
      expect(flat(r.out), args.join(' ')).toBe(flat(wide.out));
      // Each example a command: its continued rows joined give the example as written.
      for (const ex of wide.out.split('\n').filter((l) => /^ {2}bms-wizard /.test(l))) expect(r.out.replace(/ \\\n {6}/g, ' ')).toContain(ex);
    }
  });

  it('an option whose text does not fit beside it at 80 columns continues under its text', async () => {
    const r = await runCli(['analyze', '--help'], { COLUMNS: '80' });
    expect(r.out).toMatch(/^ {2}--state LABEL=FILES {5}captures of one state, comma-separated \(repeat\n {26}--state for more states or files\)\./m);
  });
});
