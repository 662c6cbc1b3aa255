import { beforeEach, describe, expect, it } from 'vitest';
import { L2capReassembler } from '../src/hci/acl.js';
import { attSender } from '../src/att.js';
import { createAttExtractor } from '../src/hci/extractor.js';
import { HCI_ACL } from '../src/model.js';
import { acl, addr, att, attAcl, disconnectionComplete, hciEvent, hex, l2cap, leConnectionComplete, resetRecords, run, valueHex } from './hci-helpers.js';

beforeEach(() => resetRecords());

describe('ATT values over HCI ACL', () => {
  it('turns a notification and a write into events with every field', () => {
    const { events, result } = run([attAcl(0x40, att(0x52, 0x0010, 'dda50300fffd77'), true), attAcl(0x40, att(0x1b, 0x0012, 'dd0300'), false)]);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ record: 1, conn: 1, peer: null, dir: 'app-to-device', op: 'Write Command', opcode: 0x52, handle: 0x10, uuid: null });
    expect(valueHex(events[0]!)).toBe('dda50300fffd77');
    expect(events[1]).toMatchObject({ record: 2, dir: 'device-to-app', op: 'Handle Value Notification', opcode: 0x1b, handle: 0x12 });
    expect(events[1]!.t).toBe(1_700_000_000_002_000);
    expect(result.counts).toMatchObject({ packets: 2, acl: 2, att: 2, attWithValue: 2, orphanFragments: 0 });
    expect(result.connections).toHaveLength(1);
    expect(result.connections[0]).toMatchObject({ conn: 1, link: 0x40, peer: null, firstRecord: 1, lastRecord: 2 });
  });

  it('reassembles an ATT PDU split over ACL fragments (PB 0b10 then 0b01), even with the other direction in between', () => {
    const value = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const frame = l2cap(4, att(0x1b, 0x0005, value));
    const packets = [
      acl(0x03, frame.subarray(0, 27), false, 0b10),
      attAcl(0x03, att(0x52, 0x0003, 'aa55'), true),
      acl(0x03, frame.subarray(27, 200), false, 0b01),
      acl(0x03, frame.subarray(200), false, 0b01),
    ];
    const { events, result } = run(packets);
    expect(events.map((e) => e.opcode)).toEqual([0x52, 0x1b]);
    expect(events[1]!.record).toBe(4); // the record that completed the PDU
    expect(Buffer.from(events[1]!.value).equals(Buffer.from(value))).toBe(true);
    expect(result.counts.orphanFragments).toBe(0);
  });

  it('accepts a first non-flushable fragment (PB 0b00) and counts orphan continuations', () => {
    const frame = l2cap(4, att(0x12, 0x0014, '7e1000465100003a7f0d'));
    const { events, result } = run([acl(0x40, hex('0102'), true, 0b01), acl(0x40, frame.subarray(0, 6), true, 0b00), acl(0x40, frame.subarray(6), true, 0b01)]);
    expect(events).toHaveLength(1);
    expect(valueHex(events[0]!)).toBe('7e1000465100003a7f0d');
    expect(result.counts.orphanFragments).toBe(1);
    expect(result.warnings.join(' ')).toMatch(/fragments without their first part/);
  });

  it('drops an unfinished PDU cut short by a new start, and counts it', () => {
    const long = l2cap(4, att(0x1b, 0x0005, new Uint8Array(100)));
    const { events, result } = run([acl(0x40, long.subarray(0, 30), false), attAcl(0x40, att(0x1b, 0x0005, '01'), false)]);
    expect(events.map(valueHex)).toEqual(['01']);
    expect(result.counts.orphanFragments).toBe(1);
  });

  it('keeps a start fragment shorter than the L2CAP header until its length arrives', () => {
    const frame = l2cap(4, att(0x1b, 0x0007, 'beef'));
    const { events } = run([acl(0x41, frame.subarray(0, 2), false), acl(0x41, frame.subarray(2), false, 0b01)]);
    expect(events.map(valueHex)).toEqual(['beef']);
  });

  it('reassembles a long write (Prepare Write … Execute Write 0x01) into one event, and ignores a cancelled one', () => {
    const packets = [
      attAcl(0x40, Uint8Array.from([0x16, 0x2a, 0x00, 0x00, 0x00, ...hex('000102030405060708090a0b0c0d0e0f1011')]), true),
      attAcl(0x40, Uint8Array.from([0x17, 0x2a, 0x00, 0x00, 0x00, ...hex('000102030405060708090a0b0c0d0e0f1011')]), false),
      attAcl(0x40, Uint8Array.from([0x16, 0x2a, 0x00, 0x12, 0x00, ...hex('1213')]), true),
      attAcl(0x40, att(0x18, null, '01'), true),
      attAcl(0x40, att(0x19, null), false),
      attAcl(0x40, Uint8Array.from([0x16, 0x2a, 0x00, 0x00, 0x00, ...hex('ffff')]), true),
      attAcl(0x40, att(0x18, null, '00'), true),
    ];
    const { events } = run(packets);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ op: 'Prepare/Execute Write', opcode: 0x18, handle: 0x2a, dir: 'app-to-device', record: 4 });
    expect(valueHex(events[0]!)).toBe('000102030405060708090a0b0c0d0e0f10111213');
  });

  it('splits a Multiple Handle Value Notification into one event per handle', () => {
    const pdu = hex('23 1200 0200 0102 1500 0300 0a0b0c');
    const { events } = run([attAcl(0x40, pdu, false)]);
    expect(events.map((e) => [e.handle, valueHex(e), e.op])).toEqual([
      [0x12, '0102', 'Multiple Handle Value Notification'],
      [0x15, '0a0b0c', 'Multiple Handle Value Notification'],
    ]);
  });

  it('gives read responses the handle of their request (Read, Read Blob), and 0 with a warning without one', () => {
    const packets = [
      attAcl(0x40, att(0x0a, 0x0028), true),
      attAcl(0x40, att(0x0b, null, '0100'), false),
      attAcl(0x40, att(0x0c, 0x0003, '1600'), true),
      attAcl(0x40, att(0x0d, null, '00b12c'), false),
      attAcl(0x40, att(0x0b, null, '77'), false),
    ];
    const { events, result } = run(packets);
    expect(events.map((e) => [e.opcode, e.handle, valueHex(e)])).toEqual([
      [0x0b, 0x28, '0100'],
      [0x0d, 0x03, '00b12c'],
      [0x0b, 0, '77'],
    ]);
    expect(result.warnings.some((w) => /record 5: Read Response without its request/.test(w))).toBe(true);
  });

  it('matches a read response to the request of the other side only', () => {
    // The device reads the phone's GATT server while the app's own read is pending.
    const packets = [attAcl(0x40, att(0x0a, 0x0010), true), attAcl(0x40, att(0x0a, 0x0099), false), attAcl(0x40, att(0x0b, null, 'aa'), true), attAcl(0x40, att(0x0b, null, 'bb'), false)];
    const { events } = run(packets);
    expect(events.map((e) => [e.dir, e.handle])).toEqual([
      ['app-to-device', 0x99],
      ['device-to-app', 0x10],
    ]);
  });

  it('splits a Read Multiple Variable Response by the requested handles', () => {
    const { events } = run([attAcl(0x40, hex('20 0300 0500'), true), attAcl(0x40, hex('21 0100 aa 0200 bbcc'), false)]);
    expect(events.map((e) => [e.handle, valueHex(e)])).toEqual([
      [3, 'aa'],
      [5, 'bbcc'],
    ]);
  });

  it('strips the 12-byte signature of a Signed Write Command', () => {
    const { events } = run([attAcl(0x40, att(0xd2, 0x0010, `0102${'ee'.repeat(12)}`), true)]);
    expect(events.map((e) => [e.op, valueHex(e)])).toEqual([['Signed Write Command', '0102']]);
  });

  it('counts other channels and names dynamic ones from signalling', () => {
    const connReq = l2cap(1, hex('02 07 0400 0300 4000')); // Connection Request PSM 3 (RFCOMM), SCID 0x40
    const connRsp = l2cap(1, hex('03 07 0800 4100 4000 0000 0000')); // DCID 0x41
    const packets = [acl(0x0c, connReq, true), acl(0x0c, connRsp, false), acl(0x0c, l2cap(0x41, hex('0301')), true), acl(0x0c, l2cap(6, hex('01')), true), acl(0x0c, l2cap(0x77, hex('00')), true)];
    const { result } = run(packets);
    expect(result.counts.otherChannels).toEqual({ 'L2CAP signalling': 2, RFCOMM: 1, SMP: 1, 'L2CAP dynamic': 1 });
    expect(result.counts.att).toBe(0);
  });

  it('decodes ATT over a BR/EDR dynamic channel (PSM 0x001f)', () => {
    const packets = [acl(0x0c, l2cap(1, hex('02 01 0400 1f00 4000')), true), acl(0x0c, l2cap(1, hex('03 01 0800 4500 4000 0000 0000')), false), acl(0x0c, l2cap(0x40, att(0x1b, 0x0021, '05')), false)];
    const { events } = run(packets);
    expect(events.map((e) => [e.handle, valueHex(e)])).toEqual([[0x21, '05']]);
  });

  it('ignores the vendor diagnostics handle 0x0edc', () => {
    const { result } = run([acl(0x0edc, hex('dc2ee301df01a602'), false), attAcl(0x40, att(0x1b, 0x12, '01'), false)]);
    expect(result.connections.map((c) => c.link)).toEqual([0x40]);
    expect(result.counts.otherChannels['vendor diagnostics (handle 0x0edc)']).toBe(1);
  });

  it('copies values: events survive the reuse of the capture buffer', () => {
    const events: Uint8Array[] = [];
    const x = createAttExtractor((e) => events.push(e.value));
    const data = Uint8Array.from([0x40, 0x20, 8, 0, 4, 0, 4, 0, 0x1b, 0x12, 0x00, 0x55]);
    x.push({ kind: 'hci', type: HCI_ACL, sent: false, data, record: 1, t: null });
    data[11] = 0x66;
    x.push({ kind: 'hci', type: HCI_ACL, sent: false, data, record: 2, t: null });
    expect(events.map((v) => Buffer.from(v).toString('hex'))).toEqual(['55', '66']);
  });

  it('keeps prepared-write parts and LL retransmission state across reuse of the capture buffer', () => {
    // Readers hand out views into a chunk Buffer that they overwrite: simulate that with one Buffer.
    const chunk = Buffer.alloc(64);
    const events: string[] = [];
    const x = createAttExtractor((e) => events.push(Buffer.from(e.value).toString('hex')));
    const pushAcl = (record: number, pdu: Uint8Array): void => {
      const frame = l2cap(4, pdu);
      chunk.fill(0xee);
      chunk.set([0x40, 0x20 | 0x00, frame.length, 0, ...frame]);
      x.push({ kind: 'hci', type: HCI_ACL, sent: true, data: chunk.subarray(0, 4 + frame.length), record, t: null });
    };
    pushAcl(1, Uint8Array.from([0x16, 0x2a, 0x00, 0x00, 0x00, 0x01, 0x02]));
    pushAcl(2, Uint8Array.from([0x16, 0x2a, 0x00, 0x02, 0x00, 0x03, 0x04]));
    pushAcl(3, att(0x18, null, '01'));
    x.finish();
    expect(events).toEqual(['01020304']);
  });

  it('infers the direction from the opcode when the format does not record it (pcap 187)', () => {
    const p = attAcl(0x40, att(0x1b, 0x12, '01'), true);
    const { events } = run([{ ...p, directionKnown: false }]);
    expect(events[0]!.dir).toBe('device-to-app');
  });
});

