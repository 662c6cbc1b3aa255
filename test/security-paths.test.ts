// Security (issue 7): no shell ever sees user data; names from captures, devices or session files
// never become paths as they are; `--redact` exports hold no address; and a run writes nothing
// outside the sessions folder and the paths the user gave.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProgram } from '../src/recorders/process.js';
import { newSession, type Session } from '../src/session/schema.js';
import { loadSession, saveSession, sessionPath } from '../src/session/store.js';
import { realEngine } from '../src/wizard/engine.js';
import { runWizard } from '../src/wizard/run.js';
import { BIN, ensureDist, REPO } from './helpers/dist.js';
import { cli, scriptedIO } from './wizard-helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bmsw-security-'));
  await ensureDist();
}, 180_000);
afterAll(() => rm(root, { recursive: true, force: true }));

/** Every file under dir, relative, sorted. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function sourceFiles(dir: string): string[] {
  return tree(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
}

describe('no shell sees user data', () => {
  it('src/ never calls exec/execSync or spawns with a shell', () => {
    const hits: string[] = [];
    for (const f of sourceFiles(join(REPO, 'src'))) {
      const rel = relative(REPO, f);
      const text = readFileSync(f, 'utf8').replace(/^\s*\/\/.*$/gm, '');
      // programs run only through recorders/process.ts (argument arrays); the bench is a developer tool
      const imp = /import\s*\{([^}]*)\}\s*from\s*['"](node:)?child_process['"]/.exec(text);
      if (imp) {
        if (!/^src\/(recorders\/process|bench\/)/.test(rel)) hits.push(`${rel}: imports child_process outside recorders/process.ts`);
        for (const name of imp[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/)[0])) if (name === 'exec' || name === 'execSync') hits.push(`${rel}: imports ${name} (runs a shell)`);
      }
      if (/shell:\s*true/.test(text)) hits.push(`${rel}: shell: true`);
      // `bash -c SCRIPT` only with data passed as positional arguments ($1), never inside the script
      for (const m of text.matchAll(/['"](?:sh|bash)['"]\s*,\s*\[\s*['"]-c['"]\s*,\s*([^,\]]+)/g)) {
        if (!rel.startsWith('src/bench/') || /[`$]\{/.test(m[1]!)) hits.push(`${rel}: a shell script built from ${m[1]!.trim()}`);
      }
    }
    expect(hits).toEqual([]);
  });

  it('the program runner passes hostile arguments through untouched and runs nothing else', async () => {
    const marker = join(root, 'pwned');
    const args = [`$(touch ${marker})`, `; touch ${marker}`, `\`touch ${marker}\``, `| touch ${marker}`, "it's \"quoted\" & *"];
    const r = await runProgram(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(args);
    expect(existsSync(marker)).toBe(false);
  });
});

const DEVICE = 'A4:C1:38:0A:1B:2C';
const OTHER = 'f0:1d:2c:3b:4a:59';
const THIRD = '11:22:33:44:55:66';

/** A finished session that mentions its device and two other devices everywhere a user might see them. */
function sessionWithAddresses(): Session {
  const s = newSession('redact-me', '0.0.0-test');
  s.device.address = DEVICE.toLowerCase();
  s.device.name = `JBD-${DEVICE.replace(/:/g, '')}`; // some BMS advertise their address in the name
  s.notes = `phone also saw ${OTHER.toUpperCase()} and ${THIRD.replace(/:/g, '-')}; device is ${DEVICE}`;
  for (const [i, state] of ['on', 'off'].entries()) {
    s.rounds.push({
      state,
      index: 1,
      source: { kind: 'file', files: [{ path: `/home/user/captures/${DEVICE.replace(/:/g, '')}-${state}.btsnoop`, sha256: 'ab'.repeat(32) }] },
      recordedAt: s.created,
      device: DEVICE.toLowerCase(),
      connections: [
        { conn: 1, peer: DEVICE.toLowerCase(), name: 'xiaoxiang', start: 1, end: 2 },
        { conn: 2, peer: OTHER, name: 'Mi Band', start: 1, end: 2 },
      ],
      otherEvents: 3,
      warnings: [`traffic from a different device (${OTHER}) was left out`],
      events: [
        { record: 1, t: 1, conn: 1, peer: DEVICE.toLowerCase(), dir: 'app-to-device', op: 'Write Request', opcode: 0x12, handle: 21, uuid: 'ff02', value: 'dda50300fffd77' },
        { record: 2, t: 2, conn: 1, peer: DEVICE.toLowerCase(), dir: 'device-to-app', op: 'Handle Value Notification', opcode: 0x1b, handle: 17, uuid: 'ff01', value: i ? 'dd0300' : 'dd0301' },
        { record: 3, t: 3, conn: 2, peer: OTHER, dir: 'app-to-device', op: 'Write Command', opcode: 0x52, handle: 40, uuid: null, value: '0102' },
      ],
    });
  }
  s.step = 'done';
  return s;
}

/** Every way an address may be spelled: colons, dashes, none; any case. */
function spellings(addr: string): RegExp {
  const b = addr.toLowerCase().split(':');
  return new RegExp(`${b.join('[:-]?')}`, 'i');
}

