import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportMarkdown } from '../src/export/markdown.js';
import { buildReport } from '../src/export/report.js';
import { decoderModel } from '../src/export/decoder-model.js';
import { acceptCandidate } from '../src/session/finding.js';
import { loadSession, saveSession } from '../src/session/store.js';
import type { Session } from '../src/session/schema.js';
import { cli } from './wizard-helpers.js';

const MAC = /\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/gi;

let root: string;
let dir: string;
let id: string;
let file: string;
let session: Session;
const STRANGER = '11:22:33:44:55:66';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bmsw-export-'));
  dir = join(root, 'sessions');
  const r = await cli(['demo', '--yes', '--sessions-dir', dir]);
  expect(r.code).toBe(0);
  const name = (await readdir(dir)).find((f) => f.endsWith('.json') && !f.endsWith('.report.json'))!;
  id = name.replace(/\.json$/, '');
  file = join(dir, name);
  session = (await loadSession(file)).session;
  // A session may hold traffic of another device (e.g. a round kept before the device was known).
  const r0 = session.rounds[0]!;
  r0.events.push({ ...r0.events[0]!, peer: STRANGER, dir: 'app-to-device', value: 'cafe01' });
  r0.connections.push({ conn: 9, peer: STRANGER, name: 'Polar H10', start: null, end: null });
  session.notes = `seen next to ${STRANGER}; BMS at ${session.device.address}`;
  await saveSession(file, session);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('bms-wizard export', () => {
  it('writes the markdown report for a maintainer', async () => {
    const r = await cli(['export', id, '--format', 'md', '--sessions-dir', dir]);
    expect(r.code).toBe(0);
    const md = r.out;
    expect(md).toMatch(/^# BMS protocol finding: discharge switch/);
    expect(md).toContain('## Device');
    expect(md).toContain(session.device.address!);
    expect(md).toMatch(/\| ff00 \| ff01 \| 0x0011 \| read, notify \|/); // GATT seen in the capture's discovery
    expect(md).toContain('`DD A5 03 00 FF FD 77`'); // the app's query
    expect(md).toMatch(/\| on \| 1 \| sim \| .*on-round1\.btsnoop/);
    expect(md).toMatch(/\| 1 \| g\d+ \| `DD 03 00 1D` \| 24 \| 1 \| 0x02 \| 1 \| 0 \|/); // candidate table
    expect(md).toMatch(/\[0[0-9A-F]\]/); // hex view with the byte marked
    expect(md).toContain('byte 24 bit 1 (0x02)');
    expect(md).toMatch(/byte 24 bit 1 \(0x02\): byte 0x0[0-9A-F] = 0000 [01]{2}\[1\][01], 1 here; on: 1, off: 0/); // the bits, marked
    expect(md).toContain('(frame[24] & 0x02) != 0  →  discharge switch on');
    expect(md).toContain('(frame[24] & 0x02) == 0  →  discharge switch off');
    // The rule picks the frame out in full: length, identifying bytes, handle, the request it answers.
    expect(md).toContain('36-byte frame starting `DD 03 00 1D`, notified on handle 0x0011 (the answer to `DD A5 03 00 FF FD 77`), byte 24, mask 0x02: 1 = discharge switch on, 0 = discharge switch off');
    expect(md).toContain('for the 36-byte frame starting DD 03 00 1D, notified on handle 0x0011 (the answer to DD A5 03 00 FF FD 77):\n  (frame[24] & 0x02) != 0  →  discharge switch on');
    // The app's writes are named for what they are; each round says which part of its file it is.
    expect(md).toContain('## Commands the app wrote');
    expect(md).not.toContain('Query commands');
    expect(md).toMatch(/\| `DD A5 03 00 FF FD 77` \| \d+ \| query \(every state\) \|/);
    expect(md).toMatch(/\| Part of the files \|/);
    expect(md).toMatch(/\| on \| 1 \| sim \| .*on-round1\.btsnoop.* \| (`connection \d+`|whole file) \|/);
    expect(md).toContain(session.notes);
    expect(md).toContain('cafe01'.toUpperCase().replace(/(..)(?!$)/g, '$1 ')); // unredacted: everything stays
  });

  it('a write seen in one state only is a set command; a round cut from a file says which part', () => {
    const copy = structuredClone(session);
    const on = copy.rounds.find((r) => r.state === 'on')!;
    const e = on.events.find((x) => x.dir === 'app-to-device')!;
    on.events.push({ ...e, value: 'dd5ae1020002ff1b77' }); // the app's switch write, in 'on' rounds only
    on.source = { ...on.source, window: { unit: 'seconds', from: 12.5, to: 20 } };
    const report = buildReport(copy);
    expect(report.queries.find((q) => q.value === 'dd5ae1020002ff1b77')).toMatchObject({ states: ['on'] });
    const md = reportMarkdown(report);
    expect(md).toMatch(/\| `DD 5A E1 02 00 02 FF 1B 77` \| 1 \| set command \(only in on\) \|/);
    expect(md).toMatch(new RegExp(`\\| on \\| ${on.index} \\| .* \\| \`12\\.5\\.\\.20 s(, connection \\d+)?\` \\|`));
  });

  it('a whole-byte finding whose other bits are set: the rule and the decoders give the bits under the mask', () => {
    const copy = structuredClone(session);
    const result = copy.analysis!.result;
    const top = result.candidates[0]!;
    // An enum in bits 1–2 of a byte whose bit 7 is set in every state (0x82 / 0x84, mask 0x06).
    const c = { ...top, kind: 'byte' as const, bit: 1, bits: [1, 2], mask: '0x06', values: { on: 0x82, off: 0x84 } };
    copy.accepted = acceptCandidate(c, result, 'mode');
    expect(copy.accepted.rule).toMatch(/, mask 0x06: 0x02 = mode on, 0x04 = mode off$/);
    expect(decoderModel(copy).field).toMatchObject({ mask: 0x06, bit: 1, single: false, values: { on: 1, off: 2 } });
  });

  it('writes JSON with stable field names and a schema version', async () => {
    const out = join(root, 'report.json');
    const r = await cli(['export', file, '--format', 'json', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`wrote ${out}`);
    const j = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(j)).toEqual(['schemaVersion', 'kind', 'tool', 'session', 'redacted', 'device', 'target', 'queries', 'states', 'analysis', 'accepted', 'decoder', 'known', 'readings', 'readingRules', 'notes']);
    expect(j.known).toMatchObject({ family: 'jbd', documented: expect.arrayContaining([expect.objectContaining({ byte: 24, mask: '0x02' })]) });
    expect(j.schemaVersion).toBe(1);
    expect(j.kind).toBe('bms-wizard-report');
    expect(j.states.on.rounds).toHaveLength(3);
    expect(j.states.off.rounds[0]).toMatchObject({ index: 1, source: 'sim', connections: 1 });
    expect(j.analysis.result.candidates[0]).toMatchObject({ byte: 24, bit: 1, mask: '0x02', values: { on: 1, off: 0 } });
    expect(j.accepted).toMatchObject({ byte: 24, bit: 1, mask: '0x02', handle: 0x11, prefix: expect.stringMatching(/^dd03/) });
    expect(j.decoder).toMatchObject({ frame: { handle: 0x11, startsWith: expect.stringMatching(/^dd03/), length: 36 }, offset: 24, size: 1, mask: '0x02', values: { on: 1, off: 0 } });
    expect(j).toEqual(JSON.parse(JSON.stringify(buildReport(session))));
  });

  it('--redact replaces every address and drops other devices\u2019 traffic and local paths', async () => {
    for (const format of ['md', 'json']) {
      const r = await cli(['export', id, '--format', format, '--redact', '--sessions-dir', dir]);
      expect(r.code).toBe(0);
      expect(r.out.match(MAC)).toBeNull(); // no real address left anywhere
      expect(r.out).toContain('xx:xx:xx:xx:xx:01'); // the device
      expect(r.out).not.toContain(session.device.address!);
      expect(r.out).not.toContain(STRANGER);
      expect(r.out.toLowerCase()).not.toMatch(/ca ?fe ?01/); // the stranger's write is gone
      expect(r.out).not.toContain(root); // local paths reduced to file names
    }
    const j = buildReport(session, { redact: true });
    expect(j.redacted).toBe(true);
    expect(j.states.on!.rounds[0]!.connections).toBe(1);
    expect(j.queries.some((q) => q.value === 'cafe01')).toBe(false);
    expect(buildReport(session).queries.some((q) => q.value === 'cafe01')).toBe(true);
  });

  it("export --help calls the app's writes commands (queries and set commands), not all of them query commands", async () => {
    const r = await cli(['export', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/query commands/);
    expect(r.out.replace(/\s+/g, ' ')).toContain('the commands the app wrote (queries sent in every state, set commands seen in some states only)');
  });

  it('refuses a bad format, a missing session and unknown options with exit 2', async () => {
    expect((await cli(['export', id, '--format', 'pdf', '--sessions-dir', dir])).code).toBe(2);
    const missing = await cli(['export', 'nope', '--sessions-dir', dir]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no session 'nope'/);
    expect((await cli(['export', '--sessions-dir', dir])).err).toMatch(/name the session/);
    expect((await cli(['export', id, '--color', '--sessions-dir', dir])).code).toBe(2);
  });

  it('renders a session without analysis or finding', async () => {
    const bare = { ...session, analysis: null, accepted: null, rounds: [], device: { name: null, address: null, gatt: null } };
    const md = reportMarkdown(buildReport(bare));
    expect(md).toContain('_No candidate accepted yet._');
    expect(md).toContain('_Not run yet._');
    expect(md).toContain('GATT table: not explored');
  });
});

describe('bms-wizard sessions', () => {
  it('lists sessions newest first, as text and JSON', async () => {
    const second = await cli(['demo', '--yes', '--sessions-dir', dir]);
    expect(second.code).toBe(0);
    const j = await cli(['sessions', '--json', '--sessions-dir', dir]);
    expect(j.code).toBe(0);
    const rows = JSON.parse(j.out) as { id: string; updated: string; step: string; rounds: number; roundsNeeded: number; device: { address: string }; target: string }[];
    expect(rows).toHaveLength(2);
    expect(rows[0]!.updated >= rows[1]!.updated).toBe(true);
    expect(rows[1]!.id).toBe(id);
    expect(rows[0]).toMatchObject({ step: 'done', rounds: 6, roundsNeeded: 6, target: 'discharge switch' });
    // Wide enough for one line a session (the 80-column layout has its own test).
    const t = await cli(['sessions', '--sessions-dir', dir], { COLUMNS: '200' });
    expect(t.out.split('\n')[1]!.startsWith(`${id}  ${session.device.name}  discharge switch  6/6 rounds  step done  updated `)).toBe(true);
    const env = await cli(['sessions', '--json'], { BMS_WIZARD_SESSIONS: dir });
    expect(JSON.parse(env.out)).toHaveLength(2);
    const empty = await cli(['sessions', '--sessions-dir', join(root, 'empty')]);
    expect(empty.code).toBe(0);
    expect(empty.err).toMatch(/no sessions/);
  });
});
