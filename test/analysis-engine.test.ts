import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { wordNote } from '../src/analysis/wording.js';
import { FLAG_WORDS } from '../src/commands/analyze.js';
import { jbdModel, rounds } from './analysis-synth.js';

const firstUnlabelled = (r: ReturnType<typeof analyze>) => r.candidates.find((c) => c.label === null);

describe('analyze on synthetic JBD traffic', () => {
  const rs = rounds(['on', 'off'], 3, 40, jbdModel((s) => s === 'on'));
  const res = analyze(rs);
  it('reassembles 20 + 16 notifications by marker and length field', () => {
    const g = res.groups.find((x) => x.prefix.startsWith('dd03001d'))!;
    expect(g).toBeDefined();
    expect(g.length).toBe(36);
    expect(g.frames).toBe('marker:dd+length@3+7');
    expect(g.checksum).toMatch(/0x10000-sum16 of bytes 2\.\.32 at byte 33/);
  });
  it('ranks the FET bit first', () => {
    const c = firstUnlabelled(res)!;
    console.log(JSON.stringify(res.candidates.slice(0, 5)), res.notes);
    expect([c.byte, c.bit, c.mask]).toEqual([24, 1, '0x02']);
    expect(c.values).toEqual({ on: 1, off: 0 });
    expect(res.device).toBe('c8:47:8c:00:00:01');
  });
});

import { antModel, dalyModel, fragmentModel, jkModel, prefixStateModel, split, type Exchange } from './analysis-synth.js';

describe('families', () => {
  const on = (s: string) => s === 'on';
  it('state byte among the first 4 bytes: auto finds it, prefix:4 cannot', () => {
    const rs = rounds(['on', 'off'], 3, 30, prefixStateModel(on));
    const res = analyze(rs);
    const c = firstUnlabelled(res)!;
    expect([c.byte, c.bit]).toEqual([1, 0]);
    const seed = analyze(rs, { key: { kind: 'prefix', n: 4 }, frames: { kind: 'none' } });
    expect(seed.candidates.filter((x) => x.label === null && x.byte === 1)).toEqual([]);
    expect(seed.notes.map((n) => wordNote(n, FLAG_WORDS)).join(' ')).toMatch(/splits the states apart|no bit/);
  });
  it('JK streamed 300-byte frames in 128 + 22 + 128 + 22', () => {
    const rs = rounds(['on', 'off'], 3, 30, jkModel(on));
    const res = analyze(rs);
    const c = firstUnlabelled(res)!;
    const g = res.groups.find((x) => x.id === c.group)!;
    console.log(res.groups.map((x) => [x.id, x.key, x.length, x.frames, x.messages, x.checksum]));
    expect([c.byte, c.bit, g.length, g.frames]).toEqual([166, 0, 300, 'marker:55aaeb90+fixed:300']);
    const seed = analyze(rs, { key: { kind: 'prefix', n: 4 }, frames: { kind: 'none' } });
    expect(seed.candidates.filter((x) => x.label === null && seed.groups.find((y) => y.id === x.group)!.length === 300)).toEqual([]);
  });
  it('Modbus answers in 1–9 byte fragments', () => {
    const rs = rounds(['on', 'off'], 3, 30, fragmentModel(on));
    const res = analyze(rs);
    const c = firstUnlabelled(res)!;
    const g = res.groups.find((x) => x.id === c.group)!;
    expect([c.byte, c.bit, g.length, g.dir]).toEqual([8, 0, 15, 'device-to-app']);
    expect(g.frames).toMatch(/length@2\+5/);
    expect(g.checksum).toMatch(/crc16-modbus of bytes 0\.\.12 at byte 13 \(little-endian\)/);
  });
  it('Daly 13-byte frames, sometimes two in one notification', () => {
    const rs = rounds(['on', 'off'], 3, 30, dalyModel(on));
    const res = analyze(rs);
    const c = firstUnlabelled(res)!;
    const g = res.groups.find((x) => x.id === c.group)!;
    expect([c.byte, c.bit, g.length, g.prefix.slice(0, 6)]).toEqual([6, 0, 13, 'a50193']);
    expect(g.checksum).toMatch(/^sum8 of bytes 0\.\.11 at byte 12/);
  });
  it('ANT 168-byte frames in 8 × 20 + 8, enum byte reported once', () => {
    const rs = rounds(['on', 'off'], 3, 20, antModel(on, true));
    const res = analyze(rs);
    const c = firstUnlabelled(res)!;
    const g = res.groups.find((x) => x.id === c.group)!;
    expect([c.byte, c.kind, c.mask, c.values, g.length]).toEqual([103, 'byte', '0x0e', { on: 1, off: 15 }, 168]);
    expect(res.candidates.filter((x) => x.group === c.group && x.byte === 103)).toHaveLength(1);
  });
});

