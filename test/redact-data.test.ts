// --redact works on the data: an address is found as its bytes (either byte order, as frames
// carry it) and as text in any spelling, replaced by a placeholder of the same length, so hex
// stays hex and frames keep their length; local paths in warnings lose their folders.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/export/redact.js';
import { buildReport } from '../src/export/report.js';
import { reportMarkdown } from '../src/export/markdown.js';
import { newSession, type Session } from '../src/session/schema.js';
import { completeResult } from '../src/session/complete.js';

const DEVICE = 'a4:c1:38:0a:1b:2c';
const BYTES = 'a4c1380a1b2c';
const REVERSED = '2c1b0a38c1a4';

describe('the redactor', () => {
  const r = createRedactor([DEVICE, 'not an address', null]);

  it('replaces the address bytes in hex, in both byte orders, on byte boundaries only, keeping the length', () => {
    expect(r.hex(`dd03${BYTES}77`)).toBe('dd0300000000000177');
    expect(r.hex(`aa${REVERSED}55`)).toBe('aa01000000000055');
    // the same digits at an odd offset are not these bytes
    expect(r.hex(`d${BYTES}7`)).toBe(`d${BYTES}7`);
  });

  it('finds every spelling in text: colons, dashes, dots, underscores, spaces, none, any case, reversed', () => {
    for (const sep of [':', '-', '.', '_', ' ', '']) {
      const spelled = BYTES.match(/../g)!.join(sep);
      const out = r.text(`saw ${spelled.toUpperCase()} and ${REVERSED.match(/../g)!.join(sep)} here`);
      expect(out, sep).not.toMatch(new RegExp(`${BYTES.match(/../g)!.join(`\\${sep || ''}?`)}`, 'i'));
      expect(out).not.toMatch(new RegExp(REVERSED.match(/../g)!.join('.?'), 'i'));
    }
    expect(r.text(`device ${DEVICE}`)).toBe('device xx:xx:xx:xx:xx:01');
    expect(r.text('spaced A4 C1 38 0A 1B 2C bytes')).toBe('spaced 00 00 00 00 00 01 bytes'); // a hex dump stays hex
  });

  it('gives an address the session did not know its own placeholder, and strips local folders', () => {
    const r = createRedactor([DEVICE]);
    expect(r.text('other f0:1d:2c:3b:4a:59 then F0-1D-2C-3B-4A-59')).toBe('other xx:xx:xx:xx:xx:02 then xx-xx-xx-xx-xx-02');
    expect(r.text('cannot read /home/user/captures/on.btsnoop (ENOENT)')).toBe('cannot read on.btsnoop (ENOENT)');
    expect(r.text('C:\\Users\\me\\Downloads\\off.pklg is empty')).toBe('off.pklg is empty');
    expect(r.text('https://example.com/a/b and on/off and 11/29')).toBe('https://example.com/a/b and on/off and 11/29');
  });
});

function session(): Session {
  const s = newSession('redact-data', '0.0.0-test');
  s.device.address = DEVICE;
  s.device.name = `BMS ${BYTES.match(/../g)!.join('_')}`;
  s.notes = `address ${BYTES.match(/../g)!.join('.')}`;
  const frame = `dd03${REVERSED}0011223344556677`; // 16 bytes, the address inside, byte-reversed
  s.rounds.push({
    state: 'on',
    index: 1,
    source: { kind: 'file', files: [{ path: '/home/user/on.btsnoop', sha256: 'ab'.repeat(32) }] },
    recordedAt: s.created,
    device: DEVICE,
    connections: [{ conn: 1, peer: DEVICE, name: 'x', start: 1, end: 2 }],
    otherEvents: 0,
    warnings: ['a frame was cut at /home/user/captures/on.btsnoop record 7'],
    events: [{ record: 1, t: 1, conn: 1, peer: DEVICE, dir: 'device-to-app', op: 'Handle Value Notification', opcode: 0x1b, handle: 17, uuid: 'ff01', value: frame }],
  });
  s.analysis = {
    settings: {},
    ranAt: s.created,
    // As a session file stores it; loading fills in the rest (session/complete.ts).
    result: completeResult({
      states: { on: { captures: 1, messages: 1 }, off: { captures: 1, messages: 1 } },
      groups: [{ id: 'g1', handle: 17, dir: 'device-to-app', key: 'prefix:2', prefix: 'dd03', length: 16, frames: 'marker', messages: { on: 1, off: 1 }, example: frame }],
      candidates: [{ group: 'g1', byte: 15, bit: 0, mask: '0x01', values: { on: 1, off: 0 }, support: { on: 1, off: 1 }, agreement: 1, label: null, score: 1 }],
      findings: [],
    }),
  };
  return s;
}

describe('export --redact keeps hex whole', () => {
  it('a 16-byte frame carrying the byte-reversed address stays 16 bytes of hex, in JSON and markdown', () => {
    const r = buildReport(session(), { redact: true });
    const g = r.analysis!.result.groups[0]!;
    expect(g.example).toMatch(/^[0-9a-f]{32}$/);
    expect(g.example).toBe('dd030100000000000011223344556677');
    const all = JSON.stringify(r);
    expect(all).not.toMatch(new RegExp(REVERSED.match(/../g)!.join('.?'), 'i'));
    expect(all).not.toMatch(new RegExp(BYTES.match(/../g)!.join('.?'), 'i'));
    expect(all).not.toContain('/home/user');
    expect(r.states.on!.rounds[0]!.warnings[0]).toBe('a frame was cut at on.btsnoop record 7');
    const md = reportMarkdown(r);
    // the hex view row of the example shows all 16 bytes
    expect(md).toMatch(/0: +DD +03 +01 +00 +00 +00 +00 +00 +00 +11 +22 +33 +44 +55 +66 +\[77\]/);
  });
});
