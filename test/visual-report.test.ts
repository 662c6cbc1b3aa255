// The visual report (export --format html), the SVG heatmaps beside the markdown, and the
// terminal heatmap: the model behind them, then the real consumers — the HTML and SVG in a real
// headless Chromium (no console errors, no network, elements drawn), the wizard's results screen.
import { existsSync, mkdirSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { heatLevel } from '../src/analysis/heat-level.js';
import { heatmapModel } from '../src/analysis/heatmap.js';
import { heatmapCells, heatmapLines } from '../src/analysis/heatmap-text.js';
import type { Message } from '../src/analysis/types.js';
import { loadCaptures } from '../src/recorders/files.js';
import { heatColour } from '../src/export/heat-colours.js';
import { heatmapSvg } from '../src/export/svg-heatmap.js';
import { acceptCandidate } from '../src/session/finding.js';
import { sessionRounds, storeRound } from '../src/session/rounds.js';
import { acceptReading } from '../src/session/readings.js';
import { findFields } from '../src/analysis/readings.js';
import { parseShownValue } from '../src/analysis/shown.js';
import { newSession, type Session } from '../src/session/schema.js';
import { loadSession, saveSession } from '../src/session/store.js';
import { cli } from './wizard-helpers.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CORPUS = resolve(HERE, '../../shared/captures');
const OUTPUT = join(HERE, '.output', 'visual-report');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;
if (!CHROMIUM) console.warn('visual-report: no chromium at /usr/bin/chromium, skipping the browser tests (CI installs the Debian package)');

function msg(state: string, round: number, record: number, bytes: number[]): Message {
  return { state, round, record, bytes: Uint8Array.from(bytes), t: record * 1000, parts: 1, request: null, orphan: false, handle: 0x11, dir: 'device-to-app' };
}

describe('heatmap model', () => {
  // byte 0 constant, byte 1 the state (1 on, 0 off), byte 2 a counter, byte 3 noise-like, byte 4 only in some frames.
  const frames: Message[] = [];
  let rec = 0;
  for (const [state, round] of [['on', 0], ['on', 1], ['off', 2]] as const) {
    for (let i = 0; i < 10; i++) {
      rec++;
      frames.push(msg(state, round, rec, [0xdd, state === 'on' ? 1 : 0, rec & 0xff, (rec * 97) & 0xff, ...(i % 2 ? [7] : [])]));
    }
  }
  const m = heatmapModel(frames, ['on', 'off']);

  it('classifies each byte as Cabana does, plus the state byte', () => {
    expect(m.width).toBe(5);
    expect(m.behaviour.slice(0, 4)).toEqual(['static', 'state', 'rising', 'noisy']);
    expect(m.byteChange[0]).toBe(0);
    expect(m.byteChange[2]).toBe(1);
  });

  it('keeps a row band inside one round and says where frames are too short', () => {
    expect(m.rows.length).toBe(30);
    for (const row of m.rows) expect(row.frames).toBe(1);
    const rows = heatmapModel(frames, ['on', 'off'], 4).rows;
    expect(rows.map((r) => r.round)).toEqual([0, 1, 2]); // fewer rows than rounds: one per round
    expect(rows.every((r) => r.frames === 10)).toBe(true);
    // byte 4 exists only in odd frames: a one-frame row of an even frame has no cell there.
    expect(Number.isNaN(m.byteShare[1 * m.width + 4]!)).toBe(false);
    expect(Number.isNaN(m.byteShare[2 * m.width + 4]!)).toBe(true);
  });

  it('counts bits per state: constant 1, constant 0, varying', () => {
    expect(m.perState.on![1]!.ones[0]).toBe(20);
    expect(m.perState.off![1]!.ones[0]).toBe(0);
    expect(m.bitShare[(5 * m.width + 2) * 8 + 0]).toBe(1); // the counter's bit 0 flips every frame
  });

  it('levels follow one scale everywhere', () => {
    expect([0, 0.01, 0.05, 0.2, 0.5, 1].map(heatLevel)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(heatLevel(Number.NaN)).toBe(-1);
  });

  it('the SVG draws exactly the model: every cell of every row with the level colour', () => {
    const svg = heatmapSvg({ title: 'g1 <script>', model: m, states: ['on', 'off'], candidates: [1], labels: [{ byte: 2, label: 'counter' }] });
    expect(svg).not.toContain('<script>');
    const cells = [...svg.matchAll(/<rect class="cell" data-row="(\d+)" data-from="(\d+)" data-to="(\d+)" data-level="(-?\d+)"[^>]* fill="(#[0-9a-f]{6})"/g)];
    const seen = new Set<string>();
    for (const [, row, from, to, level, fill] of cells) {
      expect(fill).toBe(heatColour(Number(level)));
      for (let b = Number(from); b < Number(to); b++) {
        expect(heatLevel(m.byteShare[Number(row) * m.width + b]!)).toBe(Number(level));
        seen.add(`${row}:${b}`);
      }
    }
    expect(seen.size).toBe(m.rows.length * m.width);
  });
});

describe('terminal heatmap', () => {
  it('one character a byte, candidates and labels marked, within 80 columns', () => {
    const group = { activity: { kinds: '.#/*' + '.'.repeat(60) + '~', levels: '0053' + '0'.repeat(60) + '2' }, labels: [{ byte: 2, label: 'counter' as const }] };
    const cells = heatmapCells(group, [{ byte: 1 }])!;
    const lines = heatmapLines(cells, (c) => c.char);
    expect(lines).toEqual([' 0 .#+*.... ........ ........ ........ ........ ........ ........ ........', '64 ~']);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(cells[1]).toMatchObject({ candidate: true, level: 0 });
  });

  it('analyze on a terminal shows a heatmap per group with the legend; not when piped', async () => {
    const { report } = await import('../src/commands/analyze.js');
    const { simulateCapture } = await import('../src/sim/index.js');
    const dir = await mkdtemp(join(tmpdir(), 'bmsw-heat-'));
    try {
      const files: string[] = [];
      for (const on of [true, false]) {
        const s = simulateCapture({ protocol: 'jbd', switchOn: on, rounds: 3, seed: 4, format: 'btsnoop' });
        const f = join(dir, `${on ? 'on' : 'off'}.btsnoop`);
        await (await import('node:fs/promises')).writeFile(f, s.bytes);
        files.push(f);
      }
      const { rounds } = await loadCaptures([`on=${files[0]}`, `off=${files[1]}`]);
      const result = analyze(rounds);
      const tty = report(result, undefined, null, 80);
      expect(tty).toMatch(/heatmap: one character a byte/);
      expect(tty).toMatch(/\. constant {2}# differs between states/);
      const heatLines = tty.split('\n').filter((l) => /^\s+\d+ [.#~/\\*$+Ln]{1,8}( [.#~/\\*$+Ln]{1,8})*$/.test(l));
      expect(heatLines.length).toBeGreaterThan(0);
      expect(heatLines.some((l) => l.includes('#'))).toBe(true);
      for (const l of tty.split('\n').filter((x) => /heatmap|constant|checksum {2}\+/.test(x))) expect(l.length).toBeLessThanOrEqual(80);
      expect(report(result)).not.toMatch(/heatmap/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The demo session with the pack voltage accepted as a reading, found the way `fields` finds it:
 * the value an app shows (JBD basic info: bytes 4–5, u16 big-endian, 10 mV; esphome-jbd-bms and
 * aiobmsble jbd_bms), rounded to 10 mV, in one frame of each round.
 */
async function addPackVoltage(file: string): Promise<void> {
  const { session } = await loadSession(file);
  const rounds = sessionRounds(session);
  const shown = rounds.map((r) => {
    const e = r.events.find((x) => x.dir === 'device-to-app' && x.value[0] === 0xdd && x.value[1] === 0x03 && x.value.length >= 6)!;
    return `${(((e.value[4]! << 8) | e.value[5]!) / 100).toFixed(2)}V`;
  });
  const res = findFields(rounds, shown.map((t) => [parseShownValue(t)]));
  const top = res.readings[0]!.candidates[0]!;
  expect([top.offset, top.size, top.type, top.endian]).toEqual([4, 2, 'u16', 'be']);
  session.readings = [acceptReading(top, res.readings[0]!, 0)];
  session.rounds.forEach((r, i) => (r.shown = [shown[i]!]));
  await saveSession(file, session);
}

/** A session made from real corpus traffic: the Daly balancer write and its echo (MANIFEST §2). */
async function corpusSession(dir: string): Promise<string | null> {
  const file = join(CORPUS, 'daly_balancer_switch.btsnoop');
  if (!existsSync(file)) return null;
  const { rounds, context } = await loadCaptures([`off=${file}@#225..#240`, `on=${file}@#241..#273`]);
  const session: Session = newSession('corpus-daly-balancer', '0.0.0-test');
  session.target = { name: 'balancer', states: ['off', 'on'], roundsPerState: 1 };
  for (const r of rounds) session.rounds.push(storeRound({ state: r.state, index: r.index, source: r.source, device: null, events: r.events, connections: [], warnings: [] }));
  const settings = { frames: 'auto', key: 'auto', minAgreement: 0.9, minSupport: 1 };
  const result = JSON.parse(JSON.stringify(analyze(rounds, { learnFrom: context, minSupport: 1 })));
  session.analysis = { settings, ranAt: new Date().toISOString(), result };
  const best = result.candidates.find((c: { label: string | null }) => c.label === null);
  if (best) session.accepted = acceptCandidate(best, result, 'balancer');
  session.step = 'done';
  mkdirSync(dir, { recursive: true });
  await saveSession(join(dir, `${session.id}.json`), session);
  return session.id;
}

describe.skipIf(!CHROMIUM)('visual report in a real headless browser', () => {
  let root: string;
  let dir: string;
  let demoId: string;
  let corpusId: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'bmsw-html-'));
    dir = join(root, 'sessions');
    const r = await cli(['demo', '--yes', '--sessions-dir', dir]);
    expect(r.code, r.err).toBe(0);
    demoId = (await readdir(dir)).find((f) => f.endsWith('.json') && !f.endsWith('.report.json'))!.replace(/\.json$/, '');
    await addPackVoltage(join(dir, `${demoId}.json`));
    corpusId = await corpusSession(dir);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(OUTPUT, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** Opens a file; returns what the page did: console errors, requests other than the file itself. */
  async function open(file: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m: { type(): string; text(): string }) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e: Error) => void errors.push(e.message));
    page.on('request', (r: { url(): string }) => void requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    return { page, errors, requests: () => requests.filter((u) => u !== pathToFileURL(file).href) };
  }

  async function checkReport(id: string, shot: string) {
    const r = await cli(['export', id, '--format', 'html', '--sessions-dir', dir]);
    expect(r.code, r.err).toBe(0);
    const file = join(dir, `${id}.html`);
    const size = (await stat(file)).size;
    const { page, errors, requests } = await open(file);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 20_000 });
    const sizes = await page.$$eval('canvas.heatmap, canvas.per-state', (cs: HTMLCanvasElement[]) => cs.map((c) => [c.width, c.height]));
    expect(sizes.length).toBeGreaterThan(0);
    for (const [w, h] of sizes) expect(w > 20 && h > 4).toBe(true);
    // The heatmap is drawn: its pixels are not all one colour.
    const colours = await page.$eval('canvas.heatmap', (c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const set = new Set<number>();
      for (let i = 0; i < d.length; i += 16) set.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      return set.size;
    });
    expect(colours).toBeGreaterThan(3);
    expect(await page.$$eval('table.side td.byte', (x: Element[]) => x.length)).toBeGreaterThan(0);
    expect(await page.$$eval('.bits i.diff', (x: Element[]) => x.length)).toBeGreaterThan(0);
    if (id === demoId) {
      // The accepted pack voltage: its decoded values and what the app showed, on a second chart.
      expect(await page.$$eval('.plot-readings .u-wrap canvas', (cs: HTMLCanvasElement[]) => cs.length)).toBeGreaterThan(0);
      expect(await page.$$eval('.plot-readings .u-legend', (ls: Element[]) => ls.map((l) => l.textContent).join(' '))).toMatch(/voltage|reading 1.*shown in the app/);
    }
    const plot = await page.$$eval('.plot .u-wrap canvas', (cs: HTMLCanvasElement[]) => cs.map((c) => c.getBoundingClientRect().width));
    expect(plot.length).toBeGreaterThan(0);
    expect(plot[0]).toBeGreaterThan(200);
    // Expanding to bits redraws the heatmap 8 times wider.
    const before = sizes[0]![0]!;
    await page.click('input.bits');
    const after = await page.$eval('canvas.heatmap', (c: HTMLCanvasElement) => c.width);
    expect(after).toBeGreaterThan(before);
    await page.click('input.bits');
    // Hiding the labelled bytes (checksums, counters…) blanks their columns: in the first group
    // that has labelled bytes (its fold opened when it has no candidate).
    const labelled = await page.evaluate(() => {
      const data = JSON.parse(document.getElementById('report-data')!.textContent!) as { groups: { id: string; labels: unknown[] }[] };
      const g = data.groups.find((x) => x.labels.length > 0);
      if (!g) return null;
      const fold = document.getElementById(`group-${g.id}`)!.querySelector('details');
      if (fold) fold.open = true;
      return `#group-${g.id}`;
    });
    expect(labelled).not.toBeNull();
    const blank = async () => page.$eval(`${labelled} canvas.heatmap`, (c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 30, c.width, c.height - 30).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] === 255 && d[i + 1] === 255 && d[i + 2] === 255) n++;
      return n;
    });
    const shownAll = await blank();
    await page.click(`${labelled} input.hide-known`);
    expect(await blank()).toBeGreaterThan(shownAll);
    await page.click(`${labelled} input.hide-known`);
    await page.screenshot({ path: join(OUTPUT, shot), fullPage: true });
    await page.screenshot({ path: join(OUTPUT, shot.replace(/\.png$/, '-top.png')) });
    expect(errors).toEqual([]);
    expect(requests()).toEqual([]);
    await page.close();
    return { file, size, page };
  }

  it('the demo session: heatmap, per-state view, side by side and plot are drawn, offline, without errors', async () => {
    const { file, size } = await checkReport(demoId, 'demo-report.png');
    expect(size).toBeLessThan(400_000);
    const html = await readFile(file, 'utf8');
    expect(html).toMatch(/frame starting `DD 03 00 1D`, notified on handle 0x0011 .*, byte 24, mask 0x02/);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i); // nothing loaded from elsewhere
    // The README's picture of the report is made here (BMS_WIZARD_UPDATE_SCREENSHOTS=1 refreshes it).
    if (process.env.BMS_WIZARD_UPDATE_SCREENSHOTS === '1') await copyFile(join(OUTPUT, 'demo-report-top.png'), resolve(HERE, '../docs/report.png'));
  }, 120_000);

  it.skipIf(!existsSync(join(CORPUS, 'MANIFEST.md')))('a session from real corpus captures (Daly balancer echo), with the CRC verified per frame', async () => {
    expect(corpusId).not.toBeNull();
    const { file } = await checkReport(corpusId!, 'corpus-report.png');
    const html = await readFile(file, 'utf8');
    expect(html).toMatch(/checksum crc16-modbus[^<]*: <span class="ok">valid in (\d+)\/\1 frames/);
    expect(html).toContain('sum-ok');
  }, 120_000);

  it('the SVG heatmaps beside the markdown parse as SVG and are linked from it', async () => {
    const md = join(root, 'out', 'report.md');
    mkdirSync(dirname(md), { recursive: true });
    const r = await cli(['export', demoId, '--format', 'md', '--out', md, '--sessions-dir', dir]);
    expect(r.code, r.err).toBe(0);
    const text = await readFile(md, 'utf8');
    const links = [...text.matchAll(/!\[Heatmap of group (g\d+)\]\((report-g\d+\.svg)\)/g)];
    expect(links.length).toBeGreaterThan(0);
    const { page, errors } = await open(join(dirname(md), links[0]![2]!));
    for (const [, , name] of links) {
      const svg = await readFile(join(dirname(md), name!), 'utf8');
      const parsed = await page.evaluate((s: string) => {
        const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
        return { error: doc.getElementsByTagName('parsererror').length, root: doc.documentElement.nodeName, cells: doc.querySelectorAll('rect.cell').length };
      }, svg);
      expect(parsed).toMatchObject({ error: 0, root: 'svg' });
      expect(parsed.cells).toBeGreaterThan(0);
    }
    await page.screenshot({ path: join(OUTPUT, 'heatmap-svg.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

describe('export --format html without a browser', () => {
  it('writes the page into the sessions folder and escapes what came from the session', async () => {
    const root = await mkdtemp(join(tmpdir(), 'bmsw-html2-'));
    try {
      const dir = join(root, 'sessions');
      expect((await cli(['demo', '--yes', '--sessions-dir', dir])).code).toBe(0);
      const name = (await readdir(dir)).find((f) => f.endsWith('.json') && !f.endsWith('.report.json'))!;
      const { session } = await loadSession(join(dir, name));
      session.device.name = '<script>alert(1)</script>\u001b]52;c;AAAA\u0007';
      session.notes = '</script><img src=x onerror=alert(2)>';
      await saveSession(join(dir, name), session);
      const r = await cli(['export', session.id, '--format', 'html', '--sessions-dir', dir]);
      expect(r.code, r.err).toBe(0);
      const html = await readFile(join(dir, `${session.id}.html`), 'utf8');
      expect(html).not.toContain('<script>alert(1)');
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('\u001b');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('the wizard results screen on a terminal', () => {
  it('shows the compact heatmap of the group with the top candidate, plain under NO_COLOR, within 80 columns', async () => {
    const { scriptedIO, simulatedCapture } = await import('./wizard-helpers.js');
    const { runWizard } = await import('../src/wizard/run.js');
    const { realEngine } = await import('../src/wizard/engine.js');
    const root = await mkdtemp(join(tmpdir(), 'bmsw-wheat-'));
    try {
      const on = await simulatedCapture(join(root, 'c'), 'on', { switchOn: true, seed: 11 });
      const off = await simulatedCapture(join(root, 'c'), 'off', { switchOn: false, seed: 11 });
      const script = [
        { q: /Source of the rounds/, a: 'import' },
        { q: /Capture file\(s\) for 'on' round 1/, a: on.file },
        { q: /Capture file\(s\) for 'off' round 1/, a: off.file },
        { q: /What now/, a: 'accept' },
        { q: /Write the report/, a: false },
      ];
      const tty = scriptedIO(script, { columns: 80 });
      await runWizard({ io: tty.io, engine: realEngine, sessionsDir: join(root, 's1'), mode: 'new', cwd: root });
      const text = tty.output.join('\n');
      const at = tty.output.findIndex((l) => /^Heatmap of g\d+/.test(l));
      expect(at).toBeGreaterThan(0);
      const rows = tty.output.slice(at + 1).filter((l) => /^\s+\d+ [.#~/\\*$+Ln ]+$/.test(l));
      expect(rows.length).toBeGreaterThan(0);
      // The truth byte is marked '#': offset 24 of the JBD frame is the 25th character after the offset.
      const cells = rows.map((l) => l.trim().replace(/^\d+ /, '').replace(/ /g, '')).join('');
      expect(cells[on.truth.byte]).toBe('#');
      expect(text).toMatch(/\. constant {2}# differs between states/);
      const block = tty.output.slice(at).filter((l) => /^Heatmap of|^\s+\d+ [.#~/\\*$+Ln ]+$|constant|checksum {2}\+/.test(l));
      expect(block.length).toBeGreaterThan(rows.length);
      for (const l of block) expect(l.length, l).toBeLessThanOrEqual(80);
      expect(text).not.toMatch(/\u001b\[/); // no colour codes without colour
      // Not a terminal (piped, scripted): no heatmap.
      const piped = scriptedIO(script);
      await runWizard({ io: piped.io, engine: realEngine, sessionsDir: join(root, 's2'), mode: 'new', cwd: root });
      expect(piped.output.join('\n')).not.toMatch(/Heatmap of/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
