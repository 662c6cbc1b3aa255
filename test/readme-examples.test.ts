// Every example command in README.md runs (issue 7): the fenced `sh` blocks are parsed for lines
// that start with `bms-wizard ` or `npx bms-wizard`; example file names are replaced by captures
// generated here (the simulator), example folders by temp folders. Each must exit 0, or the code
// written after it as a comment (`# exit 2`). A README without examples fails: it promises them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCapture } from '../src/sim/index.js';
import { makeZip } from './bugreport-helpers.js';
import { REPO } from './helpers/dist.js';
import { type CliResult, runCli } from './helpers/cli.js';

interface Example {
  line: string;
  args: string[];
  exit: number;
}

/** Splits a shell line into words (plain and quoted parts joined as a shell does, FILE='a b'; no expansions in examples). */
function words(line: string): string[] {
  return [...line.matchAll(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g)].map((m) => m[0].replace(/'([^']*)'|"([^"]*)"/g, (_q, a, b) => a ?? b));
}

export function readmeExamples(text: string): Example[] {
  const out: Example[] = [];
  for (const block of text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split('\n')) {
      const line = raw.trim();
      const m = /^(?:\$ )?(?:npx )?bms-wizard(?:\s+(.*))?$/.exec(line);
      if (!m) continue;
      const [cmd, comment] = (m[1] ?? '').split(/\s+#\s*/, 2);
      const exit = /exit(?: code)? (\d+)/.exec(comment ?? '');
      out.push({ line, args: words(cmd ?? ''), exit: exit ? Number(exit[1]) : 0 });
    }
  }
  return out;
}

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const examples = readmeExamples(README);

let dir: string;
/** Example names → generated files (a name not listed here that looks like a file fails the test). */
const files = new Map<string, string>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bmsw-readme-'));
  const put = async (name: string, bytes: Buffer) => {
    const p = join(dir, name);
    await writeFile(p, bytes);
    files.set(name, p);
  };
  const on = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 3, seed: 21 });
  const off = simulateCapture({ protocol: 'jbd', switchOn: false, rounds: 3, seed: 21 });
  await put('dsg_on.btsnoop', on.bytes);
  await put('dsg_off.btsnoop', off.bytes);
  await put('btsnoop_hci.log', on.bytes);
  // one recording in which the user toggled the switch half-way (time windows in seconds)
  const both = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 1, seconds: 60, seed: 22, toggles: [{ atSeconds: 30, on: false }] });
  await put('capture.btsnoop', both.bytes);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A capture for an example file name the README uses but this test did not prepare: format from the extension, state from the name. */
function generate(name: string): string {
  const format = name.endsWith('.pklg') ? 'pklg' : name.endsWith('.pcap') ? 'pcap-201' : name.endsWith('.txt') ? 'packetlogger-text' : 'btsnoop';
  const switchOn = !/off/i.test(name);
  let bytes = simulateCapture({ protocol: 'jbd', switchOn, rounds: 3, seed: 21, format }).bytes;
  if (name.endsWith('.zip')) bytes = makeZip([{ name: 'FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: bytes }]);
  const p = join(dir, name);
  writeFileSync(p, bytes);
  files.set(name, p);
  return p;
}

/** Example paths → temp paths: /tmp/… folders → a folder in the temp dir; FILE[@window] → a generated FILE. */
function substitute(arg: string): string {
  if (/^\/tmp\//.test(arg)) return join(dir, arg.slice(5).replace(/\//g, '_'));
  // A round with what the app showed: FILE[@window]=VALUES (fields, map).
  const round = /^([^=@]+\.(?:btsnoop|log|pklg|pcap|pcapng|cfa|txt|zip))((?:@[^=]*)?)=(.*)$/.exec(arg);
  if (round && /\d/.test(round[3]!)) return `${files.get(round[1]!) ?? generate(round[1]!)}${round[2]}=${round[3]}`;
  const m = /^(?:([\w-]+)=)?([^=@]+\.(?:btsnoop|log|pklg|pcap|pcapng|cfa|txt|zip))((?:@.*)?)$/.exec(arg);
  if (m) {
    const list = m[2]!.split(',').map((f) => files.get(f) ?? generate(f));
    return `${m[1] ? `${m[1]}=` : ''}${list.join(',')}${m[3]}`;
  }
  return arg;
}

function run(args: string[]): Promise<CliResult> {
  return runCli(args, { CI: '1' });
}

describe('README examples', () => {
  it('README.md has example commands in sh blocks', () => {
    expect(examples.length, 'no `bms-wizard …` lines in the README sh blocks').toBeGreaterThan(3);
  });
  // in README order: the demo creates the session that `sessions` and `export latest` use
  for (const ex of examples) {
    it(`${ex.line}${ex.exit ? ` (exit ${ex.exit})` : ''}`, async () => {
      const r = await run(ex.args.map(substitute));
      expect(r.code, `${ex.line}\n${r.err}`).toBe(ex.exit);
      if (ex.exit === 0) expect(r.err).not.toMatch(/^error:/m);
      expect(r.err).not.toMatch(/\n\s+at /);
    }, 120_000);
  }
});

describe('README: the tests that need the capture corpus', () => {
  it('names every test file that reads ../shared/captures, so a fresh clone knows what its skips cover', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Tests and the capture corpus'), readme.indexOf('## Formats read'));
    const named = new Set([...section.matchAll(/`([\w-]+)`/g)].map((m) => m[1]!));
    const dir = join(REPO, 'test');
    const needing = readdirSync(dir)
      // (this file only names the pattern)
      .filter((f) => f.endsWith('.test.ts') && f !== 'readme-examples.test.ts' && /capture-corpus\.js|shared\/captures/.test(readFileSync(join(dir, f), 'utf8')))
      .map((f) => f.replace(/\.test\.ts$/, ''));
    expect(needing.length).toBeGreaterThan(10);
    expect(needing.filter((t) => !named.has(t))).toEqual([]);
  });
});
