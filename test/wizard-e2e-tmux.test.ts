// End to end in a real pseudo-terminal: the built CLI runs inside tmux and is answered by keys.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSession } from '../src/session/store.js';
import { ensureDist } from './helpers/dist.js';
import { corpusFile, HAVE_CORPUS } from './helpers/capture-corpus.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('wizard-e2e-tmux: tmux is not installed, skipping the pseudo-terminal tests (CI installs it)');

const socket = `bmsw-test-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let root: string;

beforeAll(async () => {
  if (!hasTmux) return;
  root = await mkdtemp(join(tmpdir(), 'bmsw-tmux-'));
  // The launcher runs dist/: compile it when stale (one build at a time; `npm test` builds first, and a
  // rebuild while other test files import dist/ would let them read half-written files).
  await ensureDist();
  if (!existsSync(join(repo, 'dist/cli.js'))) throw new Error('npm run build did not produce dist/cli.js');
}, 180_000);

afterAll(async () => {
  if (!hasTmux) return;
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  await rm(root, { recursive: true, force: true });
});

/** Starts a command in a new 120×40 tmux window; the shell prints EXIT=code when it ends. */
function start(name: string, command: string): void {
  const env = `env -u CI TERM=xterm-256color`;
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', `cd ${repo} && ${env} ${command}; echo EXIT=$?; sleep 600`);
}

function screen(name: string): string {
  return tmux('capture-pane', '-p', '-J', '-t', name, '-S', '-2000');
}

/**
 * Answers prompts by keys until EXIT= shows. A prompt is waiting when the screen has been still
 * for a moment and its last "? …" line (inquirer marks answered ones with ✔) is on it;
 * `answers` maps that question to keys, anything else gets Enter (the default).
 */
async function drive(name: string, answers: [RegExp, string[]][], limitMs = 90_000): Promise<{ code: number; text: string; asked: string[] }> {
  const asked: string[] = [];
  const began = Date.now();
  let prev = '';
  let since = Date.now();
  while (Date.now() - began < limitMs) {
    const text = screen(name);
    const exit = /EXIT=(\d+)/.exec(text);
    if (exit) return { code: Number(exit[1]), text, asked };
    if (text !== prev) {
      prev = text;
      since = Date.now();
    } else if (Date.now() - since > 300) {
      const question = text.split('\n').filter((l) => /^\? /.test(l)).pop();
      if (question) {
        asked.push(question);
        const answer = answers.find(([re]) => re.test(question));
        for (const k of answer ? answer[1] : ['Enter']) tmux('send-keys', '-t', name, ...(k.startsWith('literal:') ? ['-l', k.slice(8)] : [k]));
        // Wait for the terminal to react before looking for the next question.
        const sent = Date.now();
        while (screen(name) === text && Date.now() - sent < 5000) await sleep(50);
        continue;
      }
    }
    await sleep(100);
  }
  throw new Error(`tmux run did not end within ${limitMs} ms. Screen:\n${screen(name)}`);
}

describe.skipIf(!hasTmux)('bms-wizard in a real terminal (tmux)', () => {
  it('runs the demo answered by keys to the end', async () => {
    const dir = join(root, 'demo');
    start('demo', `node bin/bms-wizard.js demo --sessions-dir ${dir}`);
    const r = await drive('demo', [
      [/Name of the switch/, ['C-u', 'literal:discharge switch', 'Enter']],
      [/Simulated BMS protocol/, ['Enter']],
      [/Notes for the report/, ['literal:answered in tmux', 'Enter']],
    ]);
    expect(r.code, r.text).toBe(0);
    expect(r.text).toMatch(/Rounds per state/);
    expect(r.text).toMatch(/Redo this round\?/);
    expect(r.text).toMatch(/✔ the simulated switch .* is the top candidate/);
    const name = (await readdir(dir)).find((f) => f.endsWith('.json') && !f.endsWith('.report.json'))!;
    const { session } = await loadSession(join(dir, name));
    expect(session.step).toBe('done');
    expect(session.notes).toBe('answered in tmux');
    expect(session.accepted?.rule).toContain('byte 24, mask 0x02');
    expect((await readdir(dir)).filter((f) => f.includes('.report.')).sort()).toEqual(['html', 'json', 'md'].map((x) => `${name.replace('.json', '')}.report.${x}`));
  });

  it('Ctrl+C at a prompt saves, prints the resume command and exits 130; resume finishes', async () => {
    const dir = join(root, 'ctrlc');
    start('ctrlc', `node bin/bms-wizard.js demo --sessions-dir ${dir}`);
    const r = await drive('ctrlc', [[/Rounds per state/, ['C-c']]]);
    expect(r.code, r.text).toBe(130);
    // Started as `node bin/bms-wizard.js` from the clone (bms-wizard is not on PATH): the hint says so.
    const m = /Resume with: (node bin\/bms-wizard\.js resume (\S+) --sessions-dir (\S+))/.exec(r.text);
    expect(m, r.text).not.toBeNull();
    expect(m![3]).toBe(dir);
    expect(r.text).not.toMatch(/ExitPromptError|\n\s+at /);
    const file = join(dir, `${m![2]}.json`);
    expect((await loadSession(file)).session.step).toBe('target');
    start('resume', m![1]); // the hint, pasted as printed
    const again = await drive('resume', []);
    expect(again.code, again.text).toBe(0);
    expect((await loadSession(file)).session.step).toBe('done');
  });

  it.skipIf(!HAVE_CORPUS)('a reading: the values the app showed are typed after the round, the field is accepted', async () => {
    const dir = join(root, 'reading');
    const capture = corpusFile('jbd_sp04s034_l4s_200a_b_u.btsnoop');
    start('reading', `node bin/bms-wizard.js --sessions-dir ${dir}`);
    const r = await drive('reading', [
      [/A switch, a reading, or both/, ['Down', 'Enter']],
      [/^\? Rounds/, ['C-u', 'literal:1', 'Enter']],
      [/Capture file\(s\) for 'reading' round 1/, [`literal:${capture}@#1..#300`, 'Enter']],
      [/What did the app show during this round/, ['literal:13.70V soc=100% 19.5C', 'Enter']],
    ], 150_000);
    expect(r.code, r.text).toBe(0);
    expect(r.text).toMatch(/bytes 4–5 u16 be × 0\.01 V {2}13\.7 \(13\.70V\)/);
    const name = (await readdir(dir)).find((f) => f.endsWith('.json') && !f.endsWith('.report.json'))!;
    const { session } = await loadSession(join(dir, name));
    expect(session.target.kind).toBe('reading');
    expect(session.rounds[0]!.shown).toEqual(['13.70V', 'soc=100%', '19.5C']);
    expect(session.readings!.find((x) => x.name === 'soc')).toMatchObject({ offset: 23, size: 1, type: 'u8' });
  }, 180_000);
});
