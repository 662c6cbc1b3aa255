// How the analysis stores what it reads: a stream's values kept compact per round, frames joined
// from several values (views when the values lie side by side, copies otherwise). Nothing is
// dropped or changed on the way, whatever buffers the values come in.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../src/hex.js';
import { extractAttFromFile } from '../src/hci/extract-file.js';
import { extractWithinBudget } from '../src/recorders/files.js';
import { KeptEvent, Links } from '../src/recorders/kept-event.js';
import { simulateCapture } from '../src/sim/capture.js';
import { assemble, NO_RULE, type FrameRule, type StreamValue } from '../src/analysis/frames.js';
import { StreamRound } from '../src/analysis/stream-values.js';
import { KeptMessage } from '../src/analysis/kept-message.js';
import { frameGroups } from '../src/analysis/analyze.js';
import type { AttEvent } from '../src/model.js';

function event(record: number, value: Uint8Array, dir: AttEvent['dir'] = 'device-to-app'): AttEvent {
  return { record, t: 1_700_000_000_000_000 + record * 1000, conn: 1, peer: null, dir, op: 'Handle Value Notification', opcode: 0x1b, handle: 0x11, uuid: null, value };
}

/** Frames aa 55 LEN … (LEN = whole frame length), each with its own bytes. */
function frames(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const len = 9 + (i % 7);
    const f = new Uint8Array(len);
    f.set([0xaa, 0x55, len]);
    for (let k = 3; k < len; k++) f[k] = (i * 31 + k * 7) & 0xff;
    return f;
  });
}

/** The stream's bytes cut into values of `size`: in one buffer side by side, with a byte between each, or each in its own. */
function values(bytes: Uint8Array, size: number, layout: 'adjacent' | 'apart' | 'own'): Uint8Array[] {
  const out: Uint8Array[] = [];
  const big = new Uint8Array(bytes.length * 2);
  let at = 0;
  for (let o = 0; o < bytes.length; o += size) {
    const v = bytes.subarray(o, Math.min(o + size, bytes.length));
    if (layout === 'own') out.push(Uint8Array.from(v));
    else {
      big.set(v, at);
      out.push(big.subarray(at, at + v.length));
      at += v.length + (layout === 'apart' ? 1 : 0);
    }
  }
  return out;
}

const concat = (xs: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of xs) (out.set(x, o), (o += x.length));
  return out;
};

const asValues = (vs: Uint8Array[]): StreamValue[] => vs.map((bytes, i) => ({ bytes, t: i * 1000, record: i + 1, afterWrite: false, request: null }));

const plain = (e: AttEvent): Record<string, unknown> => ({ record: e.record, t: e.t, conn: e.conn, peer: e.peer, dir: e.dir, op: e.op, opcode: e.opcode, handle: e.handle, uuid: e.uuid, value: toHex(e.value) });

