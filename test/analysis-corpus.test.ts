// The analysis on real captures from ../shared/captures (skipped when the corpus is absent).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { FLAG_WORDS } from '../src/commands/analyze.js';
import { loadCaptures, loadRounds } from '../src/recorders/files.js';
import { wordNote } from '../src/analysis/wording.js';
import { extractAttFromFile } from '../src/hci/extract-file.js';

const CAPTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/captures');
const HAVE_CORPUS = existsSync(join(CAPTURES, 'MANIFEST.md'));
if (!HAVE_CORPUS) console.warn(`analysis corpus tests skipped: ${CAPTURES} not found`);

describe.skipIf(!HAVE_CORPUS)('daly_dsg_onoff.packetlogger.txt split into its on and off parts', () => {
  const file = join(CAPTURES, 'daly_dsg_onoff.packetlogger.txt');
  // Records are line numbers in this text format: "on" holds lines 3 and 5, "off" line 9.
  it('finds the discharge register bit (byte 5, bit 0) and labels the CRC', async () => {
    const rounds = await loadRounds([`on=${file}@#3..#5`, `off=${file}@#9..#9`]);
    const res = analyze(rounds, { minSupport: 1 });
    const best = res.candidates.find((c) => c.label === null)!;
    const g = res.groups.find((x) => x.id === best.group)!;
    expect([best.byte, best.bit, best.mask, best.values]).toEqual([5, 0, '0x01', { on: 1, off: 0 }]);
    expect(g.prefix).toBe('d20600a600');
    expect(g.handle).toBe(0x12);
    expect(g.checksum).toBe('crc16-modbus of bytes 0..5 at byte 6 (little-endian)');
    expect(res.candidates.filter((c) => c.group === g.id && c.byte >= 6).every((c) => c.label === 'checksum')).toBe(true);
    expect(res.notes.map((n) => wordNote(n, FLAG_WORDS)).join(' ')).toMatch(/support is low/);
  });
  it('with the default minimum support the single-message difference is listed as weak, not ranked', async () => {
    const rounds = await loadRounds([`on=${file}@#3..#5`, `off=${file}@#9..#9`]);
    const res = analyze(rounds);
    expect(res.candidates.filter((c) => c.label === null)).toEqual([]);
    expect(res.weak.some((c) => c.byte === 5 && c.mask === '0x01')).toBe(true);
    expect(res.notes.map((n) => wordNote(n, FLAG_WORDS)).join(' ')).toMatch(/fewer than 2 messages of a state .* rank it with --min-support 1/);
  });
});

// Captures in which nothing was switched: the first half against the second half must yield no
// unlabelled candidate (drifting numbers, counters and checksums are labelled or not constant).
const STATUS_ONLY = [
  'jbd_sp04s034_l4s_200a_b_u.btsnoop',
  'jbd_sp04s034_v1.3_ffaa_auth.btsnoop',
  'tianpower_tp_lt55.btsnoop',
  'nexxtender_fuut_20241230_1.btsnoop',
  'nexxtender_fuut_20241230_02.btsnoop',
  'nexxtender_fuut_20141017_1.btsnoop',
  'nexxtender_fuut_20250125165300.cfa.btsnoop',
  'basen_status.btsnoop',
  'ant_ble24bhub.btsnoop',
  'ant_ble16zmub.btsnoop',
  'jk_bd6a17s6p_sw710h.btsnoop',
  'jk_b1a20s15p_sw1007.btsnoop',
  'lolan_status.btsnoop',
  'seplos_v2_1101-10E-SP76-16S.btsnoop',
  'neey_balancer_ek24s4eb_zh208.btsnoop',
];

/** Status-only captures whose app wrote other command values in the two halves (see below). */
const APP_DIFFERS = new Set(['nexxtender_fuut_20250125165300.cfa.btsnoop']);

