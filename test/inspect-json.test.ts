// `inspect --json` writes its lines as bytes: they must be exactly JSON.stringify's (eventJson), for
// every kind of value a capture can give (no clock, unknown peer, odd UUIDs from text exports).
import { describe, expect, it } from 'vitest';
import { JsonEventWriter } from '../src/commands/inspect-json.js';
import { eventJson } from '../src/commands/inspect-view.js';
import { extractAttFromFile } from '../src/hci/extract-file.js';
import type { AttEvent, Micros } from '../src/model.js';
import { corpusFile, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';

function written(events: AttEvent[], start: Micros): string {
  const chunks: Buffer[] = [];
  const w = new JsonEventWriter((b) => chunks.push(Buffer.from(b)));
  for (const e of events) w.event(e, start);
  w.flush();
  return Buffer.concat(chunks).toString('utf8');
}

const expected = (events: AttEvent[], start: Micros): string => events.map((e) => eventJson(e, start) + '\n').join('');

const base: AttEvent = {
  record: 1,
  t: 1_700_000_000_123_456,
  conn: 1,
  peer: 'c8:47:8c:e8:82:09',
  dir: 'device-to-app',
  op: 'Handle Value Notification',
  opcode: 0x1b,
  handle: 0x0012,
  uuid: 'ffe1',
  value: Uint8Array.from([0x00, 0x0f, 0xa5, 0xff]),
};

describe('the byte-level JSON Lines writer', () => {
  it('writes what JSON.stringify writes, field for field', () => {
    const odd: AttEvent[] = [
      base,
      { ...base, t: null, peer: null, uuid: null, value: new Uint8Array(0) },
      { ...base, record: 9_007_199_254_740_991, conn: 0, handle: 0, opcode: 0 },
      { ...base, t: 1_700_000_000_123_456.5 },
      { ...base, t: -5 },
      { ...base, uuid: 'quote " backslash \\ tab \t nl \n esc \x1b del \x7f c1 \u0085 ls \u2028 é 🙂' },
      { ...base, peer: '\u0000', op: 'Write Command', dir: 'app-to-device' },
      { ...base, value: Uint8Array.from({ length: 600 }, (_, i) => i & 0xff) },
    ];
    for (const start of [null, 1_700_000_000_000_000, 1_700_000_000_123_456, 1_800_000_000_000_000]) {
      expect(written(odd, start)).toBe(expected(odd, start));
    }
  });

  it('writes seconds since the start as JSON.stringify does, for any µs difference', () => {
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const start = 1_700_000_000_000_000;
    const diffs = [0, 1, -1, 5, 10, 999_999, 1_000_000, 1_000_001, -1_000_000, 3_600_000_000, 86_400_000_123, 2 ** 31 * 1e6 - 1, -(2 ** 31 * 1e6) + 1];
    for (let i = 0; i < 2000; i++) diffs.push(Math.floor(rnd() * 10 ** (1 + (i % 12))) * (i % 3 === 0 ? -1 : 1));
    const events = diffs.map((d, i) => ({ ...base, record: i + 1, t: start + d }));
    expect(written(events, start)).toBe(expected(events, start));
  });

  it('splits output into blocks without cutting a line, and a value larger than a block still fits', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...base, record: i + 1, value: Uint8Array.from({ length: i % 300 }, (_, k) => k) }));
    const huge = { ...base, value: new Uint8Array(200_000).fill(0xab) };
    expect(written([...many, huge, base], 1_700_000_000_000_000)).toBe(expected([...many, huge, base], 1_700_000_000_000_000));
  });

  if (!HAVE_CORPUS) console.log(SKIP_REASON);
  it.skipIf(!HAVE_CORPUS)('matches eventJson on every event of real captures', async () => {
    for (const name of ['jk_b2a16s_jk04_cmds.btsnoop', 'even_g2_glasses_app-control.pklg', 'heartrate_strap_nrfsniffer.pcapng', 'novax_escooter_OnlyLocking.wireshark.txt', 'smartbottle_M1_nrfconnect_EXCERPT.txt']) {
      const { events, start } = await extractAttFromFile(corpusFile(name), { hash: false });
      expect(events.length, name).toBeGreaterThan(0);
      expect(written(events, start), name).toBe(expected(events, start));
    }
  });
});