describe('analysis storage', () => {
  it('the events an analysis keeps from a capture are the events the capture holds, every one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bmsw-storage-'));
    try {
      const file = join(dir, 'jk.btsnoop');
      await writeFile(file, simulateCapture({ protocol: 'jk', rounds: 2, seconds: 20, switchOn: true, aclOnly: false, aclFragment: 27, mtu: 247, deviceMtu: 247 }).bytes);
      const whole = await extractAttFromFile(file);
      const kept = await extractWithinBudget(file);
      expect(whole.events.length).toBeGreaterThan(50);
      expect(kept.events.map(plain)).toEqual(whole.events.map(plain));
      expect(kept.start).toBe(whole.start);
      // A value set again reads back as set.
      const e = kept.events[3]!;
      e.value = Uint8Array.of(1, 2, 3);
      expect([...e.value]).toEqual([1, 2, 3]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('kept events sharing a link read back their own fields; a UUID found later changes the event it is set on only', () => {
    const links = new Links();
    const bytes = Uint8Array.of(1, 2, 3, 4, 5, 6);
    const given = [event(1, bytes.subarray(0, 2)), event(2, bytes.subarray(2, 3), 'app-to-device'), { ...event(3, bytes.subarray(3)), conn: 2, peer: 'aa:bb:cc:dd:ee:ff' }, event(4, bytes.subarray(5))];
    const kept = given.map((e) => new KeptEvent(e, e.value, links));
    expect(kept.map(plain)).toEqual(given.map(plain));
    kept[0]!.uuid = 'ffe1';
    expect(kept.map((e) => e.uuid)).toEqual(['ffe1', null, null, null]);
    expect(plain(kept[0]!)).toEqual({ ...plain(given[0]!), uuid: 'ffe1' });
    kept[3]!.uuid = 'ffe1';
    expect(kept.map(plain)).toEqual(given.map((e, i) => ({ ...plain(e), uuid: i === 0 || i === 3 ? 'ffe1' : null })));
  });

  it('a kept message reads back its bytes (a view over the same memory, made when read) and the place its round shares', () => {
    const memory = Uint8Array.of(9, 9, 0xaa, 0x55, 5, 1, 2, 9);
    const place = { state: 'on', round: 3, handle: 0x11, dir: 'device-to-app' as const };
    const a = new KeptMessage(memory.subarray(2, 7), 42, 7, 2, '01', false, place);
    const b = new KeptMessage(memory.subarray(5, 6), null, 8, 1, null, true, place);
    expect(toHex(a.bytes)).toBe('aa55050102');
    expect(toHex(b.bytes)).toBe('01');
    expect([a.t, a.record, a.parts, a.request, a.orphan]).toEqual([42, 7, 2, '01', false]);
    expect([b.t, b.record, b.parts, b.request, b.orphan]).toEqual([null, 8, 1, null, true]);
    expect([a.state, a.round, a.handle, a.dir]).toEqual(['on', 3, 0x11, 'device-to-app']);
    expect(a.bytes).not.toBe(a.bytes);
    memory[3] = 0x66;
    expect(toHex(a.bytes)).toBe('aa66050102');
  });

  it('a stream round gives back every value in order, with what came before it', () => {
    const r = new StreamRound();
    const evs = [event(1, Uint8Array.of(1, 2)), event(2, Uint8Array.of(3)), event(5, Uint8Array.of(4, 5, 6))];
    r.push(evs[0]!, false, null);
    r.push(evs[1]!, true, 'a1b2');
    r.push(evs[2]!, false, 'a1b2');
    expect(r.length).toBe(3);
    const all = [...r];
    expect(all).toEqual([
      { bytes: evs[0]!.value, t: evs[0]!.t, record: 1, afterWrite: false, request: null, event: evs[0] },
      { bytes: evs[1]!.value, t: evs[1]!.t, record: 2, afterWrite: true, request: 'a1b2', event: evs[1] },
      { bytes: evs[2]!.value, t: evs[2]!.t, record: 5, afterWrite: false, request: 'a1b2', event: evs[2] },
    ]);
    expect(r.slice(0, 2)).toEqual(all.slice(0, 2));
    expect(r.slice(1)).toEqual(all.slice(1));
    expect(r.at(2)).toEqual(all[2]);
  });

  it('the messages of an analysis read back the frames of their values: a whole value its event, a joined frame its parts', () => {
    // Frames aa 55 LEN …: even ones each one notification, odd ones in two (head of 3 bytes, rest).
    const sent = frames(30);
    const evs: AttEvent[] = [];
    sent.forEach((f, i) => (i % 2 ? evs.push(event(evs.length + 1, f.subarray(0, 3)), event(evs.length + 2, f.subarray(3))) : evs.push(event(evs.length + 1, f))));
    const rounds = [{ state: 'x', index: 1, source: { kind: 'test', files: [] }, events: evs }];
    const { groups } = frameGroups(rounds, { frames: { kind: 'marker', marker: Uint8Array.of(0xaa, 0x55) } });
    const got = groups.flatMap((g) => g.messages).sort((a, b) => a.record - b.record);
    expect(got.map((m) => toHex(m.bytes))).toEqual(sent.map(toHex));
    const firsts = evs.filter((e) => e.value[0] === 0xaa);
    expect(got.map((m) => [m.record, m.t, m.parts, m.orphan, m.round, m.handle, m.dir])).toEqual(firsts.map((e, i) => [e.record, e.t, i % 2 ? 2 : 1, false, 0, 0x11, 'device-to-app']));
  });

  const length: FrameRule = { ...NO_RULE, marker: Uint8Array.of(0xaa, 0x55), length: { offset: 2, size: 1, le: true, add: 0, anchor: null } };
  const marker: FrameRule = { ...NO_RULE, marker: Uint8Array.of(0xaa, 0x55) };
  for (const layout of ['adjacent', 'apart', 'own'] as const) {
    for (const size of [4, 9, 20]) {
      it(`frames cut by a length field from ${size}-byte values (${layout}) are the frames sent, none lost`, () => {
        const sent = frames(40);
        const got = assemble(asValues(values(concat(sent), size, layout)), length);
        expect(got.filter((f) => f.orphan)).toEqual([]);
        expect(got.map((f) => [...f.bytes])).toEqual(sent.map((f) => [...f]));
      });
    }
    it(`frames of whole values joined until the next marker (${layout}) hold every byte once`, () => {
      // Each frame is three values: its head and two pieces.
      const sent = frames(25);
      const vs = sent.flatMap((f) => [f.subarray(0, 3), f.subarray(3, 6), f.subarray(6)]);
      const laid = concat(vs);
      let o = 0;
      const placed = vs.map((v) => laid.subarray(o, (o += v.length)));
      const input = layout === 'own' ? placed.map((v) => Uint8Array.from(v)) : layout === 'apart' ? spread(placed) : placed;
      const got = assemble(asValues(input), marker);
      expect(got.map((f) => [...f.bytes])).toEqual(sent.map((f) => [...f]));
      expect(got.every((f) => f.parts === 3)).toBe(true);
    });
  }
});

/** The values copied into one buffer with a byte between each (side by side no more). */
function spread(vs: Uint8Array[]): Uint8Array[] {
  const big = new Uint8Array(vs.reduce((n, v) => n + v.length + 1, 0));
  let at = 0;
  return vs.map((v) => {
    big.set(v, at);
    const out = big.subarray(at, at + v.length);
    at += v.length + 1;
    return out;
  });
}
