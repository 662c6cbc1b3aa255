// `bms-wizard inspect` run through the real CLI entry with captured streams.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractAttFromFile } from '../src/hci/extract-file.js';
import { simulateCapture } from '../src/sim/capture.js';
import { CORPUS, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';
import { rmSync } from 'node:fs';
import { type CliResult, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bms-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...argv: string[]): Promise<CliResult> {
  return runCli(['inspect', ...argv]);
}

/** On an output wide enough for one line an event (80 columns lay events out in rows: their own test). */
function wide(...argv: string[]): Promise<CliResult> {
  return runCli(['inspect', ...argv], { COLUMNS: '2000' });
}

const FIELDS = ['record', 't', 'conn', 'peer', 'dir', 'op', 'opcode', 'handle', 'uuid', 'value', 'rel'];

/** A generated capture: a simulated JK app session with HCI events (peer known) and fragmented ACL. */
const sim = simulateCapture({ protocol: 'jk', switchOn: true, rounds: 2, seed: 7, aclFragment: 27 });
const simPath = join(dir, 'jk-sim.btsnoop');
writeFileSync(simPath, sim.bytes);

describe('inspect on a generated capture', () => {
  it('--json prints one line per event with exactly the documented fields', async () => {
    const { code, out, err } = await cli(simPath, '--json');
    expect(code).toBe(0);
    expect(err).toBe('');
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const { events } = await extractAttFromFile(simPath);
    expect(lines.length).toBe(events.length);
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(Object.keys(l)).toEqual(FIELDS);
    expect(lines[0]).toMatchObject({ record: events[0]!.record, conn: 1, peer: sim.deviceAddress.toLowerCase(), op: events[0]!.op });
    expect(lines.every((l) => /^[0-9a-f]*$/.test(l.value as string) && (l.dir === 'app-to-device' || l.dir === 'device-to-app'))).toBe(true);
    expect(new Set(lines.map((l) => l.conn))).toEqual(new Set([1, 2]));
  });

  it('--handle accepts hex and decimal and keeps only that handle', async () => {
    const all = (await cli(simPath, '--json')).out.trim().split('\n').map((l) => JSON.parse(l) as { handle: number });
    const h = all.find((e) => e.handle !== all[0]!.handle)?.handle ?? all[0]!.handle;
    const hexOut = await cli(simPath, '--json', '--handle', `0x${h.toString(16)}`);
    const decOut = await cli(simPath, '--json', '--handle', String(h));
    expect(hexOut.out).toBe(decOut.out);
    const kept = hexOut.out.trim().split('\n').map((l) => JSON.parse(l) as { handle: number });
    expect(kept.length).toBe(all.filter((e) => e.handle === h).length);
    expect(kept.every((e) => e.handle === h)).toBe(true);
  });

  it('--device matches the peer address in any case', async () => {
    const upper = await cli(simPath, '--json', '--device', sim.deviceAddress.toUpperCase());
    const all = await cli(simPath, '--json');
    expect(upper.out).toBe(all.out);
    const dashes = await cli(simPath, '--json', '--device', sim.deviceAddress.replace(/:/g, '-'));
    expect(dashes.out).toBe(all.out);
    const none = await cli(simPath, '--json', '--device', '00:00:00:00:00:01');
    expect(none.out).toBe('');
    expect(none.err).toMatch(/no event matched/);
  });

  it('human view shows time, connection, device, direction, operation, handle, hex and text', async () => {
    const { code, out } = await wide(simPath, '--absolute-time');
    expect(code).toBe(0);
    const line = out.split('\n').find((l) => l.includes('Handle Value Notification'))!;
    expect(line).toMatch(/^#\d+ +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} +conn 1 +[0-9a-f:]{17} +dev→app +Handle Value Notification +0x[0-9a-f]{4}( \([0-9a-f-]+\))? +([0-9a-f]{2} )*[0-9a-f]{2}  \|[\x20-\x7e]+\|$/);
    expect(out).toMatch(/connection\(s\), \d+ of \d+ event\(s\) shown/);
  });

  it('human view counts seconds from the capture start, as windows do (the clock with --absolute-time)', async () => {
    const { out } = await wide(simPath);
    const json = (await cli(simPath, '--json')).out.trim().split('\n').map((l) => JSON.parse(l) as { record: number; rel: number });
    const line = out.split('\n').find((l) => l.startsWith(`#${json[3]!.record} `))!;
    expect(line).toMatch(new RegExp(`^#${json[3]!.record} +${json[3]!.rel.toFixed(6).replace('.', '\\.')} conn`));
    expect(json[3]!.rel).toBeGreaterThan(0);
    const { start } = (await extractAttFromFile(simPath)).result;
    const events = (await cli(simPath, '--json')).out.trim().split('\n').map((l) => JSON.parse(l) as { t: number; rel: number });
    expect(events.every((e) => Math.abs(e.rel - (e.t - start!) / 1e6) < 1e-9)).toBe(true);
    expect(out).not.toMatch(/\d{4}-\d\d-\d\d \d\d:/);
  });

  it('the text column shows printable bytes as themselves and the others as a dot', async () => {
    const { out } = await wide(simPath);
    const json = (await cli(simPath, '--json')).out.trim().split('\n').map((l) => JSON.parse(l) as { record: number; value: string });
    const e = json.find((x) => x.value.length >= 8)!;
    const text = [...Buffer.from(e.value, 'hex')].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    expect(out.split('\n').find((l) => l.startsWith(`#${e.record} `))!.endsWith(`|${text}|`)).toBe(true);
  });

  it('--summary lists devices, connections, handles with UUIDs and properties, and counts', async () => {
    const { code, out } = await wide(simPath, '--summary');
    expect(code).toBe(0);
    expect(out).toContain(`Devices (1):\n  ${sim.deviceAddress.toLowerCase()}`);
    expect(out).toMatch(/Connections \(2\):/);
    expect(out).toMatch(/0x[0-9a-f]{4} +ffe0 +ffe1 +\S*notify/);
    expect(out).toMatch(/Counts:\n  packets \d+/);
    const json = await cli(simPath, '--summary', '--json');
    const s = JSON.parse(json.out) as { connections: unknown[]; handles: unknown[]; counts: { attWithValue: number } };
    expect(s.connections).toHaveLength(2);
    expect(s.counts.attWithValue).toBeGreaterThan(10);
  });

  it('--summary shows the capture start and duration, and connections in seconds from the start', async () => {
    const { result } = await extractAttFromFile(simPath);
    const duration = (result.end! - result.start!) / 1e6;
    expect(duration).toBeGreaterThan(1);
    const { out } = await wide(simPath, '--summary');
    expect(out).toContain(`duration ${duration.toFixed(1)} s`);
    expect(out).toMatch(/# start \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} UTC/);
    expect(out).toMatch(/#1 .*records \d+–\d+ {2}0\.\d{6}\.\.\d+\.\d{6} s/);
    const s = JSON.parse((await cli(simPath, '--summary', '--json')).out) as { start: number; end: number; duration: number };
    expect(s).toMatchObject({ start: result.start, end: result.end, duration });
  });

  it('several files: each file in order, record and conn counted per file', async () => {
    const one = (await cli(simPath, '--json')).out;
    const two = await cli(simPath, simPath, '--json');
    expect(two.out).toBe(one + one);
  });

  it('a truncated capture prints the records before the damage, then one sentence, exit 2', async () => {
    const cut = join(dir, 'cut.btsnoop');
    writeFileSync(cut, sim.bytes.subarray(0, sim.bytes.length - 5));
    const whole = (await cli(simPath, '--json')).out.trim().split('\n');
    const { code, out, err } = await cli(cut, '--json');
    expect(code).toBe(2);
    const got = out.trim().split('\n');
    expect(got.length).toBeGreaterThan(whole.length - 3);
    expect(whole.slice(0, got.length)).toEqual(got);
    const errors = err.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cut\.btsnoop.*btsnoop.*record \d+.*byte \d+/);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('bad input: not a capture, missing file, bad --handle, no file: exit 2 with one sentence', async () => {
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 0xff, 0xfe]));
    for (const argv of [[junk], [join(dir, 'missing.btsnoop')], [simPath, '--handle', 'zz'], [], [simPath, '--device', 'nope']]) {
      const { code, out, err } = await cli(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(out).toBe('');
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(/^error: /);
    }
    const { err } = await cli(junk);
    expect(err).toContain('notes.txt');
  });

  it('several files: an unreadable one is reported and the others are still printed', async () => {
    const { code, out, err } = await cli(join(dir, 'missing.btsnoop'), simPath, '--json');
    expect(code).toBe(2);
    expect(out.trim().split('\n').length).toBeGreaterThan(10);
    expect(err).toMatch(/missing\.btsnoop/);
  });
});

describe.skipIf(!HAVE_CORPUS)('inspect on real captures', () => {
  it('JK B1A20S15P (ACL-only): notifications of 300 bytes, with UUIDs from discovery', async () => {
    const { code, out } = await cli(join(CORPUS, 'jk_b1a20s15p_sw1007.btsnoop'), '--json', '--handle', '0x0005');
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { record: number; uuid: string; value: string; peer: null });
    expect(lines[0]).toMatchObject({ record: 18, uuid: 'ffe1', peer: null });
    expect(lines[0]!.value.startsWith('55aaeb9003')).toBe(true);
  });

  it('fossibot (full HCI): --device keeps the Fossibot connections, --summary names it', async () => {
    const file = join(CORPUS, 'fossibot.btsnoop');
    const { out } = await cli(file, '--summary');
    expect(out).toMatch(/dc:1e:d5:e4:07:1e {2}"POWER-0084"/);
    const json = await cli(file, '--json', '--device', 'DC:1E:D5:E4:07:1E', '--handle', '0x36');
    const writes = json.out.trim().split('\n').map((l) => JSON.parse(l) as { record: number; value: string; uuid: string });
    expect(writes.find((w) => w.record === 8491)).toMatchObject({ value: '1106003e00b4e1ea', uuid: 'c304' });
  });
});

if (!HAVE_CORPUS) it.skip(SKIP_REASON, () => undefined);

// Keep the generated capture honest: it is a real btsnoop file the readers accept.
it('the generated capture is btsnoop', () => {
  expect(readFileSync(simPath).subarray(0, 8).toString('latin1')).toBe('btsnoop\0');
});