describe.skipIf(!HAVE_CORPUS)('status-only captures against themselves (first half vs second half)', () => {
  for (const name of STATUS_ONLY) {
    it(name, async () => {
      const file = join(CAPTURES, name);
      // Halves of the ATT traffic (records before the first value are other HCI traffic).
      const { events } = await extractAttFromFile(file);
      const half = events[Math.floor(events.length / 2)]!.record;
      const rounds = await loadRounds([`a=${file}@#1..#${half - 1}`, `b=${file}@#${half}..`]);
      const res = analyze(rounds);
      expect(res.groups.length).toBeGreaterThan(0);
      const groupOf = (c: { group: string }) => res.groups.find((g) => g.id === c.group)!;
      const found = res.candidates.filter((c) => c.label === null);
      expect(found.filter((c) => groupOf(c).dir === 'device-to-app').map((c) => `${c.group} byte ${c.byte} ${c.mask}`)).toEqual([]);
      // The app's writes are never joined, so a command written with other values in the two halves
      // is a real difference of the traffic: in nexxtender …165300 the app wrote 02 40 and 02 50 on
      // handle 0x3f in the first half, 02 10, 01 10 and 03 00 in the second (checked against the
      // capture). The 2-byte writes form one group (a leading byte cannot show a frame type with one
      // byte after it), so the candidate must hold for every write of the group in its half, and
      // also among the writes of one command (first byte) written in both halves: the difference
      // is the command's value, not an artefact of pooling commands. No other capture may have one.
      const appSide = found.filter((x) => groupOf(x).dir === 'app-to-device');
      expect(appSide.length === 0 || APP_DIFFERS.has(name), 'app-side candidate in a capture whose writes were not checked').toBe(true);
      for (const c of appSide) {
        const g = groupOf(c);
        const mask = Number.parseInt(c.mask, 16);
        const byCommand = new Map<number, Map<string, Set<number>>>();
        for (const r of rounds) {
          for (const e of r.events) {
            if (e.dir !== 'app-to-device' || e.handle !== g.handle || e.value.length !== g.length || !Buffer.from(e.value).toString('hex').startsWith(g.prefix)) continue;
            const v = e.value[c.byte]! & mask;
            expect(c.kind === 'byte' ? e.value[c.byte] : v ? 1 : 0, `${r.state} record ${e.record}`).toBe(c.values[r.state]);
            let per = byCommand.get(e.value[0]!);
            if (!per) byCommand.set(e.value[0]!, (per = new Map()));
            let vals = per.get(r.state);
            if (!vals) per.set(r.state, (vals = new Set()));
            vals.add(v);
          }
        }
        const inBoth = [...byCommand.values()].filter((per) => per.size === 2);
        expect(inBoth.length, 'a command written in both halves').toBeGreaterThan(0);
        for (const per of inBoth) expect([...per.values()].map((vals) => [...vals]).sort()).toEqual([[0], [mask]]);
      }
    });
  }
});

describe.skipIf(!HAVE_CORPUS)('jbd_sp04s034_ffaa_auth_dl1001.btsnoop: the password answer changes between the halves', () => {
  // The first half holds a refused password (ff aa 18 01 01 1a, NACK), the second an accepted one
  // (ff aa 18 01 00 19, ACK; MANIFEST §2). The answers follow different password writes, one set per
  // half: they are still compared (alike requests are pooled), and nothing else differs.
  it('finds byte 4 bit 0 of the ff aa 18 answer and nothing else', async () => {
    const file = join(CAPTURES, 'jbd_sp04s034_ffaa_auth_dl1001.btsnoop');
    const { capture } = await extractAttFromFile(file);
    const half = Math.floor(capture.records / 2);
    const res = analyze(await loadRounds([`a=${file}@#1..#${half}`, `b=${file}@#${half + 1}..`]));
    const found = res.candidates.filter((c) => c.label === null);
    expect(found.map((c) => [c.byte, c.mask, c.values])).toEqual([[4, '0x01', { a: 1, b: 0 }]]);
    expect(res.groups.find((g) => g.id === found[0]!.group)!.example).toMatch(/^ffaa18010[01]/);
  });
});

describe.skipIf(!HAVE_CORPUS)('daly_balancer_switch.btsnoop: the BMS echoes the balancer write', () => {
  // d2 06 00 cf 00 00 … (balancer off) at record 230, d2 06 00 cf 00 01 … (on) at 247/249 (MANIFEST §2),
  // echoed on the notify handle among d2 03 frames; the echo is not a d2 03 frame but a message of its own.
  it('finds byte 5 bit 0 of the echo (the register value)', async () => {
    const file = join(CAPTURES, 'daly_balancer_switch.btsnoop');
    const { rounds, context } = await loadCaptures([`off=${file}@#225..#240`, `on=${file}@#241..#273`]);
    const res = analyze(rounds, { learnFrom: context, minSupport: 1 });
    const best = res.candidates.find((c) => c.label === null)!;
    expect(best).toMatchObject({ byte: 5, bit: 0, mask: '0x01', values: { off: 0, on: 1 } });
    const g = res.groups.find((x) => x.id === best.group)!;
    expect([g.handle, g.orphans, g.prefix.startsWith('d20600cf00')]).toEqual([0x10, false, true]);
  });
});

