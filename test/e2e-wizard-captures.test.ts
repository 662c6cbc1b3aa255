// End to end in a real terminal (issue 7): `bms-wizard --sessions-dir DIR` from the first question
// to the exported report, on capture files the simulator wrote (ON as PacketLogger, OFF as pcap),
// answered by keys in tmux. The demo's own tmux run lives in wizard-e2e-tmux.test.ts.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSession, sessionArtifacts } from '../src/session/store.js';
import { simulateCapture } from '../src/sim/index.js';
import { BIN, ensureDist } from './helpers/dist.js';
import { HAS_TMUX, Tmux } from './helpers/pty.js';

if (!HAS_TMUX) console.warn('e2e-wizard-captures: tmux is not installed, skipping the pseudo-terminal test (CI installs it)');

let root: string;
const tmux = new Tmux();
beforeAll(async () => {
  if (!HAS_TMUX) return;
  root = await mkdtemp(join(tmpdir(), 'bmsw-e2e-'));
  await ensureDist();
}, 180_000);
afterAll(async () => {
  if (!HAS_TMUX) return;
  tmux.close();
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(!HAS_TMUX)('bms-wizard from start to export on capture files (tmux)', () => {
  it('imports ON and OFF captures, finds the switch, accepts it and writes both reports', async () => {
    const on = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 3, seed: 31, format: 'pklg' });
    const off = simulateCapture({ protocol: 'jbd', switchOn: false, rounds: 3, seed: 31, format: 'pcap-201' });
    const onFile = join(root, 'dsg on.pklg'); // a space in the path: typed as is, no shell involved
    const offFile = join(root, 'dsg_off.pcap');
    await writeFile(onFile, on.bytes);
    await writeFile(offFile, off.bytes);
    const dir = join(root, 'sessions');
    const home = join(root, 'home');
    const tmp = join(root, 'tmp');
    mkdirSync(home);
    mkdirSync(tmp);
    tmux.start('wiz', root, `node ${BIN} --sessions-dir ${dir}`, { HOME: home, TMPDIR: tmp });
    const r = await tmux.drive('wiz', [
      [/Name of the switch/, ['C-u', 'literal:discharge switch', 'Enter']],
      [/Capture file\(s\) for 'on'/, ['C-u', `literal:${onFile}`, 'Enter']],
      [/Capture file\(s\) for 'off'/, ['C-u', `literal:${offFile}`, 'Enter']],
      [/Notes for the report/, ['C-u', 'literal:typed in tmux', 'Enter']],
    ]);
    expect(r.code, r.text).toBe(0);
    expect(r.text).not.toMatch(/\n\s+at |unexpected failure/);
    // the questions of the flow, in order
    const order = [/Name of the switch/, /States to compare/, /Rounds per state/, /Source of the rounds/, /Capture file\(s\) for 'on'/, /Capture file\(s\) for 'off'/, /What now/, /Which candidate/, /Notes for the report/];
    let at = 0;
    for (const q of r.asked) if (at < order.length && order[at]!.test(q)) at++;
    expect(at, r.asked.join('\n')).toBe(order.length);
    const name = readdirSync(dir).find((f) => f.endsWith('.json') && !f.endsWith('.report.json'))!;
    const file = join(dir, name);
    const { session } = await loadSession(file);
    expect(session.step).toBe('done');
    expect(session.notes).toBe('typed in tmux');
    expect(session.device.address).toBe(on.deviceAddress);
    expect(session.rounds.filter((x) => x.state === 'on')).toHaveLength(3);
    expect(session.rounds.filter((x) => x.state === 'off')).toHaveLength(3);
    expect(session.rounds.find((x) => x.state === 'on')!.source.files[0]!.path).toBe(onFile);
    const mask = `0x${on.truth.mask.toString(16).padStart(2, '0')}`;
    expect(session.accepted?.rule).toContain(`byte ${on.truth.byte}, mask ${mask}`);
    const paths = sessionArtifacts(file);
    expect(existsSync(paths.md) && existsSync(paths.json)).toBe(true);
    expect(readFileSync(paths.md, 'utf8')).toContain(session.accepted!.rule);
    expect(JSON.parse(readFileSync(paths.json, 'utf8')).accepted.byte).toBe(on.truth.byte);
    // nothing written outside the sessions folder: not in the working directory, HOME or TMPDIR
    expect(readdirSync(root).sort()).toEqual(['dsg on.pklg', 'dsg_off.pcap', 'home', 'sessions', 'tmp']);
    expect(readdirSync(home)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(dir).filter((f) => !f.startsWith(name.replace(/\.json$/, '')))).toEqual([]);
  }, 180_000);
});
