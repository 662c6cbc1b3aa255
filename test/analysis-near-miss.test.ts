// Near misses: one wrong round (the same window given to both states) must not hide the answer;
// the bits that agree in every round but one are listed with that round named.
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { PLAIN_WORDS, wordNote } from '../src/analysis/wording.js';
import type { Round } from '../src/model.js';
import { buildRound, jbdModel, rounds, synthModel } from './analysis-synth.js';

const on = (s: string): boolean => s === 'on';

/** Three rounds per state; off #2 is in truth a copy of on #2 (the same window given to both states). */
function oneWrongRound(base: Round[]): Round[] {
  const on2 = base.find((r) => r.state === 'on' && r.index === 2)!;
  return base.map((r) => (r.state === 'off' && r.index === 2 ? { ...r, events: on2.events } : r));
}

describe('near misses', () => {
  it('a flag that agrees in all rounds but one is listed with that round named, and a note says to redo it', () => {
    const f = (s: string, i: number): Uint8Array[] => [Uint8Array.from([0xdb, 0x01, 0x10, on(s) ? 0x01 : 0x00, 0x22, i & 0xff])];
    const res = analyze(oneWrongRound(rounds(['on', 'off'], 3, 20, synthModel(f, { request: Uint8Array.of(0xdb, 0x01), mtu: 64 }), 3)));
    expect(res.candidates.filter((c) => c.byte === 3 && c.label === null)).toEqual([]);
    const miss = res.nearMisses.find((m) => m.byte === 3 && m.bit === 0);
    expect(miss).toMatchObject({ state: 'off', index: 2, values: { on: 1, off: 0 }, roundValue: 1 });
    const words = res.notes.map((n) => wordNote(n, PLAIN_WORDS));
    expect(words.join('\n')).toMatch(/round off #2 disagrees with every other round on \d+ bits? .*byte 3 mask 0x01.*redo it/);
  });

  it('the JBD MOSFET bit with one bad round out of six', () => {
    const res = analyze(oneWrongRound(rounds(['on', 'off'], 3, 20, jbdModel(on))));
    const note = res.notes.find((n) => n.code === 'near-miss');
    expect(note).toMatchObject({ state: 'off', index: 2 });
    expect(res.nearMisses.some((m) => m.byte === 24 && m.state === 'off' && m.index === 2)).toBe(true);
  });

  it('rounds that all agree give no near miss for the answer (it is a candidate)', () => {
    const res = analyze(rounds(['on', 'off'], 3, 20, jbdModel(on)));
    expect(res.candidates.find((c) => c.label === null)).toMatchObject({ byte: 24 });
    expect(res.nearMisses.some((m) => m.byte === 24 && m.bit === res.candidates[0]!.bit)).toBe(false);
  });

  it('a bit that needs two rounds left out is no near miss', () => {
    // The flag's value per round: on 1, 1, 0 and off 0, 0, 1.
    const flag = { on: [1, 1, 0], off: [0, 0, 1] } as Record<string, number[]>;
    const made: Round[] = [];
    for (const st of ['on', 'off']) {
      for (let k = 1; k <= 3; k++) {
        const f = (_s: string, i: number): Uint8Array[] => [Uint8Array.from([0xdb, 0x02, 0x10, flag[st]![k - 1]!, 0x22, i & 0xff])];
        made.push(buildRound(st, k, 20, synthModel(f, { request: null, mtu: 64 }), 40 + made.length));
      }
    }
    const res = analyze(made);
    expect(res.nearMisses.filter((m) => m.byte === 3)).toEqual([]);
    // With one round changed (off #3 back to 0), exactly on #3 is named.
    flag.off![2] = 0;
    const fixed = made.map((r) => (r.state === 'off' && r.index === 3 ? buildRound('off', 3, 20, synthModel((_s, i) => [Uint8Array.from([0xdb, 0x02, 0x10, 0, 0x22, i & 0xff])], { request: null, mtu: 64 }), 99) : r));
    expect(analyze(fixed).nearMisses.filter((m) => m.byte === 3)).toMatchObject([{ state: 'on', index: 3, roundValue: 0 }]);
  });
});

describe('one window given to two states', () => {
  const f = (s: string, i: number): Uint8Array[] => [Uint8Array.from([0xdb, 0x01, 0x10, on(s) ? 0x01 : 0x00, 0x22, i & 0xff])];
  const file = (path: string, sha256: string) => ({ kind: 'file', files: [{ path, sha256 }] });
  it('is flagged first in the notes, naming both rounds and the records they share', () => {
    const base = oneWrongRound(rounds(['on', 'off'], 3, 20, synthModel(f, { request: Uint8Array.of(0xdb, 0x01), mtu: 64 }), 3));
    const withFiles = base.map((r) => ({ ...r, source: file(`${r.state}${r.index}.btsnoop`, `${r.state}${r.index}`) }));
    withFiles.find((r) => r.state === 'off' && r.index === 2)!.source = file('on2.btsnoop', 'on2');
    const res = analyze(withFiles);
    const n = res.notes[0]!;
    expect(n).toMatchObject({ code: 'shared-input', a: { state: 'on', index: 2 }, b: { state: 'off', index: 2 } });
    expect(wordNote(n, PLAIN_WORDS)).toMatch(/^rounds on #2 and off #2 read the same part of one capture \(records #1\.\.#\d+\)/);
  });
  it('windows of one capture that do not overlap are not flagged', () => {
    const base = rounds(['on', 'off'], 2, 20, synthModel(f, { request: null, mtu: 64 }), 3);
    // One capture: on rounds in its first records, off rounds after them.
    let next = 1;
    const oneFile = base.map((r) => ({ ...r, source: file('all.btsnoop', 'same'), events: r.events.map((e) => ({ ...e, record: next++ })) }));
    const res = analyze(oneFile);
    expect(res.notes.filter((x) => x.code === 'shared-input')).toEqual([]);
    // The same records given to both states are.
    oneFile[2] = { ...oneFile[2]!, events: oneFile[0]!.events };
    expect(analyze(oneFile).notes.filter((x) => x.code === 'shared-input')).toHaveLength(1);
  });
});