describe.skipIf(!HAVE_CORPUS)('framing learnt from real traffic', () => {
  const frames = async (name: string) => {
    const file = join(CAPTURES, name);
    const res = analyze(await loadRounds([`a=${file}@#1..#400`, `b=${file}@#401..`]));
    return res.groups.filter((g) => g.dir === 'device-to-app' && !g.orphans);
  };
  it('JBD: 20 + 16 notifications joined by the dd marker and the length byte; 0x10000 − sum checksum', async () => {
    const g = (await frames('jbd_sp04s034_l4s_200a_b_u.btsnoop')).find((x) => x.prefix.startsWith('dd03001d'))!;
    expect([g.length, g.frames]).toEqual([36, 'marker:dd+length@3+7']);
    expect(g.checksum).toBe('0x10000-sum16 of bytes 2..32 at byte 33 (big-endian)');
  });
  it('ANT: 168-byte frames from 8 × 20 + 8 notifications, CRC-16/Modbus', async () => {
    const g = (await frames('ant_ble24bhub.btsnoop')).find((x) => x.length === 168)!;
    expect(g.frames).toBe('marker:7ea11100+length@5+10');
    expect(g.checksum).toBe('crc16-modbus of bytes 1..163 at byte 164 (little-endian)');
  });
  it('JK with "AT\\r\\n" and command echoes between the parts of a frame: every frame type is 300 bytes with a valid sum8', async () => {
    const gs = (await frames('jk_heating_start_stop_setting.btsnoop')).filter((x) => x.prefix.startsWith('55aaeb90'));
    expect(gs.map((g) => g.prefix.slice(8, 10)).sort()).toEqual(['01', '02', '03']);
    for (const g of gs) expect([g.length, g.lengths.max, g.checksum]).toEqual([300, 300, 'sum8 of bytes 0..298 at byte 299']);
  });
  it('JK with frames packed across notifications (marker found inside values more often than at their start): 300-byte frames; the uptime counter and its upper byte are labelled', async () => {
    const file = join(CAPTURES, 'jk_pb2a16s15p_precharge_time.btsnoop');
    const { capture } = await extractAttFromFile(file);
    const half = Math.floor(capture.records / 2);
    const res = analyze(await loadRounds([`a=${file}@#1..#${half}`, `b=${file}@#${half + 1}..`]));
    const g = res.groups.find((x) => x.dir === 'device-to-app' && x.prefix.startsWith('55aaeb90') && x.length === 300)!;
    expect([g.length, g.frames]).toEqual([300, 'marker:55aaeb90+fixed:300']);
    // Bytes 262–263: a counter that steps by 0 or 1 per frame and carries into 263 between the halves.
    expect(g.labels).toContainEqual({ byte: 262, label: 'counter' });
    const devices = new Set(res.groups.filter((x) => x.dir === 'device-to-app').map((x) => x.id));
    expect(res.candidates.filter((c) => c.label === null && devices.has(c.group)).map((c) => `${c.group} ${c.byte} ${c.mask}`)).toEqual([]);
  });
  it('JK: 300-byte frames from 128 + 128 + 44 notifications, sum8', async () => {
    const gs = await frames('jk_bd6a17s6p_sw710h.btsnoop');
    const g = gs.find((x) => x.prefix.startsWith('55aaeb90') && x.length === 300)!;
    expect(g.frames.startsWith('marker:55aaeb90')).toBe(true);
    expect(g.checksum).toBe('sum8 of bytes 0..298 at byte 299');
  });
});

describe.skipIf(!HAVE_CORPUS)('lumentree_inverter.btsnoop: a setting written 0 then 1, read back in 1–9 byte fragments', () => {
  const file = join(CAPTURES, 'lumentree_inverter.btsnoop');
  // Writes at records 720 (reg 166 = 0), 739 (= 1), 758 (reg 165 = 0), 777 (= 1), each followed by a
  // read of registers 150–206 whose answer carries register r at bytes 3 + 2·(r − 150) (MANIFEST).
  it.each([
    ['register 166', '#723..#738', '#742..#757', 36],
    ['register 165', '#761..#776', '#780..#795', 34],
  ])('%s: the low byte of the register ranks first; frames learnt from the whole capture', async (_name, off, on, byte) => {
    const { code, out } = await cliJson('--state', `off=${file}@${off}`, '--state', `on=${file}@${on}`, '--min-support', '1');
    expect(code).toBe(0);
    const res = JSON.parse(out);
    const best = res.candidates.find((c: { label: string | null }) => c.label === null);
    expect(best).toMatchObject({ byte, bit: 0, mask: '0x01', values: { off: 0, on: 1 } });
    const g = res.groups.find((x: { id: string }) => x.id === best.group);
    expect(g).toMatchObject({ length: 119, frames: 'request+length@2+5' });
    expect(g.prefix.startsWith('010372')).toBe(true);
    expect(g.checksum).toBe('crc16-modbus of bytes 0..116 at byte 117 (little-endian)');
  });
});