import { parseFileSpec, parseStateArg, roundsFromCapture, windowEvents } from '../src/recorders/files.js';

describe('rounds from captures', () => {
  it('parses windows in seconds and in records', () => {
    expect(parseFileSpec('a.btsnoop@12.5..20')).toEqual({ path: 'a.btsnoop', window: { unit: 'seconds', from: 12.5, to: 20 } });
    expect(parseFileSpec('a.btsnoop@#195..#209')).toEqual({ path: 'a.btsnoop', window: { unit: 'records', from: 195, to: 209 } });
    expect(parseFileSpec('a.btsnoop@#195..')).toEqual({ path: 'a.btsnoop', window: { unit: 'records', from: 195, to: Number.MAX_SAFE_INTEGER } });
    expect(parseFileSpec('me@home.btsnoop')).toEqual({ path: 'me@home.btsnoop', window: null });
    expect(parseStateArg('on=a.pklg,b.btsnoop@1..2').files.map((f) => f.path)).toEqual(['a.pklg', 'b.btsnoop']);
    expect(() => parseFileSpec('a.btsnoop@#9..#3')).toThrow(/ends before it starts/);
  });
  it('cuts windows and makes one round per connection', () => {
    const r = rounds(['on'], 1, 10, jbdModel(() => true))[0]!;
    const evs = r.events.map((e, i) => ({ ...e, conn: i < 20 ? 1 : 2 }));
    const start = evs[0]!.t!;
    expect(windowEvents(evs, { unit: 'records', from: 5, to: 9 }, start).map((e) => e.record)).toEqual([5, 6, 7, 8, 9]);
    const firstSecond = windowEvents(evs, { unit: 'seconds', from: 0, to: 1 }, start);
    expect(firstSecond.length).toBeGreaterThan(0);
    expect(firstSecond.every((e) => e.t! - start <= 1e6)).toBe(true);
    expect(() => windowEvents(evs.map((e) => ({ ...e, t: null })), { unit: 'seconds', from: 0, to: 1 }, null, 'x.txt')).toThrow(/no timestamps/);
    const rs = roundsFromCapture('on', evs, { kind: 'file', files: [] });
    expect(rs.map((x) => [x.index, x.source.conn, x.events.length])).toEqual([[1, 1, 20], [2, 2, evs.length - 20]]);
  });
});

describe('explicit --frames settings', () => {
  // Frames without marker or length field, streamed in bursts of 3 values; bursts 400 ms apart.
  const model = (state: string, i: number, r: () => number): Exchange[] => {
    const f = Uint8Array.from({ length: 50 }, (_, k) => (k === 33 ? (state === 'on' ? 0x08 : 0) : k < 4 ? 0x30 + k : Math.floor(r() * 4)));
    return [{ write: null, notify: { handle: 0x50, values: split(f, [20]) } }];
  };
  const rs = rounds(['on', 'off'], 3, 20, model);
  it('gap:MS joins values closer than MS', () => {
    const res = analyze(rs, { frames: { kind: 'gap', ms: 100 } });
    const g = res.groups.find((x) => x.handle === 0x50)!;
    expect([g.frames, g.length]).toEqual(['gap:100', 50]);
    expect(res.candidates[0]).toMatchObject({ byte: 33, mask: '0x08', label: null });
  });
  it('marker:HEX starts a frame at each value beginning with the marker', () => {
    const res = analyze(rs, { frames: { kind: 'marker', marker: Uint8Array.of(0x30, 0x31) } });
    expect(res.groups.find((x) => x.handle === 0x50)).toMatchObject({ frames: 'marker:3031', length: 50 });
  });
  it('none keeps each value a message', () => {
    const res = analyze(rs, { frames: { kind: 'none' } });
    expect(res.groups.filter((x) => x.handle === 0x50).map((g) => g.length).sort()).toEqual([10, 20]);
  });
});
