// Every binary capture of the shared corpus: right reader and variant, every record read, no damage,
// the same packets however the file is chunked, and record numbers that match Wireshark's frames.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureBuffer, readCaptureFile } from '../src/capture/read.js';
import { HCI_ACL, HCI_COMMAND, HCI_EVENT, type Packet } from '../src/model.js';
import { corpusFile, expectedAtt, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';
import { PacketDigest } from './helpers/capture-digest.js';

// name, format id, variant, records (from MANIFEST.md; null where it gives no count)
const FILES: Array<[string, string, string, number | null]> = [
  ['jbd_sp04s034_l4s_200a_b_u.btsnoop', 'btsnoop', 'btsnoop/1002', 518],
  ['jbd_sp04s034_v1.3_ffaa_auth.btsnoop', 'btsnoop', 'btsnoop/1002', 551],
  ['jbd_sp04s034_ffaa_auth_dl1001.btsnoop', 'btsnoop', 'btsnoop/1001', 214],
  ['jk_heating_start_stop_setting.btsnoop', 'btsnoop', 'btsnoop/1002', 1904],
  ['jk_pb2a16s15p_precharge_time.btsnoop', 'btsnoop', 'btsnoop/1002', 6344],
  ['jk_b2a16s_jk04_cmds.btsnoop', 'btsnoop', 'btsnoop/1002', 8809],
  ['jk_bd6a17s6p_sw710h.btsnoop', 'btsnoop', 'btsnoop/1002', 1643],
  ['jk_b1a20s15p_sw1007.btsnoop', 'btsnoop', 'btsnoop/1002', 124],
  ['neey_balancer_ek24s4eb_zh208.btsnoop', 'btsnoop', 'btsnoop/1002', 243],
  ['ant_ble24bhub.btsnoop', 'btsnoop', 'btsnoop/1002', 2378],
  ['ant_ble16zmub.btsnoop', 'btsnoop', 'btsnoop/1002', 1560],
  ['ant_model2019_ant24c_rfcomm.btsnoop', 'btsnoop', 'btsnoop/1002', 318],
  ['basen_status.btsnoop', 'btsnoop', 'btsnoop/1002', 398],
  ['lolan_status.btsnoop', 'btsnoop', 'btsnoop/1002', 97],
  ['lolan_settings.btsnoop', 'btsnoop', 'btsnoop/1002', 300],
  ['daly_balancer_switch.btsnoop', 'btsnoop', 'btsnoop/1002', 273],
  ['seplos_v2_1101-10E-SP76-16S.btsnoop', 'btsnoop', 'btsnoop/1002', 596],
  ['tianpower_tp_lt55.btsnoop', 'btsnoop', 'btsnoop/1002', 3321],
  ['votronic_reset_today.btsnoop', 'btsnoop', 'btsnoop/1002', 842],
  ['lumentree_inverter.btsnoop', 'btsnoop', 'btsnoop/1002', 1304],
  ['fossibot.btsnoop', 'btsnoop', 'btsnoop/1002', 9227],
  ['nexxtender_fuut_20241230_1.btsnoop', 'btsnoop', 'btsnoop/1002', null],
  ['nexxtender_fuut_20241230_02.btsnoop', 'btsnoop', 'btsnoop/1002', null],
  ['nexxtender_fuut_20141017_1.btsnoop', 'btsnoop', 'btsnoop/1002', null],
  ['nexxtender_fuut_20250125165300.cfa.btsnoop', 'btsnoop', 'btsnoop/1002', 10931],
  ['novax_escooter.btsnoop', 'btsnoop', 'btsnoop/1002', 2939],
  ['nissanleaf_leafspy_elm327_rfcomm.btsnoop', 'btsnoop', 'btsnoop/1002', 7616],
  ['batteread_ligen_btmon_dl2001.btsnoop', 'btsnoop', 'btsnoop/2001', 6],
  ['even_g2_glasses_bt2.pklg', 'pklg', 'pklg-LE', null],
  ['even_g2_glasses_app-control.pklg', 'pklg', 'pklg-LE', null],
  ['btstack_rsap_bigendian.pklg', 'pklg', 'pklg-BE', 161],
  ['nestcam_dlt201.pcap', 'pcap', 'pcap/201', 1545],
  ['heartrate_strap_nrfsniffer.pcapng', 'pcapng', 'pcapng/272', 2154],
  ['tesi_ble_nrfsniffer.pcap', 'pcap', 'pcap/272', 1992],
  ['ble_advertiser_nrf_sniffer_dlt272.pcapng', 'pcapng', 'pcapng/272', 13],
  ['yeelock.btsnoop', 'btsnoop', 'btsnoop/1002', 690],
  ['a2dp_motog.btsnoop', 'btsnoop', 'btsnoop/1002', 3674],
  ['a2dp_lg750.btsnoop', 'btsnoop', 'btsnoop/1002', 8221],
];

if (!HAVE_CORPUS) console.warn(SKIP_REASON);

/** Reads a file keeping copies of the packets (the emitted ones are views into a reused chunk). */
async function readAll(name: string, chunkSize?: number): Promise<{ packets: Packet[]; info: Awaited<ReturnType<typeof readCaptureFile>> }> {
  const packets: Packet[] = [];
  const info = await readCaptureFile(corpusFile(name), (p) => {
    if (p.kind === 'hci') packets.push({ ...p, data: Uint8Array.from(p.data) });
    else packets.push({ ...p, pdu: Uint8Array.from(p.pdu) });
  }, chunkSize === undefined ? {} : { chunkSize });
  return { packets, info };
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe.skipIf(!HAVE_CORPUS)('real captures', () => {
  for (const [name, format, variant, records] of FILES) {
    it(`${name}: ${variant}, ${records ?? 'all'} records, no damage, chunking does not matter`, async () => {
      const whole = new PacketDigest();
      const info = await readCaptureFile(corpusFile(name), whole.add);
      expect(info.damage).toBeNull();
      expect(info.format).toBe(format);
      expect(info.variant).toBe(variant);
      expect(info.bytes).toBe(readFileSync(corpusFile(name)).length);
      if (records !== null) expect(info.records).toBe(records);
      const expected = expectedAtt(name);
      if (expected !== null && expected.length > 0) expect(info.records).toBeGreaterThanOrEqual(expected[expected.length - 1]!.record);

      // Small chunks cut records everywhere; the packets must not change.
      const small = new PacketDigest();
      const info2 = await readCaptureFile(corpusFile(name), small.add, { chunkSize: 997 });
      expect(small.hex()).toBe(whole.hex());
      expect(info2.records).toBe(info.records);
      const mem = new PacketDigest();
      const info3 = readCaptureBuffer(readFileSync(corpusFile(name)), mem.add, name);
      expect(mem.hex()).toBe(whole.hex());
      expect({ ...info3, file: null }).toEqual({ ...info, file: null });
    });
  }

  // tshark's frame numbers for ATT values: the packet with that record number must end the ATT PDU
  // (its bytes end with the value, or with the part of it in this last fragment) in the direction
  // the opcode implies.
  for (const [name] of FILES) {
    const rows = expectedAtt(name);
    if (rows === null || rows.length === 0) continue;
    it(`${name}: the ${rows.length} ATT values tshark finds sit at the same record numbers`, async () => {
      const { packets } = await readAll(name);
      const byRecord = new Map<number, Packet>();
      for (const p of packets) byRecord.set(p.record, p);
      let checked = 0;
      const wrongWay: number[] = [];
      for (const row of rows) {
        const p = byRecord.get(row.record);
        expect(p, `record ${row.record}`).toBeDefined();
        if (row.opcode === 0xd2) continue; // the value is followed by a signature
        const value = Buffer.from(row.value, 'hex');
        let bytes: Buffer;
        let header: number;
        let appToDevice: boolean;
        if (p!.kind === 'hci') {
          expect(p!.type, `record ${row.record} type`).toBe(HCI_ACL);
          bytes = Buffer.from(p!.data);
          header = 4;
          appToDevice = p!.sent;
        } else if (p!.kind === 'll') {
          expect(p!.encrypted).toBe(false);
          bytes = Buffer.from(p!.pdu);
          header = 2;
          appToDevice = p!.dir === 'app-to-device';
        } else {
          throw new Error('binary captures yield no ATT packets');
        }
        const tail = bytes.subarray(header);
        const ok = bytes.subarray(bytes.length - value.length).equals(value) || value.subarray(value.length - tail.length).equals(tail);
        expect(ok, `record ${row.record}: ${hex(bytes)} does not end value ${row.value}`).toBe(true);
        // Writes go app → device, notifications, indications and read responses come back; a phone
        // that is also a GATT server (Service Changed indications) explains the rare exception.
        const write = row.opcode === 0x12 || row.opcode === 0x52;
        if (appToDevice !== write) wrongWay.push(row.record);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
      expect(wrongWay.length, `records against the opcode's direction: ${wrongWay.join(' ')}`).toBeLessThanOrEqual(Math.max(1, checked / 50));
    });
  }

  it('btsnoop 1002: first records of lolan_settings are a command and its event', async () => {
    const { packets } = await readAll('lolan_settings.btsnoop');
    const [a, b] = packets;
    expect(a).toMatchObject({ kind: 'hci', record: 1, type: HCI_COMMAND, sent: true, t: 1719241933516608 });
    expect(hex((a as { data: Uint8Array }).data)).toBe('17fc021401');
    expect(b).toMatchObject({ kind: 'hci', record: 2, type: HCI_EVENT, sent: false, t: 1719241933525412 });
    expect(hex((b as { data: Uint8Array }).data)).toBe('0e050117fc0014');
  });

  it('btsnoop 1001: the type and direction come from the record flags', async () => {
    const { packets } = await readAll('jbd_sp04s034_ffaa_auth_dl1001.btsnoop');
    expect(packets[0]).toMatchObject({ record: 1, type: HCI_ACL, sent: true, t: 1725363127984000 });
    expect(hex((packets[0] as { data: Uint8Array }).data)).toBe('4b0007000300040002b900');
    expect(packets[1]).toMatchObject({ record: 2, type: HCI_ACL, sent: false, t: 1725363128027000 });
  });

  it('btsnoop 2001: index, note and info records are counted but carry no packet', async () => {
    const { packets, info } = await readAll('batteread_ligen_btmon_dl2001.btsnoop');
    expect(info.records).toBe(6);
    expect(packets).toEqual([]);
  });

  it('PacketLogger little-endian: the eight leading note records are counted, not emitted', async () => {
    const { packets } = await readAll('even_g2_glasses_bt2.pklg');
    expect(packets[0]!.record).toBeGreaterThan(12);
    expect(packets.every((p) => p.kind === 'hci')).toBe(true);
  });

  it('PacketLogger big-endian (BTstack): seconds and microseconds, command first', async () => {
    const { packets } = await readAll('btstack_rsap_bigendian.pklg');
    expect(packets[0]).toMatchObject({ record: 1, type: HCI_COMMAND, sent: true, t: 1283518326465269 });
    expect(hex((packets[0] as { data: Uint8Array }).data)).toBe('22f4040300fa00');
  });

  it('pcap 201: the 4-byte pseudo-header gives the direction', async () => {
    const { packets } = await readAll('nestcam_dlt201.pcap');
    expect(packets[0]).toMatchObject({ record: 1, type: HCI_COMMAND, sent: true, t: 1490842624465828 });
    expect(hex((packets[0] as { data: Uint8Array }).data)).toBe('030c00');
    expect(packets[1]).toMatchObject({ record: 2, type: HCI_EVENT, sent: false, t: 1490842624537579 });
    expect(hex((packets[1] as { data: Uint8Array }).data)).toBe('0e0401030c00');
  });

  it('pcapng 272: nRF Sniffer advertising and connection packets', async () => {
    const { packets } = await readAll('heartrate_strap_nrfsniffer.pcapng');
    expect(packets[0]).toMatchObject({ kind: 'll', record: 1, accessAddress: 0x8e89bed6, channel: 39, dir: null, crcOk: true, encrypted: false });
    expect(hex((packets[0] as { pdu: Uint8Array }).pdu).slice(0, 4)).toBe('4625');
    expect((packets[0] as { pdu: Uint8Array }).pdu.length).toBe(2 + 0x25);
    const data = packets.filter((p) => p.kind === 'll' && p.accessAddress !== 0x8e89bed6);
    expect(data.length).toBeGreaterThan(200);
    expect(new Set(data.map((p) => (p.kind === 'll' ? p.dir : null)))).toEqual(new Set(['app-to-device', 'device-to-app']));
    // The Heart Rate Measurement notifications on handle 0x0012 (ATT 1b 1200 …) are plain.
    const hr = data.filter((p) => p.kind === 'll' && p.crcOk && hex(p.pdu).slice(8, 12) === '0400' && hex(p.pdu).slice(12, 18) === '1b1200');
    expect(hr.length).toBeGreaterThanOrEqual(20);
    expect(hr.every((p) => p.kind === 'll' && p.dir === 'device-to-app')).toBe(true);
  });

  it('pcap 272: after LL encryption starts the sniffer flags the PDUs it cannot decrypt', async () => {
    const { packets } = await readAll('tesi_ble_nrfsniffer.pcap');
    expect(packets[0]).toMatchObject({ kind: 'll', record: 1, accessAddress: 0x8e89bed6, channel: 37, crcOk: true });
    const encrypted = packets.filter((p) => p.kind === 'll' && p.encrypted);
    expect(encrypted.length).toBeGreaterThan(10);
    expect(encrypted[0]!.record).toBeGreaterThan(1032); // the LED write (record 1032) is before it
  });
});
