import { beforeEach, describe, expect, it } from 'vitest';
import { ADVERTISING_ACCESS_ADDRESS } from '../src/hci/ll.js';
import { addr, att, hex, l2cap, llData, llPacket, resetRecords, run, valueHex } from './hci-helpers.js';

beforeEach(() => resetRecords());

const AA = 0xaf9a84a1;
const aaBytes = [AA & 0xff, (AA >>> 8) & 0xff, (AA >>> 16) & 0xff, AA >>> 24];

function connectInd(peer: string): Uint8Array {
  const payload = [...addr('11:22:33:44:55:66'), ...addr(peer), ...aaBytes, 0x55, 0x55, 0x55, 2, 0x0a, 0, 0x18, 0, 0, 0, 0x48, 0, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x25];
  return Uint8Array.from([0x05 | 0x40, payload.length, ...payload]);
}

function advInd(peer: string, name: string): Uint8Array {
  const n = [...Buffer.from(name)];
  const payload = [...addr(peer), 2, 0x01, 0x06, n.length + 1, 0x09, ...n];
  return Uint8Array.from([0x00, payload.length, ...payload]);
}

const control = (op: number, params: string): Uint8Array => llData(0b11, Uint8Array.from([op, ...hex(params)]));

describe('air captures (link layer)', () => {
  it('opens a connection from CONNECT_IND, names it from advertising, and decodes unencrypted ATT', () => {
    const { events, result } = run([
      llPacket(ADVERTISING_ACCESS_ADDRESS, advInd('c0:48:ff:f5:9d:b8', 'Nordic_LBS'), null),
      llPacket(ADVERTISING_ACCESS_ADDRESS, connectInd('c0:48:ff:f5:9d:b8'), null),
      llPacket(AA, llData(0b10, l2cap(4, att(0x12, 0x15, '01'))), 'app-to-device'),
      llPacket(AA, llData(0b01, new Uint8Array(), 1), 'device-to-app'), // empty PDU
      llPacket(AA, llData(0b10, l2cap(4, att(0x13, null))), 'device-to-app'),
    ]);
    expect(events.map((e) => [e.record, e.conn, e.peer, e.dir, e.op, e.handle, valueHex(e)])).toEqual([[3, 1, 'c0:48:ff:f5:9d:b8', 'app-to-device', 'Write Request', 0x15, '01']]);
    expect(result.connections[0]).toMatchObject({ conn: 1, link: AA, peer: 'c0:48:ff:f5:9d:b8', name: 'Nordic_LBS', firstRecord: 2 });
    expect(result.counts.otherChannels['LL advertising']).toBe(2);
  });

  it('reassembles LL start/continuation PDUs per direction and drops retransmissions', () => {
    const frame = l2cap(4, att(0x1b, 0x12, '0102030405060708090a0b0c0d0e0f101112131415161718191a'));
    const first = llData(0b10, frame.subarray(0, 27), 0);
    const { events } = run([
      llPacket(AA, first, 'device-to-app'),
      llPacket(AA, first, 'device-to-app'), // not acknowledged: sent again with the same SN
      llPacket(AA, llData(0b10, l2cap(4, att(0x52, 0x10, 'aa')), 0), 'app-to-device'),
      llPacket(AA, llData(0b01, frame.subarray(27), 1), 'device-to-app'),
    ]);
    expect(events.map((e) => [e.record, e.opcode, valueHex(e)])).toEqual([
      [3, 0x52, 'aa'],
      [4, 0x1b, '0102030405060708090a0b0c0d0e0f101112131415161718191a'],
    ]);
  });

  it('counts PDUs after the encryption handshake as encrypted and never decodes them', () => {
    const garbage = llData(0b10, hex('0700040052150001deadbeef'));
    const { events, result } = run([
      llPacket(AA, llData(0b10, l2cap(4, att(0x1b, 0x12, '06')), 0), 'device-to-app'),
      llPacket(AA, control(0x03, '00'.repeat(22)), 'app-to-device'), // LL_ENC_REQ
      llPacket(AA, control(0x04, '00'.repeat(12)), 'device-to-app'), // LL_ENC_RSP (clear)
      llPacket(AA, control(0x05, ''), 'device-to-app'), // LL_START_ENC_REQ (clear)
      llPacket(AA, garbage, 'app-to-device'),
      llPacket(AA, llData(0b10, hex('0700040052150001deadbe01'), 1), 'device-to-app'),
    ]);
    expect(events.map(valueHex)).toEqual(['06']);
    expect(result.counts.encrypted).toBe(2);
    expect(result.counts.otherChannels['LL control']).toBe(3);
    expect(result.warnings.join(' ')).toMatch(/2 link-layer PDUs are encrypted/);
  });

  it('keeps decoding when the encryption request is rejected', () => {
    const { events } = run([
      llPacket(AA, control(0x03, '00'.repeat(22)), 'app-to-device'),
      llPacket(AA, control(0x0d, '06'), 'device-to-app'), // LL_REJECT_IND
      llPacket(AA, llData(0b10, l2cap(4, att(0x1b, 0x12, '07')), 1), 'device-to-app'),
    ]);
    expect(events.map(valueHex)).toEqual(['07']);
  });

  it('decodes PDUs that the sniffer decrypted (MIC removed) and skips those it flags encrypted or with a bad CRC', () => {
    const decrypted = l2cap(4, att(0x1b, 0x12, '08'));
    const pdu = Uint8Array.from([0b10, decrypted.length + 4, ...decrypted]); // length byte still counts the MIC
    const { events, result } = run([
      llPacket(AA, control(0x03, '00'.repeat(22)), 'app-to-device'),
      llPacket(AA, control(0x05, ''), 'device-to-app'),
      llPacket(AA, pdu, 'device-to-app'),
      llPacket(AA, llData(0b10, l2cap(4, att(0x1b, 0x12, '09')), 1), 'device-to-app', { encrypted: true }),
      llPacket(AA, llData(0b10, l2cap(4, att(0x1b, 0x12, '0a')), 0), 'device-to-app', { crcOk: false }),
    ]);
    expect(events.map(valueHex)).toEqual(['08']);
    expect(result.counts).toMatchObject({ encrypted: 1, badCrc: 1 });
  });

  it('infers the direction from the ATT opcode when the sniffer does not give it', () => {
    const { events, result } = run([
      llPacket(AA, llData(0b10, l2cap(4, att(0x1b, 0x12, '01'))), null),
      llPacket(AA, llData(0b10, l2cap(4, att(0x52, 0x10, '02'))), null),
    ]);
    expect(events.map((e) => e.dir)).toEqual(['device-to-app', 'app-to-device']);
    expect(result.connections[0]).toMatchObject({ peer: null, link: AA });
  });
});
