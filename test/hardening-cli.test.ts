// Broken files through the real command line (cli main() with captured streams): `inspect` and
// `analyze` end with exit code 2 and one sentence naming the file, never a stack trace; a cut
// capture still shows what was read, with a warning.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulateCapture } from '../src/sim/index.js';
import { makeZip } from './bugreport-helpers.js';
import { corpusFile } from './helpers/capture-corpus.js';
import { type CliResult, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bmsw-hard-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...argv: string[]): Promise<CliResult> {
  return runCli(argv);
}

function file(name: string, bytes: Buffer | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

const on = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 2, seconds: 3, seed: 3 });
const off = simulateCapture({ protocol: 'jbd', switchOn: false, rounds: 2, seconds: 3, seed: 4 });
const good = { on: file('on.btsnoop', on.bytes), off: file('off.btsnoop', off.bytes) };

const unknownDatalink = Buffer.from(on.bytes);
unknownDatalink.writeUInt32BE(1234, 12);
const broken: Array<[string, () => string, RegExp]> = [
  ['a 0-byte file', () => file('empty.btsnoop', ''), /empty\.btsnoop: the file is empty/],
  ['a folder', () => (mkdirSync(join(dir, 'folder.pcap'), { recursive: true }), join(dir, 'folder.pcap')), /folder\.pcap: is a directory/],
  ['a missing file', () => join(dir, 'missing.pklg'), /missing\.pklg: no such file/],
  ['a path through a file', () => join(good.on, 'inner.log'), /inner\.log: no such file/],
  ['wrong magic', () => file('junk.btsnoop', Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])), /junk\.btsnoop: not a capture this tool reads/],
  ['an unknown btsnoop datalink', () => file('dl.btsnoop', unknownDatalink), /dl\.btsnoop.*1234/],
  ['a zip without a log', () => file('report.zip', makeZip([{ name: 'readme.txt', data: Buffer.from('hello') }])), /report\.zip.*no Bluetooth HCI log/],
];

/** One sentence on stderr, no stack frames, nothing that looks like an internal error. */
function oneSentence(err: string): void {
  const lines = err.trimEnd().split('\n');
  expect(lines, err).toHaveLength(1);
  expect(err).toMatch(/^error: /);
  expect(err).not.toMatch(/\n\s+at |unexpected failure|TypeError|RangeError/);
}

describe('inspect and analyze on broken files', () => {
  for (const [what, make, message] of broken) {
    it(`inspect: ${what} → exit 2, one sentence`, async () => {
      const r = await cli('inspect', make());
      expect(r.code, r.err).toBe(2);
      oneSentence(r.err);
      expect(r.err).toMatch(message);
    });
    it(`analyze: ${what} in one state → exit 2, one sentence`, async () => {
      const r = await cli('analyze', '--state', `on=${good.on}`, '--state', `off=${make()}`);
      expect(r.code, r.err).toBe(2);
      oneSentence(r.err);
      // analyze takes a folder of captures: an empty one is what is wrong with it.
      expect(r.err).toMatch(what === 'a folder' ? /folder\.pcap: the folder holds no files/ : message);
    });
  }

  it.skipIf(process.getuid?.() !== 0 || !hasSetpriv())('inspect: an unreadable file (run as another user via setpriv) → exit 2', () => {
    // root reads everything: drop to nobody in a child process on the built CLI
    const secret = file('secret.btsnoop', on.bytes);
    execFileSync('chmod', ['600', secret]);
    execFileSync('chmod', ['755', dir]);
    let code = 0;
    let err = '';
    try {
      execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(process.cwd(), 'bin/bms-wizard.js'), 'inspect', secret], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      code = (e as { status: number }).status;
      err = String((e as { stderr: string }).stderr);
    }
    expect(code, err).toBe(2);
    expect(err).toMatch(/secret\.btsnoop: permission denied/);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('inspect: a capture cut in the middle of a record prints the records before it, then one sentence (exit 2)', async () => {
    const cut = file('cut.btsnoop', on.bytes.subarray(0, Math.floor(on.bytes.length / 2) + 5));
    const whole = await cli('inspect', '--json', good.on);
    const r = await cli('inspect', '--json', cut);
    expect(r.code, r.err).toBe(2);
    const lines = r.out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(whole.out.trim().split('\n').length);
    expect(whole.out.startsWith(r.out)).toBe(true);
    expect(r.err).toMatch(/cut\.btsnoop \(btsnoop, record \d+, at byte \d+\)/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('analyze: a capture cut in the middle of a record is analysed up to the cut, with one warning naming the place (exit 0)', async () => {
    const cut = file('cut-off.btsnoop', off.bytes.subarray(0, Math.floor(off.bytes.length * 0.8) + 5));
    const r = await cli('analyze', '--state', `on=${good.on}`, '--state', `off=${cut}`, '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^warning: .*cut-off\.btsnoop \(btsnoop, record \d+, at byte \d+\).*Only the records before it are analysed\n$/);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.out).candidates.length).toBeGreaterThan(0);
  });

  it('inspect (text, --json, --summary) and analyze on changed copies of every simulated format: exit 0 or 2, never an unexpected failure', async () => {
    const { CAPTURE_FORMATS } = await import('../src/sim/writers/index.js');
    let seed = 77;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const bad: string[] = [];
    let twos = 0;
    const inputs: Array<[string, Buffer]> = CAPTURE_FORMATS.map((format) => [format, simulateCapture({ protocol: 'daly', switchOn: true, rounds: 1, seconds: 2, seed: 5, format }).bytes]);
    // the text exports of the real corpus, when present (their readers have no simulated writer)
    for (const name of ['daly_dsg_onoff.packetlogger.txt', 'smartbottle_M1_nrfconnect_EXCERPT.txt', 'novax_escooter_OnlyLocking.wireshark.txt', 'ecoflow_delta2_labelled_hexdumps.txt', 'meritsun_12v100ah_notify_hexlog_15ms.txt']) {
      if (existsSync(corpusFile(name))) inputs.push([name, readFileSync(corpusFile(name))]);
    }
    for (const [format, base] of inputs) {
      for (let i = 0; i < 12; i++) {
        const b = Buffer.from(base);
        // header fields, timestamps and lengths live in the first bytes of records: hit those often
        for (let k = 1 + rand(6); k > 0; k--) b[rand(2) ? rand(Math.min(b.length, 200)) : rand(b.length)] = [0, 0xff, 0x80, rand(256)][rand(4)]!;
        const path = file(`changed-${format}-${i}`, b);
        for (const args of [['inspect', path], ['inspect', '--json', path], ['inspect', '--summary', path], ['analyze', '--state', `on=${path}`, '--state', `off=${good.off}`]]) {
          const r = await cli(...args);
          if (r.code === 2) twos++;
          if ((r.code !== 0 && r.code !== 2) || /unexpected failure|\n\s+at /.test(r.err)) bad.push(`${args.join(' ')}: exit ${r.code} ${r.err.slice(0, 200)}`);
        }
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(twos).toBeGreaterThan(0);
  }, 120_000);

  it('--debug adds the stack (the only way to see one)', async () => {
    const r = await cli('inspect', '--debug', join(dir, 'missing.pklg'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\n\s+at /);
  });
});

function hasSetpriv(): boolean {
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
