// What a user sees in a real terminal (tmux): no colour under NO_COLOR, lines that fit the width.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
