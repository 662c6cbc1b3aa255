// Strings from outside (a device's name in a capture, a file name, a session, a zip entry, another
// program's output) reach the terminal and the reports as visible escapes: an OSC 52 clipboard
// write, a screen clear, a title change or an OSC 8 link planted in them does nothing.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newSession } from '../src/session/schema.js';
import { saveSession, sessionPath } from '../src/session/store.js';
import { simulateCapture } from '../src/sim/index.js';
import { htmlText, markdownCode, markdownText, terminalSafe, visible } from '../src/text-safe.js';
import { makeZip } from './bugreport-helpers.js';
import { runCli } from './helpers/cli.js';
import { scriptedIO } from './wizard-helpers.js';
import { runWizard } from '../src/wizard/run.js';
import { realEngine } from '../src/wizard/engine.js';

const dir = mkdtempSync(join(tmpdir(), 'bmsw-inject-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ATTACKS = {
  'OSC 52 clipboard write': '\x1b]52;c;cm0gLXJmIH4=\x07',
  'screen clear': '\x1b[2J\x1b[3J\x1bc',
  'title change': '\x1b]0;pwned\x1b\\',
  'OSC 8 link': '\x1b]8;;https://evil.example\x07click\x1b]8;;\x07',
  '8-bit CSI': '\u009b2J',
  'bidi override': '\u202eevil',
};
/** Any control character but newline (colour is off in these runs, so no ESC at all). */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('the escape helpers', () => {
  it.each(Object.entries(ATTACKS))('%s becomes visible text in the terminal, markdown and HTML forms', (_name, attack) => {
    for (const f of [visible, markdownText, markdownCode, htmlText, terminalSafe]) expect(f(`name ${attack}`)).not.toMatch(RAW);
    expect(visible('\x1b]52;c;x\x07')).toBe('\\x1b]52;c;x\\x07');
  });

  it('our own colour and cursor moves pass, everything else from the same stream is escaped', () => {
    expect(terminalSafe('\x1b[31mred\x1b[39m \x1b[?25l\x1b[2K\x1b[1A\x1b[G')).toBe('\x1b[31mred\x1b[39m \x1b[?25l\x1b[2K\x1b[1A\x1b[G');
    expect(terminalSafe('a\x1b]0;t\x07b\x1b[2Jc')).toBe('a\\u001b]0;t\\u0007b\\u001b[2Jc');
    // JSON stays JSON: a raw C1 inside a string becomes \u009b
    expect(JSON.parse(terminalSafe(JSON.stringify({ n: 'x\u009by' }).replace('\\u009b', '\u009b'))).n).toBe('x\u009by');
  });

  it('a device name cannot add markdown headings, links, table cells or HTML', () => {
    expect(markdownText('# Pwned <script>alert(1)</script> [x](http://e) | y')).toBe('\\# Pwned &lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](http://e) \\| y');
    expect(htmlText('<img src=x onerror="a">')).toBe('&lt;img src=x onerror=&quot;a&quot;&gt;');
  });
});

/** A simulated capture whose device name (GATT Device Name read) is `name` (same length as the original). */
function captureNamed(name: string): string {
  const b = Buffer.from(simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 1, seconds: 2, seed: 7, format: 'btsnoop' }).bytes);
  const original = Buffer.from('xiaoxiang');
  const at = b.indexOf(original);
  expect(at).toBeGreaterThan(0);
  Buffer.from(name.padEnd(original.length, 'x').slice(0, original.length), 'latin1').copy(b, at);
  const p = join(dir, `named-${Math.random().toString(16).slice(2)}.btsnoop`);
  writeFileSync(p, b);
  return p;
}

