// The extractor on real captures: connections, restarts, air captures with encryption, other
// channels. Facts come from ../shared/captures/MANIFEST.md and from reading the records.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAttFromFile } from '../src/hci/extract-file.js';
import { toHex } from '../src/hex.js';
import { CORPUS, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';

const read = (name: string) => extractAttFromFile(join(CORPUS, name));

describe.skipIf(!HAVE_CORPUS)('hci on real captures', () => {
  it('fossibot (full HCI): one connection per LE Connection Complete, peer and advertised name', async () => {
    const { result, events } = await read('fossibot.btsnoop');
    expect(result.connections).toHaveLength(6);
    expect(new Set(result.connections.map((c) => c.peer))).toEqual(new Set(['dc:1e:d5:e4:07:1e']));
    expect(result.connections.filter((c) => c.name === 'POWER-0084').length).toBeGreaterThanOrEqual(3);
    const write = events.find((e) => e.record === 8491)!;
    expect(write).toMatchObject({ conn: 6, op: 'Write Request', handle: 0x36, uuid: 'c304', dir: 'app-to-device' });
    expect(result.handles.find((h) => h.conn === 6 && h.handle === 0x38)).toMatchObject({ uuid: 'c305', properties: expect.arrayContaining(['notify']) });
  });

  it('tianpower (ACL-only): a restart after 4.6 hours of silence on the same handle is a second connection', async () => {
    const { result } = await read('tianpower_tp_lt55.btsnoop');
    expect(result.connections.map((c) => [c.link, c.firstRecord])).toEqual([
      [0x40, 1],
      [0x40, 2939],
    ]);
  });

  it('ACL-only logs whose device notifies during discovery stay one connection', async () => {
    for (const name of ['jbd_sp04s034_l4s_200a_b_u.btsnoop', 'lumentree_inverter.btsnoop', 'jk_pb2a16s15p_precharge_time.btsnoop', 'jk_heating_start_stop_setting.btsnoop']) {
      expect((await read(name)).result.connections, name).toHaveLength(1);
    }
  });

  it('kept events decoded before discovery get the UUID that discovery gave later', async () => {
    const streamed: (string | null)[] = [];
    await extractAttFromFile(join(CORPUS, 'jbd_sp04s034_l4s_200a_b_u.btsnoop'), { onEvent: (e) => streamed.push(e.uuid) });
    const { events } = await read('jbd_sp04s034_l4s_200a_b_u.btsnoop');
    expect(streamed[0]).toBeNull(); // record 1: a notification before the app discovered anything
    expect(events[0]).toMatchObject({ record: 1, handle: 0x11, uuid: 'ff01' });
  });

  it('daly (ACL-only): the module restarts the link twice (device MTU request after 14 s of silence)', async () => {
    const { result } = await read('daly_balancer_switch.btsnoop');
    expect(result.connections.map((c) => c.firstRecord)).toEqual([1, 83, 129]);
  });

  it('heart-rate strap (nRF Sniffer, pcapng 272): CONNECT_IND peer and name, notifications with UUID 2a37, bad CRCs skipped', async () => {
    const { result, events } = await read('heartrate_strap_nrfsniffer.pcapng');
    expect(result.connections).toHaveLength(1);
    expect(result.connections[0]).toMatchObject({ peer: '00:18:31:e4:fe:31', name: 'Cardiosport HRM' });
    const hr = events.filter((e) => e.handle === 0x12 && e.opcode === 0x1b);
    expect(hr.length).toBeGreaterThanOrEqual(20);
    expect(hr.every((e) => e.uuid === '2a37' && e.dir === 'device-to-app')).toBe(true);
    expect(toHex(hr[0]!.value)).toBe('0652');
    expect(events.find((e) => e.handle === 0x13)).toMatchObject({ op: 'Write Request', uuid: '2902' });
    expect(toHex(events.find((e) => e.handle === 0x15)!.value)).toBe('01'); // Body Sensor Location: chest
    expect(result.counts.badCrc).toBeGreaterThan(0);
    expect(result.counts.encrypted).toBe(0);
  });

  it('Nordic LBS (pcap 272): the LED write decodes, then encryption: PDUs counted, none decoded', async () => {
    const { result, events } = await read('tesi_ble_nrfsniffer.pcap');
    expect(events.map((e) => [e.record, e.handle, toHex(e.value)])).toEqual([
      [709, 0x04, '0200'],
      [825, 0x13, '0100'],
      [1032, 0x15, '01'],
    ]);
    expect(events[2]!.uuid).toBe('00001525-1212-efde-1523-785feabcd123');
    expect(result.counts.encrypted).toBeGreaterThan(10);
    expect(result.counts.otherChannels.SMP).toBeGreaterThan(0);
    expect(result.warnings.some((w) => /encrypted and were not decoded/.test(w))).toBe(true);
  });

  it('classic captures: no ATT; RFCOMM, AVDTP and SDP counted from the signalling PSMs', async () => {
    const leaf = await read('nissanleaf_leafspy_elm327_rfcomm.btsnoop');
    expect(leaf.events).toHaveLength(0);
    expect(leaf.result.counts.otherChannels.RFCOMM).toBeGreaterThan(1000);
    expect(leaf.result.connections[0]).toMatchObject({ peer: '00:1d:a5:00:12:4a', name: 'OBDII' });
    const a2dp = await read('a2dp_motog.btsnoop');
    expect(a2dp.events).toHaveLength(0);
    expect(a2dp.result.counts.otherChannels.AVDTP).toBeGreaterThan(1000);
    expect(a2dp.result.counts.otherChannels.SDP).toBeGreaterThan(0);
  });

  it('Samsung .cfa with vendor diagnostics on handle 0x0edc: not a connection', async () => {
    const { result } = await read('nexxtender_fuut_20250125165300.cfa.btsnoop');
    expect(result.connections.some((c) => c.link === 0x0edc)).toBe(false);
    expect(result.counts.otherChannels['vendor diagnostics (handle 0x0edc)']).toBeGreaterThan(0);
  });

  it('nest cam (pcap 201): read responses take the handle of their Read Request', async () => {
    const { result, events } = await read('nestcam_dlt201.pcap');
    const reads = events.filter((e) => e.opcode === 0x0b);
    expect(reads.length).toBe(300);
    expect(reads.every((e) => e.handle === 0xffff)).toBe(true);
    expect(result.warnings.filter((w) => /without its request/.test(w))).toEqual([]);
  });
});

if (!HAVE_CORPUS) it.skip(SKIP_REASON, () => undefined);
