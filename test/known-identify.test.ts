// identify on the real corpus: every family of the table that has a capture is named (by checksums
// and lengths that verify), and no family is named for captures of other devices.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { identifyRounds } from '../src/analysis/known/identify.js';
import { FAMILIES } from '../src/analysis/known/families.js';
import { roundsFromCapture } from '../src/recorders/files.js';
import { extractAttFromFile } from '../src/hci/extract-file.js';
import { corpusFile, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';
import { runCli } from './helpers/cli.js';

/** Captures of a family in the table, and the family each must be named as first. */
const FAMILY_CAPTURES: [string, string][] = [
  ['jbd_sp04s034_l4s_200a_b_u.btsnoop', 'jbd'],
  ['jbd_sp04s034_v1.3_ffaa_auth.btsnoop', 'jbd'],
  ['jbd_sp04s034_ffaa_auth_dl1001.btsnoop', 'jbd'],
  ['jk_bd6a17s6p_sw710h.btsnoop', 'jk02-24s'],
  ['jk_b1a20s15p_sw1007.btsnoop', 'jk02-24s'],
  ['jk_heating_start_stop_setting.btsnoop', 'jk02-32s'],
  ['jk_pb2a16s15p_precharge_time.btsnoop', 'jk02-32s'],
  ['jk_b2a16s_jk04_cmds.btsnoop', 'jk04'],
  ['neey_balancer_ek24s4eb_zh208.btsnoop', 'neey'],
  ['ant_ble16zmub.btsnoop', 'ant'],
  ['ant_ble24bhub.btsnoop', 'ant'],
  ['basen_status.btsnoop', 'basen'],
  ['lolan_status.btsnoop', 'lolan'],
  ['lolan_settings.btsnoop', 'lolan'],
  ['daly_balancer_switch.btsnoop', 'daly-modbus'],
  ['daly_dsg_onoff.packetlogger.txt', 'daly-modbus'],
  ['seplos_v2_1101-10E-SP76-16S.btsnoop', 'seplos-v2'],
  ['tianpower_tp_lt55.btsnoop', 'tianpower'],
];

/**
 * Captures of the table's families that hold no evidence to check: the ANT 2019 capture is
 * classic Bluetooth (RFCOMM, no ATT values), and the Votronic capture has no GATT discovery while
 * Votronic values carry no head, length or checksum. identify must not guess a family for them.
 */
const NO_EVIDENCE = ['ant_model2019_ant24c_rfcomm.btsnoop', 'votronic_reset_today.btsnoop'];

/** Devices of no family in the table: audio, cameras, glasses, scooters, locks, chargers, sensors, inverters. */
const OTHER_DEVICES = [
  'a2dp_motog.btsnoop',
  'a2dp_lg750.btsnoop',
  'nestcam_dlt201.pcap',
  'even_g2_glasses_bt2.pklg',
  'even_g2_glasses_app-control.pklg',
  'novax_escooter.btsnoop',
  'novax_escooter_OnlyLocking.wireshark.txt',
  'yeelock.btsnoop',
  'tesi_ble_nrfsniffer.pcap',
  'heartrate_strap_nrfsniffer.pcapng',
  'smartbottle_M1_nrfconnect_EXCERPT.txt',
  'nexxtender_fuut_20241230_1.btsnoop',
  'nexxtender_fuut_20241230_02.btsnoop',
  'nexxtender_fuut_20141017_1.btsnoop',
  'nexxtender_fuut_20250125165300.cfa.btsnoop',
  'nissanleaf_leafspy_elm327_rfcomm.btsnoop',
  'fossibot.btsnoop',
  'lumentree_inverter.btsnoop',
  'lumentree_inverter.annotated.txt',
  'ecoflow_delta2_labelled_hexdumps.txt',
  'meritsun_12v100ah_notify_hexlog_15ms.txt',
  'btstack_rsap_bigendian.pklg',
  'ble_advertiser_nrf_sniffer_dlt272.pcapng',
  'batteread_ligen_btmon_dl2001.btsnoop',
];

async function identifyFile(name: string) {
  const { events, result } = await extractAttFromFile(corpusFile(name));
  const discovered = result.handles.map((h) => ({ peer: h.peer, uuids: [h.service, h.uuid].filter((u): u is string => u !== null) }));
  return identifyRounds(roundsFromCapture('capture', events, { kind: 'file', files: [] }), { discovered });
}

describe('known-protocol table', () => {
  it('has the families the issue names, each with sources', () => {
    const ids = FAMILIES.map((f) => f.id);
    for (const id of ['jbd', 'jk02-32s', 'jk04', 'daly-a5', 'daly-modbus', 'ant', 'ant-legacy', 'seplos-v2', 'seplos-v3', 'neey', 'basen', 'lolan', 'tianpower', 'votronic', 'renogy', 'ecoworthy', 'pace', 'ogt', 'redodo']) {
      expect(ids).toContain(id);
    }
    for (const f of FAMILIES) expect(f.sources.length, f.id).toBeGreaterThan(0);
  });
});

describe.skipIf(!HAVE_CORPUS)('identify on the real corpus', () => {
  if (!HAVE_CORPUS) it.skip(SKIP_REASON, () => undefined);

  it.each(FAMILY_CAPTURES)('%s is named %s first, with checksums or lengths that verify', async (name, family) => {
    if (!existsSync(corpusFile(name))) return;
    const r = await identifyFile(name);
    expect(r.matches.length, `${name}: no family`).toBeGreaterThan(0);
    const best = r.matches[0]!;
    expect(best.family).toBe(family);
    const checked = best.checksumValid ?? best.lengthValid;
    expect(checked).toBeGreaterThanOrEqual(2);
    expect(checked / best.frames).toBeGreaterThanOrEqual(0.8);
  });

  it('covers every family of the table that has a usable capture', () => {
    const named = new Set(FAMILY_CAPTURES.map(([, f]) => f));
    for (const f of ['jbd', 'jk02-24s', 'jk02-32s', 'jk04', 'neey', 'ant', 'basen', 'lolan', 'daly-modbus', 'seplos-v2', 'tianpower']) expect(named).toContain(f);
  });

  it.each([...OTHER_DEVICES, ...NO_EVIDENCE])('%s is named no family', async (name) => {
    if (!existsSync(corpusFile(name))) return;
    const r = await identifyFile(name);
    expect(r.matches.map((m) => m.family)).toEqual([]);
  });

  it('identify --json has the issue shape; the sentence gives the evidence', async () => {
    const file = corpusFile('jbd_sp04s034_v1.3_ffaa_auth.btsnoop');
    const j = await runCli(['identify', '--json', file]);
    expect(j.code).toBe(0);
    const parsed = JSON.parse(j.out) as { matches: Record<string, unknown>[] };
    expect(Object.keys(parsed.matches[0]!).sort()).toEqual(['checksumValid', 'family', 'frames', 'name', 'score', 'supportedBy', 'uuids']);
    expect(parsed.matches[0]).toMatchObject({ family: 'jbd', uuids: expect.arrayContaining(['ff00']) });
    const m = parsed.matches[0] as { frames: number; checksumValid: number };
    expect(m.checksumValid).toBe(m.frames);
    const t = await runCli(['identify', file]);
    expect(t.out).toMatch(/^looks like JBD \/ Xiaoxiang .*36-byte dd 03 … 77.*checksum valid in (\d+)\/\1.*service ff00/);
    const none = await runCli(['identify', '--json', corpusFile('yeelock.btsnoop')]);
    expect(JSON.parse(none.out)).toEqual({ matches: [] });
    expect((await runCli(['identify', corpusFile('yeelock.btsnoop')])).out).toMatch(/^none of the \d+ known families/);
  });
});

describe('families without a checksum', () => {
  const frame = (i: number): Uint8Array => Uint8Array.from({ length: 40 }, (_, k) => (k === 0 ? 1 : k === 1 ? 0 : (k * 7 + i) & 0xff));
  const note = (i: number, value: Uint8Array) => ({ record: i, t: i * 1000, conn: 1, peer: null, dir: 'device-to-app' as const, op: 'Handle Value Notification', opcode: 0x1b, handle: 0x10, uuid: 'ffe1', value });
  const write = (i: number, hex: string) => ({ record: i, t: i * 1000, conn: 1, peer: null, dir: 'app-to-device' as const, op: 'Write Command', opcode: 0x52, handle: 0x13, uuid: 'ffe2', value: Buffer.from(hex, 'hex') });
  const round = (withRequests: boolean) => ({
    state: 'capture',
    index: 1,
    source: { kind: 'file', files: [] },
    events: Array.from({ length: 12 }, (_, i) => [...(withRequests ? [write(2 * i, 'c56500bc614e')] : []), note(2 * i + 1, frame(i))]).flat(),
  });
  it('40-byte 01 00 frames on ffe0/ffe1 alone are not enough to say Lolan (ffe0 modules are everywhere)', () => {
    expect(identifyRounds([round(false)], { discovered: [{ peer: null, uuids: ['ffe0', 'ffe1', 'ffe2'] }] }).matches).toEqual([]);
  });
  it('with the app sending Lolan requests (c5 65 …) they are', () => {
    expect(identifyRounds([round(true)], { discovered: [{ peer: null, uuids: ['ffe0', 'ffe1', 'ffe2'] }] }).matches.map((m) => m.family)).toEqual(['lolan']);
  });
});

describe('identify errors', () => {
  it('names a missing file in one sentence, exit 2', async () => {
    const r = await runCli(['identify', '/nonexistent/capture.btsnoop']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: .*capture\.btsnoop.*\n$/);
  });
});
