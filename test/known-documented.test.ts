// analyze, the wizard's results and the report name the known family and put its documented
// meaning next to a candidate that lands on a documented field.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeMeaning, documentedMeanings } from '../src/analysis/known/documented.js';
import { familyById } from '../src/analysis/known/families.js';
import { simulateCapture } from '../src/sim/index.js';
import { runCli } from './helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bmsw-known-'));
  for (const protocol of ['jbd', 'jk', 'ant', 'daly'] as const) {
    for (const on of [true, false]) {
      await writeFile(join(dir, `${protocol}-${on ? 'on' : 'off'}.btsnoop`), simulateCapture({ protocol, switchOn: on, rounds: 3, seed: 21 }).bytes);
    }
  }
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const states = (p: string) => ['--state', `on=${join(dir, `${p}-on.btsnoop`)}`, '--state', `off=${join(dir, `${p}-off.btsnoop`)}`];

describe('documented meanings', () => {
  it('a bit of a big-endian 16-bit field is found in its low byte only (Daly register 0x35)', () => {
    const daly = familyById('daly-modbus')!;
    const frame = new Uint8Array(129);
    frame.set([0xd2, 0x03, 0x7c]);
    const groups = [{ id: 'g1', dir: 'device-to-app' as const, example: Buffer.from(frame).toString('hex') }];
    const low = documentedMeanings(daly, groups, [{ group: 'g1', byte: 110, mask: '0x01' }]);
    expect(low.map((m) => describeMeaning(daly.short, m))).toEqual(['Daly byte 110 bit 0 is documented as the charge MOSFET (field: charge MOSFET (register 0x35))']);
    expect(documentedMeanings(daly, groups, [{ group: 'g1', byte: 109, mask: '0x01' }])).toEqual([]);
  });

  it('fields of another frame type are not offered (JBD cell frames have no MOSFET byte)', () => {
    const jbd = familyById('jbd')!;
    const cells = { id: 'g1', dir: 'device-to-app' as const, example: 'dd04001e' + '0d00'.repeat(15) + 'fe0077' };
    expect(documentedMeanings(jbd, [cells], [{ group: 'g1', byte: 24, mask: '0x02' }])).toEqual([]);
  });
});

describe('the family in analyze, the wizard and the report', () => {
  it.each([
    ['jbd', 'JBD byte 24 bit 1 is documented as the discharge MOSFET'],
    ['jk', 'JK02 byte 199 bit 0 is documented as the discharge MOSFET'],
    ['ant', 'ANT byte 83 bit 0 is documented as the discharge MOSFET'],
    ['daly', 'Daly A5 byte 6 bit 0 is documented as the discharge MOSFET'],
  ])('analyze of simulated %s names the family and the documented meaning of candidate #1', async (p, sentence) => {
    const r = await runCli(['analyze', ...states(p)]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Known protocol looks like /m);
    expect(r.out).toContain(`#1 ${sentence}`);
    const j = JSON.parse((await runCli(['analyze', ...states(p), '--json'])).out) as { known: { documented: { text: string }[] } };
    expect(j.known.documented.some((d) => d.text.startsWith(`#1 ${sentence} (field: `))).toBe(true);
  });

  it('the demo session: the wizard results and the markdown report name JBD and byte 24 bit 1', async () => {
    const sessions = join(dir, 'sessions');
    const demo = await runCli(['demo', '--yes', '--sessions-dir', sessions]);
    expect(demo.code).toBe(0);
    expect(demo.out).toMatch(/Known protocol looks like JBD \/ Xiaoxiang .*checksum valid in (\d+)\/\1/);
    expect(demo.out).toContain('#1 JBD byte 24 bit 1 is documented as the discharge MOSFET');
    const md = await runCli(['export', 'latest', '--format', 'md', '--sessions-dir', sessions]);
    expect(md.out).toContain('## Known protocol');
    // Markdown escapes the '#' (it renders as #1).
    expect(md.out).toMatch(/^- \\?#1 JBD byte 24 bit 1 is documented as the discharge MOSFET/m);
    const json = JSON.parse((await runCli(['export', 'latest', '--format', 'json', '--sessions-dir', sessions])).out) as { known: { family: string } };
    expect(json.known.family).toBe('jbd');
  }, 60_000);
});
