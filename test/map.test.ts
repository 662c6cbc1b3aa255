// The frame map: generated frames whose layout is known, the command on a real capture, and the
// wizard's screen.
import { describe, expect, it } from 'vitest';
import { mapGroup } from '../src/analysis/frame-map.js';
import { mapLines } from '../src/analysis/map-view.js';
import type { GroupResult, Message } from '../src/analysis/types.js';
import { corpusFile, HAVE_CORPUS } from './helpers/capture-corpus.js';
import { runCli } from './helpers/cli.js';

/** aa 55 | counter | 'OK1' | 4 × u16 le cells (high byte 0x0d) | flags (01/03) | u16 be number | sum8. */
function frames(n: number): Message[] {
  return Array.from({ length: n }, (_, i) => {
    const cells = [0x0d10 + (i % 7), 0x0d20 + ((i * 3) % 11), 0x0d05 + (i % 5), 0x0d30 + ((i * 2) % 9)];
    const body = [0xaa, 0x55, i & 0xff, 0x4f, 0x4b, 0x31 + (i % 3), ...cells.flatMap((c) => [c & 0xff, c >> 8]), i % 4 ? 0x01 : 0x03, (1000 + i * 37) >> 8, (1000 + i * 37) & 0xff];
    const bytes = Uint8Array.from([...body, body.reduce((a, b) => a + b, 0) & 0xff]);
    return { state: 'round1', round: i % 2, handle: 0x21, dir: 'device-to-app' as const, bytes, t: null, record: i + 1, parts: 1, request: null, orphan: false };
  });
}

const GROUP: GroupResult = {
  id: 'g1', handle: 0x21, dir: 'device-to-app', key: 'auto', prefix: 'aa55', length: 18, lengths: { min: 18, max: 18 }, frames: 'none', messages: { round1: 40 },
  example: '', checksum: 'sum8 of bytes 0..16 at byte 17', orphans: false, labels: [{ byte: 2, label: 'counter' }, { byte: 17, label: 'checksum' }],
};

describe('frame map', () => {
  it('says what each byte range looks like', () => {
    const m = mapGroup(GROUP, frames(40), [{ group: 'g1', prefix: 'aa55', handle: 0x21, offset: 15, size: 2, type: 'u16', endian: 'be', scale: 1, add: 0, name: 'capacity', unit: 'mAh' }]);
    const at = (o: number) => m.ranges.find((r) => r.from <= o && o <= r.to)!;
    expect(at(0)).toMatchObject({ from: 0, to: 1, kind: 'constant' });
    expect(at(2)).toMatchObject({ kind: 'counter' });
    expect(at(3)).toMatchObject({ from: 3, to: 5, kind: 'text' });
    expect(at(6)).toMatchObject({ from: 6, to: 7, kind: 'number', detail: expect.stringMatching(/u16 le/) });
    expect(at(12)).toMatchObject({ from: 12, to: 13, kind: 'number' });
    expect(at(14)).toMatchObject({ kind: 'flags', detail: '0x03/0x01' });
    expect(at(15)).toMatchObject({ from: 15, to: 16, kind: 'field', detail: 'capacity (u16 be, mAh)' });
    expect(at(17)).toMatchObject({ kind: 'checksum', detail: 'sum8 of bytes 0..16 at byte 17' });
    // Two rounds: one representative frame of each.
    expect(m.columns.map((c) => c.round)).toEqual([0, 1]);
    const lines = mapLines(m);
    expect(lines[1]).toMatch(/^ {2}byte {2}r1 {3}r2 {3}what$/);
    expect(lines[2]).toMatch(/^ {5}0 {2}aa {3}aa {3}constant \(bytes 0–1\)$/);
  });
});

describe.skipIf(!HAVE_CORPUS)('bms-wizard map on jbd_sp04s034_l4s_200a_b_u.btsnoop', () => {
  const file = corpusFile('jbd_sp04s034_l4s_200a_b_u.btsnoop');
  it('prints the basic-info frame with its checksum, length and the fields found from shown values', async () => {
    // Wide enough for the long range descriptions on one line (80 columns wrap them: their own test).
    const r = await runCli(['map', `${file}@#511..#518`, '--round', `${file}@#1..#300=13.70V soc=100% 19.5C`], { COLUMNS: '200' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/g\d+ {2}handle 0x0011 {2}dd03001d055a0000… {2}36 bytes/);
    expect(r.out).toMatch(/ {5}4 {2}05 {3}05 {3}field reading 1 \(u16 be × 0\.01, V\) \(bytes 4–5\)/);
    expect(r.out).toMatch(/ {4}23 {2}64 {3}64 {3}field soc \(u8, %\)/);
    expect(r.out).toMatch(/ {4}33 {2}fa {3}fa {3}checksum 0x10000-sum16 of bytes 2\.\.32 at byte 33 \(big-endian\) \(bytes 33–34\)/);
    expect(r.out).toMatch(/ {5}3 {2}1d {3}1d {3}length/);
  });
  it('gives the same as JSON and refuses an unknown group', async () => {
    const r = await runCli(['map', file, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const g = j.groups.find((x: { prefix: string }) => x.prefix.startsWith('dd03'));
    expect(g).toMatchObject({ handle: 0x11, length: 36 });
    expect(g.ranges.find((x: { kind: string }) => x.kind === 'checksum')).toMatchObject({ from: 33, to: 34 });
    const bad = await runCli(['map', file, '--group', 'g99']);
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/no group 'g99' in these captures; the groups are g1, /)]);
  });
});