describe('connections', () => {
  it('opens connections from LE Connection Complete, closes them on Disconnection Complete, and treats a reused handle as new', () => {
    const packets = [
      leConnectionComplete(0x40, 'C8:47:8C:E8:82:09'),
      attAcl(0x40, att(0x52, 0x10, '01'), true),
      disconnectionComplete(0x40),
      leConnectionComplete(0x40, 'c8:47:8c:e8:82:09'),
      attAcl(0x40, att(0x52, 0x10, '02'), true),
      leConnectionComplete(0x41, '11:22:33:44:55:66', 0x3e), // failed attempt: no connection
      disconnectionComplete(0x40),
      attAcl(0x40, att(0x52, 0x10, '03'), true), // traffic without a connection event
    ];
    const { events, result } = run(packets);
    expect(events.map((e) => [e.conn, e.peer])).toEqual([
      [1, 'c8:47:8c:e8:82:09'],
      [2, 'c8:47:8c:e8:82:09'],
      [3, null],
    ]);
    expect(result.connections.map((c) => [c.conn, c.link, c.firstRecord, c.lastRecord])).toEqual([
      [1, 0x40, 1, 3],
      [2, 0x40, 4, 7],
      [3, 0x40, 8, 8],
    ]);
  });

  it('finds app restarts in ACL-only captures: a second MTU request, or GATT starting over after the app wrote data', () => {
    const discover = att(0x10, null, '0100ffff0028');
    const packets = [
      attAcl(0x02, att(0x1b, 0x11, '00'), false), // device notifies before the app says anything
      attAcl(0x02, discover, true), // same connection: the app had written nothing yet
      attAcl(0x02, att(0x02, null, 'f700'), true),
      attAcl(0x02, att(0x12, 0x12, '0100'), true), // CCCD-like write before discovery told us: data
      attAcl(0x02, att(0x1b, 0x11, '01'), false),
      attAcl(0x02, att(0x02, null, 'f700'), true), // restart 1 (second MTU request)
      attAcl(0x02, discover, true), // not a restart: nothing written since
      attAcl(0x02, att(0x52, 0x10, 'dd'), true),
      attAcl(0x02, discover, true), // restart 2
    ];
    const { result } = run(packets);
    expect(result.connections.map((c) => [c.conn, c.firstRecord, c.lastRecord])).toEqual([
      [1, 1, 5],
      [2, 6, 8],
      [3, 9, 9],
    ]);
  });

  it('does not count a CCCD write (known from discovery) as data', () => {
    const packets = [
      attAcl(0x02, att(0x04, null, '0100ffff'), true),
      attAcl(0x02, hex('05 01 1300 0229'), false), // handle 0x13 is a CCCD
      attAcl(0x02, att(0x12, 0x13, '0100'), true),
      attAcl(0x02, att(0x02, null, 'f700'), true), // first MTU request, after subscribing: same connection
    ];
    expect(run(packets).result.connections).toHaveLength(1);
  });

  it('does not guess restarts on links opened by a connection event', () => {
    const packets = [leConnectionComplete(0x40, '00:11:22:33:44:55'), attAcl(0x40, att(0x52, 0x10, '01'), true), attAcl(0x40, att(0x02, null, 'f700'), true), attAcl(0x40, att(0x02, null, 'f700'), true)];
    expect(run(packets).result.connections).toHaveLength(1);
  });

  it('reads peers from LE Enhanced Connection Complete and classic Connection Complete (ACL links only), names from Remote Name and Device Name reads', () => {
    const enhanced = hciEvent(0x3e, [0x0a, 0, 0x41, 0x00, 0x00, 0x01, ...addr('d0:11:22:33:44:55'), ...Array(12).fill(0), 24, 0, 0, 0, 72, 0, 0]);
    const sco = hciEvent(0x03, [0, 0x06, 0x00, ...addr('00:18:6b:64:bc:a5'), 0x00, 0x00]);
    const classic = hciEvent(0x03, [0, 0x02, 0x00, ...addr('00:18:6b:64:bc:a5'), 0x01, 0x00]);
    const remoteName = hciEvent(0x07, [0, ...addr('00:18:6b:64:bc:a5'), ...Buffer.from('LG HBS730\0')]);
    const packets = [
      enhanced,
      attAcl(0x41, att(0x08, null, '0100ffff0328'), true),
      attAcl(0x41, hex('09 07 0200 02 0300 002a'), false), // declaration: value handle 0x0003 is the Device Name
      attAcl(0x41, att(0x0a, 0x0003), true),
      attAcl(0x41, att(0x0b, null, Uint8Array.from(Buffer.from('BMS-1'))), false),
      sco,
      classic,
      remoteName,
    ];
    const { result } = run(packets);
    expect(result.connections.map((c) => [c.link, c.peer, c.name])).toEqual([
      [0x41, 'd0:11:22:33:44:55', 'BMS-1'],
      [0x02, '00:18:6b:64:bc:a5', 'LG HBS730'],
    ]);
    expect(result.counts.hciEvents).toBe(4);
  });

  it('names devices from advertising reports and GAP Device Name reads', () => {
    const name = [...Buffer.from('JK-B2A24S')];
    const adv = { code: 0x3e, params: [0x02, 1, 0x00, 0x00, ...[0x09, 0x82, 0xe8, 0x8c, 0x47, 0xc8], name.length + 2, name.length + 1, 0x09, ...name, 0xc0] };
    const { result } = run([
      { kind: 'hci', type: 4, sent: false, data: Uint8Array.from([adv.code, adv.params.length, ...adv.params]), record: 1, t: null },
      leConnectionComplete(0x40, 'c8:47:8c:e8:82:09'),
      attAcl(0x41, att(0x08, null, '0100ffff002a'), true),
      attAcl(0x41, hex('09 06 0300 4d793132'), false),
    ]);
    expect(result.connections.map((c) => [c.link, c.peer, c.name])).toEqual([
      [0x40, 'c8:47:8c:e8:82:09', 'JK-B2A24S'],
      [0x41, null, 'My12'],
    ]);
  });
});

