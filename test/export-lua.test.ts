// export --format lua, run by the real tshark on the session's captures: no Lua error, and every
// frame of the finding's kind decodes to the value the finding gives for its round's state.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKSUMS, type ChecksumParams } from '../src/analysis/checksums.js';
import { decodeNumber } from '../src/analysis/encodings.js';
import { describeChecksum } from '../src/analysis/checksums.js';
import { describeRule, NO_RULE } from '../src/analysis/frames.js';
import { decoderModel } from '../src/export/decoder-model.js';
import { luaDissector, luaString } from '../src/export/lua.js';
import { parseChecksumText, parseRuleText } from '../src/export/rule-text.js';
import type { Session } from '../src/session/schema.js';
import { HAVE_CORPUS } from './helpers/capture-corpus.js';
import { demoSession, lumentreeSession, sessionFromCaptures } from './helpers/known-sessions.js';
import { runCli } from './helpers/cli.js';
import { simulateCapture } from '../src/sim/index.js';

const HAVE_TSHARK = spawnSync('tshark', ['--version']).status === 0;
if (!HAVE_TSHARK) console.warn('export-lua: tshark is not installed (apt-get install tshark; .ci/run installs it), skipping the dissector runs');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bmsw-lua-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Per frame number: the values of the finding's field (several frames may end in one packet). */
function runTshark(capture: string, script: string, field: string): { rows: Map<number, string[]>; checksums: string[]; err: string } {
  const r = spawnSync('tshark', ['-r', capture, '-X', `lua_script:${script}`, '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.number', '-e', field, '-e', 'bmswizard.checksum_ok'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const rows = new Map<number, string[]>();
  const checksums: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const [n, v, ck] = line.split('\t');
    if (v) rows.set(Number(n), v.split(','));
    if (ck) checksums.push(...ck.split(','));
  }
  return { rows, checksums, err: r.stderr.replace(/Running as user "root".*dangerous\.\n?/, '') };
}

const truth = (v: string): number => (v === '1' || v === 'True' ? 1 : v === '0' || v === 'False' ? 0 : Number(v));

async function checkSession(session: Session): Promise<number> {
  const model = decoderModel(session);
  const script = join(dir, `${session.id}.lua`);
  await writeFile(script, luaDissector(model, 'bms-wizard test'));
  let checked = 0;
  for (const file of model.files) {
    const { rows, checksums, err } = runTshark(file.path, script, `bmswizard.${model.field!.id}`);
    expect(err, 'tshark reported a Lua error').not.toMatch(/Lua|error/i);
    expect(checksums.every((c) => c === '1' || c === 'True'), 'a frame of the session failed its checksum in the dissector').toBe(true);
    const roundsOfFile = new Set(session.rounds.map((r, i) => (r.source.files.some((f) => f.path === file.path) ? i : -1)).filter((i) => i >= 0));
    for (const f of model.frames.filter((x) => x.ofFinding && roundsOfFile.has(x.round))) {
      const want = model.field!.values[f.state]!;
      const got = rows.get(f.lastRecord);
      expect(got, `frame ending at record ${f.lastRecord} (${f.state}) was not decoded`).toBeDefined();
      expect(got!.map(truth), `record ${f.lastRecord} (${f.state})`).toContain(want);
      checked++;
    }
  }
  return checked;
}

describe('frame rule and checksum texts read back', () => {
  it.each([
    { ...NO_RULE, marker: Uint8Array.of(0xdd), length: { offset: 3, size: 1 as const, le: false, add: 7, anchor: null } },
    { ...NO_RULE, marker: Uint8Array.of(0x55, 0xaa, 0xeb, 0x90), fixed: 300 },
    { ...NO_RULE, marker: Uint8Array.of(0x55), fixed: null, fixedByType: new Map([[0x01, 300], [0x02, 308]]) },
    { ...NO_RULE, request: true, length: { offset: 5, size: 2 as const, le: true, add: -3, anchor: null } },
    { ...NO_RULE, gapUs: 50_000 },
  ])('%#: describeRule → parseRuleText keeps every part', (rule) => {
    const back = parseRuleText(describeRule(rule));
    expect(back.marker).toBe(rule.marker ? Buffer.from(rule.marker).toString('hex') : null);
    expect(back.length).toEqual(rule.length ? { offset: rule.length.offset, size: rule.length.size, le: rule.length.size === 2 && rule.length.le, add: rule.length.add } : null);
    expect(back.request).toBe(rule.request);
    expect(back.gapMs).toBe(rule.gapUs === null ? null : rule.gapUs / 1000);
    if (rule.fixedByType) expect(back.fixedByType).toEqual(rule.fixedByType);
    else expect(back.fixed).toBe(rule.fixed);
  });

  it('every checksum description reads back to its algorithm, range and field', () => {
    for (const a of CHECKSUMS) {
      for (const le of a.size === 2 ? [true, false] : [false]) {
        const text = describeChecksum({ algorithm: a.name, from: 2, fromEnd: 1, size: a.size, le, matches: 1, of: 1 }, 36);
        expect(parseChecksumText(text, 36)).toMatchObject({ algorithm: { name: a.name }, from: 2, fromEnd: 1, le: a.size === 2 && le });
      }
    }
  });

  it('the algorithm parameters the exports use compute what the analysis computes', () => {
    const ref = (p: ChecksumParams, b: Uint8Array, from: number, to: number): number => {
      if (p.kind === 'xor') return b.subarray(from, to).reduce((x, y) => x ^ y, 0);
      if (p.kind === 'sum') {
        const s = b.subarray(from, to).reduce((x, y) => x + y, 0);
        const m = p.width === 8 ? 0xff : 0xffff;
        return p.post === 'none' ? s & m : p.post === 'neg' ? -s & m : p.post === 'not' ? ~s & m : (0x10000 - (s & 0xffff)) & 0xffff;
      }
      let c = p.init;
      const top = p.width === 8 ? 0x80 : 0x8000;
      const m = p.width === 8 ? 0xff : 0xffff;
      for (let i = from; i < to; i++) {
        c ^= p.reflected || p.width === 8 ? b[i]! : b[i]! << 8;
        for (let k = 0; k < 8; k++) c = p.reflected ? (c & 1 ? (c >>> 1) ^ p.poly : c >>> 1) : c & top ? ((c << 1) ^ p.poly) & m : (c << 1) & m;
      }
      return c ^ p.xorout;
    };
    const data = Uint8Array.from({ length: 64 }, (_, i) => (i * 73 + 11) & 0xff);
    for (const a of CHECKSUMS) expect(ref(a.params, data, 3, 60), a.name).toBe(a.compute(data, 3, 60));
  });

  it('names reach Lua only as escaped string literals', () => {
    expect(luaString('a"b\\c\n]]--')).toBe('"a\\034b\\092c\\010]]--"');
    expect(luaString(Uint8Array.of(0xdd, 0x03))).toBe('"\\221\\003"');
  });
});

describe('a session without an accepted finding', () => {
  it('lua and aiobmsble say so in one sentence (exit 2); the bundle leaves the dissector out', async () => {
    const sessions = join(dir, 'unaccepted');
    const session = await demoSession(sessions);
    session.accepted = null;
    session.step = 'accept';
    const file = join(sessions, `${session.id}.json`);
    await writeFile(file, JSON.stringify(session));
    for (const format of ['lua', 'aiobmsble']) {
      const r = await runCli(['export', file, '--format', format]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^error: this session has no accepted finding yet; accept a candidate .*\n$/);
    }
    const zip = await runCli(['export', file, '--format', 'bundle', '--out', join(dir, 'unaccepted.zip')]);
    expect(zip.code).toBe(0);
  }, 60_000);
});

describe.skipIf(!HAVE_TSHARK)('the dissector in the real tshark', () => {
  it('the demo session: every finding frame of the demo captures decodes to its state', async () => {
    const session = await demoSession(join(dir, 'demo'));
    const checked = await checkSession(session);
    expect(checked).toBeGreaterThanOrEqual(20);
  }, 120_000);

  it.skipIf(!HAVE_CORPUS)('a session from real corpus captures (Lumentree, 1–9 byte fragments): the register decodes per state', async () => {
    const session = await lumentreeSession();
    expect(session.accepted).toMatchObject({ byte: 40, mask: '0x01', values: { off: 0, on: 1 } });
    const checked = await checkSession(session);
    expect(checked).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('accepted readings decode with their scale: the demo pack voltage and cell voltages, frame by frame', async () => {
    const session = await demoSession(join(dir, 'demo-readings'));
    const base = { group: 'g2', handle: 0x11, shown: [], decoded: [], rule: 'test' };
    session.readings = [
      { ...base, name: 'pack voltage', unit: 'V', prefix: 'dd03001d', offset: 4, size: 2, type: 'u16', endian: 'be', scale: 0.01, add: 0 },
      { ...base, name: 'cells', unit: 'V', prefix: 'dd04', offset: 4, size: 2, type: 'u16', endian: 'be', scale: 0.001, add: 0, count: 4 },
      { ...base, name: 'shown as text', unit: '', prefix: 'dd03', offset: 4, size: 2, type: 'ascii', endian: null, scale: 1, add: 0 },
    ];
    const model = decoderModel(session);
    expect(model.readings.map((r) => r.id)).toEqual(['pack_voltage', 'cells']);
    expect(model.skippedReadings).toHaveLength(1);
    const script = join(dir, 'readings.lua');
    const lua = luaDissector(model, 'bms-wizard test');
    expect(lua).toContain('-- Not decoded here (text, BCD or another handle): shown as text (test).');
    await writeFile(script, lua);
    let checked = 0;
    for (const file of model.files) {
      for (const r of model.readings) {
        const { rows, err } = runTshark(file.path, script, `bmswizard.${r.id}`);
        expect(err).not.toMatch(/Lua|error/i);
        const start = Buffer.from(r.startsWith, 'hex');
        for (const f of model.frames.filter((x) => Buffer.from(x.bytes).subarray(0, start.length).equals(start))) {
          if (!session.rounds[f.round]!.source.files.some((x) => x.path === file.path)) continue;
          const want = Array.from({ length: r.count }, (_, k) => decodeNumber('u16be', f.bytes, r.offset + k * r.size)! * r.scale + r.add);
          const got = (rows.get(f.lastRecord) ?? []).map(Number);
          for (const w of want) expect(got.some((g) => Math.abs(g - w) < 1e-6), `${r.id} at record ${f.lastRecord}: ${got} lacks ${w}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  }, 120_000);

  it.each([
    ['jk', 'fixed 300-byte frames over 128 + 22-byte notifications'],
    ['ant', 'a length field, frames over 20-byte notifications'],
    ['daly', 'one frame per notification'],
  ] as const)('simulated %s (%s): every finding frame decodes to its state', async (protocol, _what) => {
    const files: string[] = [];
    for (const on of [true, false]) {
      const path = join(dir, `${protocol}-${on ? 'on' : 'off'}.btsnoop`);
      await writeFile(path, simulateCapture({ protocol, switchOn: on, rounds: 2, seed: 5 }).bytes);
      files.push(path);
    }
    const session = await sessionFromCaptures(`sim-${protocol}`, 'discharge switch', [`on=${files[0]}`, `off=${files[1]}`]);
    const checked = await checkSession(session);
    expect(checked).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('a hostile target name stays inside its string literal', async () => {
    const session = await demoSession(join(dir, 'demo-hostile'));
    session.target.name = 'x"); os.execute("touch /tmp/pwned") --\n]]';
    const checked = await checkSession(session);
    expect(checked).toBeGreaterThan(0);
    expect(execFileSync('ls', ['/tmp']).toString()).not.toContain('pwned');
  }, 120_000);
});
