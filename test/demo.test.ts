import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSession, sessionArtifacts } from '../src/session/store.js';
import { realEngine } from '../src/wizard/engine.js';
import { runWizard } from '../src/wizard/run.js';
import { cli, scriptedIO } from './wizard-helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bmsw-demo-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('bms-wizard demo', () => {
  it('--yes --sessions-dir DIR exits 0 with the simulated switch as the top candidate and both exports', async () => {
    const dir = join(root, 'yes');
    const r = await cli(['demo', '--yes', '--sessions-dir', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const files = await readdir(dir);
    const sessionFile = files.find((f) => f.endsWith('.json') && !f.endsWith('.report.json'));
    expect(sessionFile).toBeDefined();
    const file = join(dir, sessionFile!);
    const { session } = await loadSession(file);
    expect(session.demo).toBe(true);
    expect(session.step).toBe('done');
    const truth = realEngine.simulate({ protocol: 'jbd', switchOn: true, rounds: 1, seed: 7, format: 'btsnoop' }).truth;
    const top = session.analysis!.result.candidates[0]!;
    expect({ byte: top.byte, bit: top.bit }).toEqual({ byte: truth.byte, bit: truth.bit });
    expect(session.analysis!.result.groups.find((g) => g.id === top.group)!.handle).toBe(truth.handle);
    expect(session.accepted?.rule).toContain(`byte ${truth.byte}, mask 0x${truth.mask.toString(16).padStart(2, '0')}`);
    const paths = sessionArtifacts(file);
    expect(await readFile(paths.md, 'utf8')).toContain(session.accepted!.rule);
    expect(JSON.parse(await readFile(paths.json, 'utf8')).accepted.byte).toBe(truth.byte);
    // The captures were written by the simulated sniffer next to the session and read back from disk.
    const captures = await readdir(paths.captures);
    expect(captures.sort()).toEqual(['off-round1.btsnoop', 'on-round1.btsnoop']);
    expect(session.rounds.every((r) => r.source.kind === 'sim' && r.source.files[0]!.path.startsWith(paths.captures))).toBe(true);
    expect(r.out).toMatch(/✔ the simulated switch .* is the top candidate/);
    expect(r.out).not.toMatch(/\x1b\[/); // no colour without a terminal
  });

  // The demo offers every simulated protocol. The default (jbd, above) must end with the switch on top;
  // for the others the switch must be among the first three candidates with the right values (bits that
  // move with the switch, such as a "current flows" flag, can tie with it: ranking those is the analysis' job).
  for (const protocol of realEngine.protocols()) {
    it(`finds the switch of the simulated ${protocol} BMS`, async () => {
      const dir = join(root, protocol);
      const s = scriptedIO([{ q: /Simulated BMS protocol/, a: protocol }]);
      const { session } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: dir, mode: 'new', demo: true, cwd: root });
      expect(s.left()).toEqual([]);
      const truth = realEngine.simulate({ protocol, switchOn: true, rounds: 1, seed: 7, format: 'btsnoop' }).truth;
      const result = session.analysis!.result;
      const rank = result.candidates.findIndex((c) => c.byte === truth.byte && c.bit === truth.bit && result.groups.find((g) => g.id === c.group)?.handle === truth.handle);
      expect(rank, s.output.join('\n')).toBeGreaterThanOrEqual(0);
      expect(rank, s.output.join('\n')).toBeLessThan(3);
      expect(result.candidates[rank]!.values).toEqual(truth.on === 1 ? { on: 1, off: 0 } : { on: 0, off: 1 });
    });
  }

  it('a redone demo round is a new recording of the same device', async () => {
    const dir = join(root, 'redo');
    const s = scriptedIO([{ q: /Redo this round/, a: true }]);
    const { session, file } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: dir, mode: 'new', demo: true, cwd: root });
    expect(s.left()).toEqual([]);
    expect((await readdir(sessionArtifacts(file).captures)).sort()).toEqual(['off-round1.btsnoop', 'on-round1-take2.btsnoop', 'on-round1.btsnoop']);
    expect(session.rounds.find((r) => r.state === 'on' && r.index === 1)!.source.files[0]!.path).toMatch(/take2/);
    expect(new Set(session.rounds.map((r) => r.device)).size).toBe(1);
    expect(session.rounds.every((r) => r.warnings.length === 0)).toBe(true);
  });
});

describe('commands without a terminal', () => {
  it('wizard, demo and resume fail fast without a TTY and without --yes', async () => {
    for (const cmd of ['wizard', 'demo']) {
      const r = await cli([cmd, '--sessions-dir', join(root, 'none')]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`'bms-wizard ${cmd}' asks questions and needs a terminal.*--yes`));
    }
    // resume needs a terminal only for a session that exists (the demo above saved one).
    const resume = await cli(['resume', '--sessions-dir', join(root, 'yes')]);
    expect(resume.code).toBe(2);
    expect(resume.err).toMatch(/'bms-wizard resume' asks questions and needs a terminal.*--yes/);
    const bare = await cli(['--sessions-dir', join(root, 'none')]);
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/needs a terminal/);
  });

  it('resume of a session that does not exist says so first, terminal or not', async () => {
    const none = await cli(['resume', 'nosuch', '--sessions-dir', join(root, 'yes')]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^error: no session 'nosuch' in .*yes\. Run 'bms-wizard sessions' to list them\n$/);
    const empty = await cli(['resume', '--sessions-dir', join(root, 'none')]);
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/no sessions in .*none/);
    expect(empty.err).not.toMatch(/needs a terminal/);
  });

  it('--help works on each command', async () => {
    for (const cmd of ['wizard', 'demo', 'sessions', 'resume', 'export']) {
      const r = await cli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: bms-wizard.*${cmd === 'wizard' ? '' : cmd}`));
      expect(r.out).toContain('--sessions-dir');
    }
  });

  it('resume names a corrupt session file and exits 2; sessions lists it as unreadable', async () => {
    const dir = join(root, 'corrupt');
    await cli(['demo', '--yes', '--sessions-dir', dir]);
    const name = (await readdir(dir)).find((f) => f.endsWith('.json') && !f.endsWith('.report.json'))!;
    const file = join(dir, name);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    const r = await cli(['resume', name.replace('.json', ''), '--yes', '--sessions-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file} is not valid JSON`);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    const doc = JSON.parse(text);
    doc.rounds[2].events[0].dir = 'sideways';
    await writeFile(file, JSON.stringify(doc));
    const r2 = await cli(['resume', file, '--yes']);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('$.rounds[2].events[0].dir');
    const list = await cli(['sessions', '--json', '--sessions-dir', dir]);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.out);
    expect(rows[0].error).toMatch(/\$\.rounds\[2\]\.events\[0\]\.dir/);
  });
});