describe('every command shows outside strings escaped', () => {
  it('inspect, --summary and --json: a device name carrying an OSC 52 write', async () => {
    const p = captureNamed('\x1b]52;c;\x07');
    for (const extra of [[], ['--summary'], ['--json']]) {
      const r = await runCli(['inspect', ...extra, p]);
      expect(r.code).toBe(0);
      expect(r.out + r.err).not.toMatch(RAW);
    }
    expect((await runCli(['inspect', '--summary', p])).out).toContain('\\x1b]52;c;\\x07');
  });

  it('an error naming a file whose name holds a title change', async () => {
    const r = await runCli(['inspect', join(dir, `\x1b]0;pwned\x07.btsnoop`)]);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(RAW);
    expect(r.err).toContain('\\x1b]0;pwned\\x07');
  });

  it('inspect of a readable capture whose file name holds a title change: its header shows the name escaped', async () => {
    const p = join(dir, `\x1b]0;pwned\x07-readable.btsnoop`);
    copyFileSync(captureNamed('plain'), p);
    for (const extra of [[], ['--summary'], ['--device', '00:11:22:33:44:55']]) {
      const r = await runCli(['inspect', ...extra, p]);
      expect(r.code).toBe(0);
      expect(r.out + r.err).not.toMatch(RAW);
    }
    expect((await runCli(['inspect', p])).out).toContain('\\x1b]0;pwned\\x07-readable.btsnoop');
  });

  it("the wizard's import of captures whose file names hold escapes: every line it prints shows them escaped", async () => {
    const sim = (switchOn: boolean, name: string): string => {
      const p = join(dir, name);
      writeFileSync(p, simulateCapture({ protocol: 'jbd', switchOn, rounds: 1, seed: 11, format: 'btsnoop', variant: switchOn ? 0 : 1 }).bytes);
      return p;
    };
    const on = sim(true, 'on\x1b]0;pwned\x07.btsnoop');
    const off = sim(false, 'off\x1b[2J.btsnoop');
    const s = scriptedIO([
      { q: /Name of the switch/, a: 'discharge switch' },
      { q: /Rounds per state/, a: '1' },
      { q: /Source of the rounds/, a: 'import' },
      { q: /Capture file\(s\) for 'on' round 1/, a: on },
      { q: /Capture file\(s\) for 'off' round 1/, a: off },
      { q: /What now/, a: 'accept' },
      { q: /Notes for the report/, a: 'x' },
      { q: /Write the report/, a: true },
    ]);
    await runWizard({ io: s.io, engine: realEngine, sessionsDir: join(dir, 'wiz\x1b]0;t\x07'), mode: 'new', cwd: dir });
    const text = s.output.join('\n');
    expect(text).toContain('from: on\\x1b]0;pwned\\x07.btsnoop');
    expect(text.split('\n').filter((l) => RAW.test(l))).toEqual([]);
  });

  it('a zip entry name with a screen clear, in the refusal', async () => {
    const p = join(dir, 'entry.zip');
    writeFileSync(p, makeZip([{ name: 'btsnoop\x1b[2J.log', data: Buffer.from('not a capture at all') }]));
    const r = await runCli(['inspect', p]);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(RAW);
  });

  it('sessions, export md and export json of a session whose names and notes carry every attack', async () => {
    const sdir = join(dir, 'sessions');
    const s = newSession('20260101-000000-abcd', '1.0.0');
    const all = Object.values(ATTACKS).join(' ');
    s.device.name = `BMS ${all}`;
    s.device.address = 'a4:c1:38:00:11:22';
    s.target.name = `switch ${all}`;
    s.notes = `# heading\n<script>alert(1)</script>\n${all}`;
    await saveSession(sessionPath(sdir, s.id), s);
    for (const args of [['sessions'], ['sessions', '--json'], ['export', s.id, '--format', 'md'], ['export', s.id, '--format', 'json']]) {
      const r = await runCli([...args, '--sessions-dir', sdir]);
      expect(r.code, r.err).toBe(0);
      expect(r.out + r.err, args.join(' ')).not.toMatch(RAW);
    }
    const md = (await runCli(['export', s.id, '--format', 'md', '--sessions-dir', sdir])).out;
    expect(md).not.toContain('<script>');
    expect(md).not.toMatch(/^# heading/m);
  });
});