describe('--redact', () => {
  for (const format of ['md', 'json'] as const) {
    it(`export --format ${format} --redact holds no address of the device or of other devices`, async () => {
      const dir = join(root, `redact-${format}`);
      await saveSession(sessionPath(dir, 'redact-me'), sessionWithAddresses());
      const plain = await cli(['export', 'redact-me', '--format', format, '--sessions-dir', dir]);
      expect(plain.code, plain.err).toBe(0);
      expect(plain.out).toMatch(spellings(DEVICE)); // the test's addresses are there without --redact
      const r = await cli(['export', 'redact-me', '--format', format, '--redact', '--sessions-dir', dir]);
      expect(r.code, r.err).toBe(0);
      for (const a of [DEVICE, OTHER, THIRD]) expect(r.out, `${a} in the redacted ${format}`).not.toMatch(spellings(a));
      expect(r.out).not.toContain('/home/user');
      // the device's own traffic is still there
      expect(r.out).toMatch(/dd ?a5 ?03 ?00 ?ff ?fd ?77/i);
    });
  }
});

describe('names never become paths as they are', () => {
  it('a session file edited to hold state names with slashes: the demo source writes inside the session folder', async () => {
    const dir = join(root, 'states', 'sessions');
    // a demo session that stopped before recording, then edited by hand
    const s = scriptedIO([]);
    const { file } = await runWizard({ io: s.io, engine: realEngine, sessionsDir: dir, mode: 'new', demo: true, cwd: root, stopAt: 'record' });
    const doc = JSON.parse(await readFile(file, 'utf8')) as Session;
    doc.target.states = ['../../../escaped-on', '/tmp/escaped-off'];
    doc.target.roundsPerState = 2;
    await writeFile(file, JSON.stringify(doc));
    const before = tree(join(root, 'states'));
    const again = scriptedIO([]);
    await runWizard({ io: again.io, engine: realEngine, sessionsDir: dir, mode: 'resume', session: file, cwd: root }).catch(() => undefined);
    const created = tree(join(root, 'states')).filter((f) => !before.includes(f));
    expect(created.length).toBeGreaterThan(0);
    for (const f of created) expect(f.startsWith('sessions/'), f).toBe(true);
    expect(existsSync(join(root, 'escaped-on-round1.btsnoop'))).toBe(false);
    expect(existsSync('/tmp/escaped-off-round1.btsnoop')).toBe(false);
    expect((await loadSession(file)).session.rounds.every((r) => r.source.files.every((f) => f.path.startsWith(dir)))).toBe(true);
  });
});

describe('names inside captures stay names', () => {
  it('a bug report zip whose log entry is named ../../escaped/btsnoop_hci.log is read in memory; nothing is written', async () => {
    const dir = join(root, 'zipslip', 'work');
    await mkdir(dir, { recursive: true });
    const { simulateCapture } = await import('../src/sim/index.js');
    const { makeZip } = await import('./bugreport-helpers.js');
    const log = simulateCapture({ protocol: 'jbd', switchOn: true, rounds: 1, seconds: 2, seed: 5 }).bytes;
    const zip = join(dir, 'report.zip');
    await writeFile(zip, makeZip([{ name: '../../escaped/FS/data/misc/bluetooth/logs/btsnoop_hci.log', data: log }, { name: '/tmp/abs/btsnoop_hci.log', data: log }]));
    const before = tree(join(root, 'zipslip'));
    const r = await cli(['inspect', '--json', zip]);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n').length).toBeGreaterThan(3);
    expect(tree(join(root, 'zipslip'))).toEqual(before);
    expect(existsSync(join(root, 'escaped'))).toBe(false);
    expect(existsSync('/tmp/abs')).toBe(false);
  });
});

describe('nothing is written outside the sessions folder and the paths the user gave', () => {
  it('demo, export --out and sessions with HOME, cwd and TMPDIR in empty temp folders', async () => {
    const base = join(root, 'confined');
    const [home, cwd, tmp, sessions, outDir] = ['home', 'cwd', 'tmp', 'sessions', 'out'].map((d) => join(base, d));
    for (const d of [home, cwd, tmp, outDir]) await mkdir(d, { recursive: true });
    const env = { PATH: process.env.PATH ?? '', HOME: home, TMPDIR: tmp, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), NO_COLOR: '1', CI: '1' };
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
    const demo = run('demo', '--yes', '--sessions-dir', sessions);
    expect(demo.status, demo.stderr).toBe(0);
    const exp = run('export', 'latest', '--format', 'md', '--redact', '--out', join(outDir, 'report.md'), '--sessions-dir', sessions);
    expect(exp.status, exp.stderr).toBe(0);
    const list = run('sessions', '--json', '--sessions-dir', sessions);
    expect(list.status, list.stderr).toBe(0);
    expect(tree(home)).toEqual([]);
    expect(tree(cwd)).toEqual([]);
    expect(tree(tmp)).toEqual([]);
    // The report the user named, and its SVG heatmaps beside it (named after it, linked from it).
    const out = tree(outDir);
    expect(out).toContain('report.md');
    for (const f of out) expect(f, f).toMatch(/^report(-g\d+\.svg|\.md)$/);
    const inSessions = tree(sessions);
    const id = inSessions.find((f) => /^[^/]+\.json$/.test(f) && !f.endsWith('.report.json'))!.replace(/\.json$/, '');
    for (const f of inSessions) expect(f.startsWith(id), f).toBe(true);
    expect(inSessions).toContain(`${id}.json`);
    expect(inSessions.filter((f) => f.endsWith('.lock') || f.endsWith('.tmp'))).toEqual([]);
    // without --sessions-dir the folder is ./sessions of the working directory, and nothing else
    const plain = run('demo', '--yes');
    expect(plain.status, plain.stderr).toBe(0);
    expect(tree(cwd).every((f) => f.startsWith('sessions/')), tree(cwd).join(', ')).toBe(true);
    expect(tree(home)).toEqual([]);
    expect(tree(tmp)).toEqual([]);
    void statSync;
    void execFileSync;
  }, 180_000);
});