describe('GATT discovery', () => {
  it('maps handles to service and characteristic UUIDs with properties', () => {
    const packets = [
      attAcl(0x40, att(0x10, null, '0100ffff0028'), true),
      attAcl(0x40, hex('11 06 0100 0700 0018 1000 ffff e0ff'), false),
      attAcl(0x40, att(0x08, null, '1000ffff0328'), true),
      // 0x0011 declares value handle 0x0012 (notify|write-no-rsp|write = 0x1c) UUID ffe1
      attAcl(0x40, hex('09 07 1100 1c 1200 e1ff'), false),
      attAcl(0x40, att(0x08, null, '1300ffff0328'), true),
      // 128-bit characteristic (Nordic UART TX, notify) at 0x0015
      attAcl(0x40, Uint8Array.from([0x09, 21, 0x14, 0x00, 0x10, 0x15, 0x00, ...hex('9ecadc240ee5a9e093f3a3b50300406e')]), false),
      attAcl(0x40, att(0x04, null, '1300ffff'), true),
      attAcl(0x40, hex('05 01 1300 0229'), false),
      attAcl(0x40, att(0x1b, 0x12, 'dd03'), false),
      attAcl(0x40, att(0x1b, 0x15, '01'), false),
      attAcl(0x40, att(0x12, 0x13, '0100'), true),
    ];
    const { events, result } = run(packets);
    expect(events.map((e) => e.uuid)).toEqual(['ffe1', '6e400003-b5a3-f393-e0a9-e50e24dcca9e', '2902']);
    const h12 = result.handles.find((h) => h.handle === 0x12)!;
    expect(h12).toMatchObject({ conn: 1, service: 'ffe0', uuid: 'ffe1', properties: ['writeWithoutResponse', 'write', 'notify'], counts: { 'Handle Value Notification': 1 } });
    expect(result.handles.find((h) => h.handle === 0x13)).toMatchObject({ uuid: '2902', service: 'ffe0', counts: { 'Write Request': 1 } });
  });

  it('learns service ranges from Find By Type Value (iOS style)', () => {
    const packets = [attAcl(0x40, hex('06 0100 ffff 0028 f0ff'), true), attAcl(0x40, hex('07 2000 2600'), false), attAcl(0x40, att(0x1b, 0x22, '01'), false)];
    expect(run(packets).result.handles[0]).toMatchObject({ handle: 0x22, service: 'fff0' });
  });
});

describe('pieces', () => {
  it('L2capReassembler returns whole frames as views and joins fragments', () => {
    const r = new L2capReassembler();
    const whole = l2cap(4, hex('1b120001'));
    expect(r.push(1, true, whole, 0, whole.length)).toBe(whole);
    expect(r.push(2, true, whole, 0, 5)).toBeNull();
    expect(Buffer.from(r.push(2, false, whole, 5, whole.length)!).equals(Buffer.from(whole))).toBe(true);
    expect(r.pending).toBe(0);
  });

  it('attSender tells client from server opcodes', () => {
    expect([0x02, 0x0a, 0x12, 0x52, 0xd2, 0x16, 0x18, 0x1e].map(attSender)).toEqual(Array(8).fill('client'));
    expect([0x01, 0x03, 0x0b, 0x13, 0x1b, 0x1d, 0x23, 0x21].map(attSender)).toEqual(Array(8).fill('server'));
  });
});