describe.skipIf(!HAVE_CORPUS)('lumentree_inverter.btsnoop: more settings, enums and three states', () => {
  const file = join(CAPTURES, 'lumentree_inverter.btsnoop');
  // Writes (MANIFEST; records of the app's 01 10 … writes): reg 167 = 1 at 796, = 2 at 815, = 0 at 834;
  // reg 168 = 0 at 853, = 1 at 872; reg 150 = 0/1/4/5 at 894/913/932/951. Each answer window starts
  // three records after the write and ends before the next one.
  const w = (from: number): string => `${file}@#${from + 3}..#${from + 18}`;
  it.each([
    ['register 168 off/on', [`off=${w(853)}`, `on=${w(872)}`], 40, { off: 0, on: 1 }],
    ['register 150 = 4 / 5', [`four=${w(932)}`, `five=${w(951)}`], 4, { four: 0, five: 1 }],
  ])('%s: the register ranks first', async (_n, args, byte, values) => {
    const { rounds, context } = await loadCaptures(args);
    const best = analyze(rounds, { learnFrom: context, minSupport: 1 }).candidates.find((c) => c.label === null);
    expect(best).toMatchObject({ byte, bit: 0, mask: '0x01', values });
  });
  it('register 167 = 1 / 2 (an enum step, both bits change) ranks above the drifting low byte of register 162', async () => {
    const { rounds, context } = await loadCaptures([`one=${w(796)}`, `two=${w(815)}`]);
    const best = analyze(rounds, { learnFrom: context, minSupport: 1 }).candidates.find((c) => c.label === null);
    expect(best).toMatchObject({ byte: 38, kind: 'byte', mask: '0x03', values: { one: 1, two: 2 } });
  });
  it('register 167 in three states (1, 2, 0) is one finding with the value of each', async () => {
    const { rounds, context } = await loadCaptures([`one=${w(796)}`, `two=${w(815)}`, `zero=${w(834)}`]);
    const best = analyze(rounds, { learnFrom: context, minSupport: 1 }).candidates.find((c) => c.label === null);
    expect(best).toMatchObject({ byte: 38, kind: 'byte', values: { one: 1, two: 2, zero: 0 } });
  });
});

async function cliJson(...argv: string[]): Promise<{ code: number; out: string }> {
  const { PassThrough } = await import('node:stream');
  const { main } = await import('../src/cli.js');
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await main(['analyze', ...argv, '--json'], { stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: { NO_COLOR: '1' } });
  return { code, out };
}

describe.skipIf(!HAVE_CORPUS)('novax_escooter.btsnoop: lock state as an ASCII digit', () => {
  const file = join(CAPTURES, 'novax_escooter.btsnoop');
  // The status ack "+ACK:OKFCG=0,1,1,1,S,…" before the unlock (rec 736: S = 1, locked) and before
  // the lock (rec 1045: S = 3, unlocked); '1' = 0x31, '3' = 0x33 differ in bit 1 of byte 19.
  it('finds byte 19 bit 1 of the status ack', async () => {
    const { code, out } = await cliJson('--state', `locked=${file}@#725..#736`, '--state', `unlocked=${file}@#1029..#1045`, '--min-support', '1');
    expect(code).toBe(0);
    const res = JSON.parse(out);
    expect(res.candidates[0]).toMatchObject({ byte: 19, bit: 1, mask: '0x02', values: { locked: 0, unlocked: 1 }, label: null });
    const g = res.groups.find((x: { id: string }) => x.id === res.candidates[0].group);
    expect(Buffer.from(g.example, 'hex').toString('latin1').startsWith('+ACK:OKFCG=')).toBe(true);
  });
});

describe.skipIf(!HAVE_CORPUS)('ecoflow_delta2_labelled_hexdumps.txt: AC output state from labelled hex dumps', () => {
  const file = join(CAPTURES, 'ecoflow_delta2_labelled_hexdumps.txt');
  // Sections of the text (line numbers): states/all-off, all-off2 and usb-out-on (AC off) against
  // states/all-on and ac-out-on (AC on). The author's summary: AC-out state = byte 0x31.
  it('finds byte 0x31 bit 0 and the CRC-16 at the end', async () => {
    const { code, out } = await cliJson('--state', `off=${file}@#280..#301,${file}@#367..#377`, '--state', `on=${file}@#302..#312,${file}@#269..#279`, '--min-support', '1');
    expect(code).toBe(0);
    const res = JSON.parse(out);
    expect(res.candidates[0]).toMatchObject({ byte: 0x31, bit: 0, mask: '0x01', values: { off: 0, on: 1 }, label: null });
    const g = res.groups.find((x: { id: string }) => x.id === res.candidates[0].group);
    expect(g.prefix.startsWith('aa026f00')).toBe(true);
    expect(g.checksum).toBe('crc16-arc of bytes 0..126 at byte 127 (little-endian)');
  });
});
