// No silent drops: one device identity across addressed and address-less traffic of one log, and
// every round or value the analysis leaves out named with why (notes and JSON, and the wizard's check).
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { PLAIN_WORDS, wordNote } from '../src/analysis/wording.js';
import type { Round } from '../src/model.js';
import { checkRound, storeRound } from '../src/session/rounds.js';
import { DEVICE, jbdModel, OTHER, rounds } from './analysis-synth.js';

const on = (s: string): boolean => s === 'on';

/** The second half of a round's device traffic without the address (the ACL-only part of the same log). */
function halfUnnamed(r: Round): Round {
  const half = Math.floor(r.events.length / 2);
  return { ...r, events: r.events.map((e, i) => (i >= half && e.peer === DEVICE ? { ...e, peer: null } : e)) };
}

describe('one device across addressed and address-less traffic', () => {
  it('the unnamed half of a log on the device handles is the device: no value of it is left out', () => {
    const base = rounds(['on', 'off'], 3, 20, jbdModel(on));
    const mixed = base.map((r, i) => (i === 0 ? halfUnnamed(r) : r));
    const whole = analyze(base);
    const res = analyze(mixed);
    expect(res.device).toBe(DEVICE);
    expect(res.states.on!.messages).toBe(whole.states.on!.messages);
    expect(res.leftOut.rounds).toEqual([]);
    // Only the other device's values are left out, and they are named.
    const others = base.reduce((n, r) => n + r.events.filter((e) => e.peer === OTHER).length, 0);
    expect(res.leftOut.values).toEqual({ otherDevices: others, otherHandles: 0, peers: [OTHER] });
    expect(res.notes.map((n) => wordNote(n, PLAIN_WORDS))).toContain(`left out of the analysed rounds: ${others} values of other devices (${OTHER})`);
  });

  it('a window of the address-less part of a log and a window of its addressed part are one device', () => {
    const base = rounds(['on', 'off'], 2, 20, jbdModel(on));
    const log = { kind: 'file', files: [{ path: 'one.log', sha256: 'same-log' }] };
    // Round 1 of each state: the ACL-only part (no addresses at all, more traffic); round 2: addressed.
    const cut = base.map((r) => ({ ...r, source: log, events: r.index === 1 ? [...r.events, ...r.events].map((e, i) => ({ ...e, peer: null, record: i + 1 })) : r.events }));
    const res = analyze(cut);
    expect(res.device).toBe(DEVICE);
    expect(res.leftOut.rounds).toEqual([]);
    expect(res.states.on!.rounds).toBe(2);
    expect(res.candidates.find((c) => c.label === null)).toMatchObject({ byte: 24, label: null });
  });

  it("the wizard's round check and the stored round count the unnamed half as the device's", () => {
    const r = halfUnnamed(rounds(['on'], 1, 20, jbdModel(on))[0]!);
    const fromDevice = r.events.filter((e) => e.peer !== OTHER && e.dir === 'device-to-app').length;
    const check = checkRound(r.events, [], { device: DEVICE, restarts: 1, otherRoundsDevice: null });
    expect(check.messages.fromDevice).toBe(fromDevice);
    const stored = storeRound({ state: 'on', index: 1, source: r.source, device: DEVICE, events: r.events, connections: [], warnings: [] });
    expect(stored.events.length).toBe(r.events.filter((e) => e.peer !== OTHER).length);
  });
});

describe('rounds left out', () => {
  it('a round with values of other devices only is named in the notes and the JSON', () => {
    const base = rounds(['on', 'off'], 3, 20, jbdModel(on));
    const onlyOther = base.map((r) => (r.state === 'off' && r.index === 3 ? { ...r, events: r.events.filter((e) => e.peer === OTHER) } : r));
    const res = analyze(onlyOther);
    const n = onlyOther.find((r) => r.state === 'off' && r.index === 3)!.events.length;
    expect(res.leftOut.rounds).toEqual([{ round: 5, state: 'off', index: 3, reason: 'other-devices', values: n, peers: [OTHER] }]);
    expect(res.notes.map((x) => wordNote(x, PLAIN_WORDS))).toContain(`round off #3 is left out of the analysis: its ${n} values come from other devices (${OTHER}); check or redo that round`);
    expect(res.states.off!.rounds).toBe(2);
  });

  it('an empty round and a round without values on the asked handle are named too', () => {
    const base = rounds(['on', 'off'], 2, 20, jbdModel(on));
    const cut = base.map((r) => (r.state === 'on' && r.index === 2 ? { ...r, events: [] } : r));
    const res = analyze(cut);
    expect(res.leftOut.rounds).toMatchObject([{ state: 'on', index: 2, reason: 'empty', values: 0 }]);
    const handle = base[0]!.events.find((e) => e.peer === DEVICE && e.dir === 'device-to-app')!.handle;
    const noHandle = base.map((r) => (r.state === 'off' && r.index === 1 ? { ...r, events: r.events.filter((e) => e.handle !== handle || e.dir === 'app-to-device') } : r));
    const res2 = analyze(noHandle, { handle });
    expect(res2.leftOut.rounds).toMatchObject([{ state: 'off', index: 1, reason: 'other-handles' }]);
  });
});
