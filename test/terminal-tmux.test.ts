// What a user sees in a real terminal (tmux): no colour under NO_COLOR, lines that fit the width.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCapture } from '../src/sim/index.js';
import { BIN, REPO, ensureDist } from './helpers/dist.js';
import { HAS_TMUX, Tmux } from './helpers/pty.js';

if (!HAS_TMUX) console.warn('terminal-tmux: tmux is not installed, skipping the pseudo-terminal tests (CI installs it)');

const tmux = new Tmux();
let root: string;

beforeAll(async () => {
  if (!HAS_TMUX) return;
  root = await mkdtemp(join(tmpdir(), 'bmsw-term-'));
  await ensureDist();
}, 180_000);

afterAll(async () => {
  if (!HAS_TMUX) return;
  tmux.close();
  await rm(root, { recursive: true, force: true });
});

/** SGR codes that set a colour (foreground/background, 8/16/256/true colour). */
const COLOUR = /\x1b\[(?:\d+;)*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;\d+)*m/;

describe.skipIf(!HAS_TMUX)('the terminal', () => {
  it('NO_COLOR=1: the whole demo, spinners and their end marks included, writes no colour', async () => {
    tmux.start('nocolour', REPO, `node ${BIN} demo --yes --sessions-dir ${join(root, 'nc')}`, { NO_COLOR: '1' });
    const r = await tmux.drive('nocolour', []);
    expect(r.code, r.text).toBe(0);
    const raw = tmux.screen('nocolour', true);
    expect(raw.split('\n').find((l) => COLOUR.test(l)) ?? null).toBeNull();
    expect(raw).toMatch(/✔ analysed/);
  }, 150_000);

  it('80 columns: analyze with three states and the demo\'s screens are never broken by the terminal', async () => {
    // capture-pane -J joins the rows the terminal wrapped: a joined row longer than 80 is a line it broke.
    const broken = (text: string): string[] => text.split('\n').filter((l) => [...l].length > 80 && /\S\s+\S/.test(l.trim()));
    const files = await Promise.all(
      (
        [
          ['on', true, 0],
          ['off', false, 1],
          ['again', true, 2],
        ] as const
      ).map(async ([name, switchOn, variant]) => {
        const f = join(root, `${name}.btsnoop`);
        await writeFile(f, simulateCapture({ protocol: 'jbd', switchOn, rounds: 3, seed: 11, format: 'btsnoop', variant }).bytes);
        return `--state ${name}=${f}`;
      }),
    );
    tmux.start('three', REPO, `node ${BIN} analyze ${files.join(' ')}`, {}, { columns: 80, rows: 50 });
    const a = await tmux.drive('three', []);
    expect(a.code, a.text).toBe(0);
    expect(broken(a.text)).toEqual([]);
    expect(a.text).toMatch(/^ {2}# +group +byte +bit +mask +on +off +again +support +agreement +label +score$/m);
    tmux.start('narrow', REPO, `node ${BIN} demo --yes --sessions-dir ${join(root, 'narrow')}`, {}, { columns: 80, rows: 50 });
    const r = await tmux.drive('narrow', []);
    expect(r.code, r.text).toBe(0);
    expect(broken(r.text)).toEqual([]);
    expect(r.text).toMatch(/Heatmap of g\d+/);
  }, 150_000);
});
