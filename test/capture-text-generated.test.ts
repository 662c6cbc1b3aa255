// Text captures generated here, one per variant the corpus does not cover: CRLF line ends, xxd and
// hexdump -C dumps, every direction marker and separator, garbage lines, cut values, absolute
// clocks, files read in tiny chunks, and text that is no capture at all.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../src/errors.js';
import { detectFormat, readCaptureBuffer, readCaptureFile } from '../src/capture/read.js';
import { TEXT_FORMATS } from '../src/capture/text-formats.js';
import { hexLinesText } from '../src/capture/text-hexlines.js';
import type { AttPacket, HciPacket, Packet } from '../src/model.js';

const dir = mkdtempSync(join(tmpdir(), 'bms-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const crlf = (s: string): string => s.replace(/\n/g, '\r\n');

function read(text: string): { packets: Packet[]; format: string; damage: CaptureError | null; records: number } {
  const packets: Packet[] = [];
  const info = readCaptureBuffer(Buffer.from(text, 'utf8'), (p) => packets.push(p), 'generated.txt');
  return { packets, format: info.format, damage: info.damage, records: info.records };
}

async function readChunked(text: string, chunkSize: number): Promise<Packet[]> {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(path, text);
  const packets: Packet[] = [];
  const info = await readCaptureFile(path, (p) => packets.push(p), { chunkSize });
  expect(info.damage).toBeNull();
  return packets;
}

const digest = (ps: Packet[]): string[] =>
  ps.map((p) => JSON.stringify({ ...p, pdu: 'pdu' in p ? hex(p.pdu) : undefined, data: 'data' in p ? hex(p.data) : undefined }));

/** A small deterministic generator (xorshift) so that failures reproduce. */
function bytesOf(seed: number, n: number): Buffer {
  let x = seed >>> 0 || 1;
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const ascii = (b: Buffer): string => [...b].map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');
const h2 = (b: number): string => b.toString(16).padStart(2, '0');

function wiresharkDump(b: Buffer): string {
  const out: string[] = [];
  for (let o = 0; o < b.length; o += 16) {
    const row = b.subarray(o, o + 16);
    out.push(`${o.toString(16).padStart(4, '0')}   ${[...row].map(h2).join(' ').padEnd(47)}   ${ascii(row)}`);
  }
  return out.join('\n');
}

function xxd(b: Buffer): string {
  const out: string[] = [];
  for (let o = 0; o < b.length; o += 16) {
    const row = b.subarray(o, o + 16);
    const groups: string[] = [];
    for (let i = 0; i < row.length; i += 2) groups.push([...row.subarray(i, i + 2)].map(h2).join(''));
    out.push(`${o.toString(16).padStart(8, '0')}: ${groups.join(' ').padEnd(39)}  ${ascii(row)}`);
  }
  return out.join('\n');
}

function hexdumpC(b: Buffer): string {
  const out: string[] = [];
  for (let o = 0; o < b.length; o += 16) {
    const row = b.subarray(o, o + 16);
    const left = [...row.subarray(0, 8)].map(h2).join(' ');
    const right = [...row.subarray(8)].map(h2).join(' ');
    out.push(`${o.toString(16).padStart(8, '0')}  ${`${left}  ${right}`.padEnd(48)}  |${ascii(row)}|`);
  }
  out.push(b.length.toString(16).padStart(8, '0'));
  return out.join('\n');
}

describe('PacketLogger text export (generated)', () => {
  const text = crlf(
    [
      'Capture of a test device',
      'Jan 04 08:02:40.920  ATT Send         0x0405  00:00:00:00:00:00  Write Request - Handle:0x000E - Value: 6530 3536 6236…  ',
      'Jan 04 08:02:40.920  L2CAP Send       0x0405  00:00:00:00:00:00  Channel ID: 0x0004  Length: 0x000A (10) [ 12 0E 00 65 30 35 36 62 36 30 ]  ',
      '\tWrite Request - Handle:0x000E - Value: 6530 3536 6236…',
      '\tOpcode: 0x12',
      'Jan 04 08:02:41.000  L2CAP Receive    0x0405  Hue lightstrip pl  Channel ID: 0x0004  Length: 0x0009 (09) [ 1B 0D 00 FE EF C0 A2 D0 05 ]  ',
      'Jan 04 08:02:41.000  ATT Receive      0x0405  Hue lightstrip pl  Handle Value Notification - Handle:0x000D - Value: FEEF C0A2…  ',
      'Jan 04 08:02:41.100  ATT Send         0x0405  Hue lightstrip pl  Read Request - Handle:0x0003  ',
      'Jan 04 08:02:41.150  ATT Receive      0x0405  Hue lightstrip pl  Read Response - Value: 4142  ',
      'this line is garbage: ATT Send something',
      'Jan 04 08:02:41.200  ATT Receive      0x0405  Hue lightstrip pl  Exchange MTU Response - MTU: 64  ',
      'Jan 04 08:02:41.300  ATT Send         0x0405  Hue lightstrip pl  Write Command - Handle:0x0020 - Value: 0102 03…  ',
      'Jan 04 08:02:41.400  ATT Receive      0x0405  AA:BB:CC:DD:EE:01  Handle Value Indication - Handle:0x0026 - 2A05 - Value: 0100 FFFF  ',
      'Jan 04 08:02:41.500  ATT Receive      0x0405  AA:BB:CC:DD:EE:01  Handle Value Notification - Handle:0x0012 - Value: 01  ',
    ].join('\n'),
  );

  it('is detected by content and yields the ATT PDUs, taking cut values from the L2CAP line', () => {
    const { packets, format, damage } = read(text);
    expect(format).toBe('packetlogger-text');
    expect(damage).toBeNull();
    const ps = packets as AttPacket[];
    expect(ps.map((p) => [p.record, p.dir, hex(p.pdu), p.peer, p.uuid])).toEqual([
      [2, 'app-to-device', '120e0065303536623630', null, null],
      [7, 'device-to-app', '1b0d00feefc0a2d005', null, null],
      [8, 'app-to-device', '0a0300', null, null],
      [9, 'device-to-app', '0b4142', null, null],
      // the cut Write Command has no L2CAP line to complete it: dropped, not guessed
      [13, 'device-to-app', '1d26000100ffff', 'aa:bb:cc:dd:ee:01', '2a05'],
      [14, 'device-to-app', '1b120001', 'aa:bb:cc:dd:ee:01', null],
    ]);
  });

  it('places the year so that no packet is in the future, and moves on at New Year', () => {
    const late = [
      'Dec 31 23:59:59.900  ATT Receive      0x0040  00:00:00:00:00:00  Handle Value Notification - Handle:0x0012 - Value: 01  ',
      'Jan 01 00:00:00.100  ATT Receive      0x0040  00:00:00:00:00:00  Handle Value Notification - Handle:0x0012 - Value: 02  ',
    ].join('\n');
    const [a, b] = read(late).packets;
    expect(b.t! - a.t!).toBe(200_000);
    expect(a.t!).toBeLessThanOrEqual(Date.now() * 1000);
    expect(new Date(a.t! / 1000).toISOString().slice(4)).toBe('-12-31T23:59:59.900Z');
    const [early] = read(text).packets;
    expect(early.t!).toBeLessThanOrEqual(Date.now() * 1000);
    expect(new Date(early.t! / 1000).toISOString().slice(4)).toBe('-01-04T08:02:40.920Z');
  });

  it('counts lines it could not use and reads the same in 7-byte chunks', async () => {
    const parser = TEXT_FORMATS[0].open(Buffer.from(text)).parser as { skippedLines: number; truncated: number } & ReturnType<(typeof TEXT_FORMATS)[0]['open']>['parser'];
    parser.parse(Buffer.from(text), 0, () => undefined, true, 0);
    expect(parser.skippedLines).toBe(3); // the title, the garbage line, the MTU response
    expect(parser.truncated).toBe(1);
    expect(digest(await readChunked(text, 7))).toEqual(digest(read(text).packets));
  });
});

describe('Wireshark plain-text export (generated)', () => {
  const header = 'No.     Time                          Source                Destination           Protocol Length Info';
  const text = crlf(
    [
      header,
      '      1 2024-03-05 10:20:30.123456    host                  controller            HCI_CMD  7 Sent LE Set Scan Enable',
      '',
      'Frame 1: 7 bytes on wire (56 bits), 7 bytes captured (56 bits)',
      'Bluetooth HCI H4',
      '    [Direction: Sent (0x00)]',
      '',
      '0000  01 0c 20 02 01 00                                 .. ...',
      '',
      header,
      '      2 2024-03-05 10:20:30.223456    controller            host                  HCI_EVT  7 Rcvd Command Complete',
      '',
      '0000  04 0e 04 01 0c 20 00                              ..... .',
      '',
      header,
      '      3 2024-03-05 10:20:31.000000    remote_aa:bb          local                 ATT     16 Rcvd Handle Value Notification, Handle: 0x0012',
      '',
      'Frame 3: 16 bytes on wire',
      '    Epoch Time: 1709634031.500000000 seconds',
      '0000  02 40 20 0b 00 07 00 04 00 1b 12 00 41 42 61 62   .@ .........ABab',
      '',
      header,
      '      4 4.250000       remote                local                 ATT     8 Handle Value Notification (continued)',
      'Bluetooth HCI ACL Packet',
      'Frame (8 bytes):',
      '0000  02 40 10 03 00 63 64 65                           .@...cde',
      'Reassembled BTHCI ACL (14 bytes):',
      '0000  0a 00 04 00 1b 12 00 61 62 63 64 65 ff ff         .......abcde..',
    ].join('\n'),
  );

  it('reads frames with their numbers, clocks and directions; reassembled buffers are not frames', () => {
    const { packets, format, records } = read(text);
    expect(format).toBe('wireshark-text');
    const hs = packets as HciPacket[];
    expect(hs.map((p) => [p.record, p.type, p.sent, hex(p.data), p.directionKnown])).toEqual([
      [1, 1, true, '0c20020100', undefined],
      [2, 4, false, '0e04010c2000', undefined],
      [3, 2, false, '40200b00070004001b12004142616', undefined].map((v, i) => (i === 3 ? '40200b00070004001b120041426162' : v)),
      [4, 2, false, '40100300636465', false],
    ]);
    expect(hs[0].t).toBe(Date.UTC(2024, 2, 5, 10, 20, 30) * 1000 + 123456);
    expect(hs[1].t! - hs[0].t!).toBe(100_000);
    // The expanded Frame tree gives the epoch time; relative times give null.
    expect(hs[2].t).toBe(1709634031_500000);
    expect(hs[3].t).toBeNull();
    expect(records).toBe(4);
  });

  it('reads the same in 5-byte chunks', async () => {
    expect(digest(await readChunked(text, 5))).toEqual(digest(read(text).packets));
  });

  it('an export without summary lines starts each packet at its Frame line', () => {
    const noSummary = [
      'Frame 7: 14 bytes on wire (112 bits), 14 bytes captured (112 bits)',
      'Bluetooth HCI H4',
      '    [Direction: Rcvd (0x01)]',
      '',
      '0000  02 40 20 09 00 05 00 04 00 1b 12 00 01 02         .@ ...........',
      '',
      'Frame 8: 14 bytes on wire (112 bits), 14 bytes captured (112 bits)',
      'Bluetooth HCI H4',
      '    [Direction: Sent (0x00)]',
      '',
      '0000  02 40 00 09 00 05 00 04 00 52 10 00 03 04         .@.......R....',
      '',
    ].join('\n');
    const { packets, format } = read(noSummary);
    expect(format).toBe('wireshark-text');
    expect((packets as HciPacket[]).map((p) => [p.record, p.sent, hex(p.data)])).toEqual([
      [7, false, '40200900050004001b12000102'],
      [8, true, '40000900050004005210000304'],
    ]);
  });

  it('HCI H1 frames (no type byte) take their type from the protocol tree', () => {
    const h1 = [
      header,
      '      1 0.000000     remote      local      ATT   11 Rcvd Handle Value Notification',
      '',
      'Frame 1: 13 bytes on wire',
      'Bluetooth HCI H1',
      'Bluetooth HCI ACL Packet',
      '',
      '0000  40 20 09 00 05 00 04 00 1b 12 00 01 02            @ ...........',
      '',
      header,
      '      2 0.100000     controller  host       HCI_EVT 5 Rcvd Command Complete',
      'Bluetooth HCI H1',
      'Bluetooth HCI Event',
      '0000  0e 03 01 03 0c                                    .....',
    ].join('\n');
    const hs = read(h1).packets as HciPacket[];
    expect(hs.map((p) => [p.record, p.type, p.sent, hex(p.data)])).toEqual([
      [1, 2, false, '40200900050004001b12000102'],
      [2, 4, false, '0e03010' + '30c'],
    ]);
  });

  it('an export without packet bytes is reported, with what to do', () => {
    const bare = [header, '      1 0.000000     host   controller   HCI_CMD 4 Sent Reset', '', 'Frame 1: 4 bytes on wire', ''].join('\n');
    const { packets, format, damage } = read(bare);
    expect(format).toBe('wireshark-text');
    expect(packets).toEqual([]);
    expect(damage).toBeInstanceOf(CaptureError);
    expect(damage!.message).toMatch(/no packet bytes.*Packet Bytes/);
  });
});

describe('hex dumps (generated)', () => {
  // Messages chosen to trip a naive parser: printable bytes ("ab", "cafe") fill the ASCII column.
  const messages = [
    Buffer.from('aa0203008a0d00000000000021052045e803ff0b3a', 'hex'),
    Buffer.from('6162', 'hex'),
    Buffer.concat([Buffer.from('cafe', 'ascii'), bytesOf(7, 60)]),
    bytesOf(11, 16),
    bytesOf(13, 200),
  ];
  const layouts: Array<[string, (b: Buffer) => string]> = [
    ['Wireshark', wiresharkDump],
    ['xxd', xxd],
    ['hexdump -C', hexdumpC],
  ];

  it.each(layouts)('%s dumps: one message per dump, ASCII column ignored, CRLF or LF, any chunking', async (_name, dump) => {
    // Separated by a blank line, by a comment, and directly by an offset restarting at 0.
    const text = [
      '# captured values',
      dump(messages[0]),
      '',
      dump(messages[1]),
      'next one:',
      dump(messages[2]),
      dump(messages[3]),
      '',
      '0030   00 01 02 03',
      '0040   04',
      '',
      dump(messages[4]),
    ].join('\n');
    for (const t of [text, crlf(text)]) {
      const { packets, format } = read(t);
      expect(format).toBe('hexdump-text');
      const ps = packets as AttPacket[];
      expect(ps.map((p) => hex(p.pdu))).toEqual(messages.map((m) => '1b0000' + hex(m)));
      expect(ps.every((p) => p.dir === 'device-to-app' && p.kind === 'att')).toBe(true);
      expect(digest(await readChunked(t, 13))).toEqual(digest(packets));
    }
  });

  it('a dumped H4 ACL packet carrying ATT becomes an HCI packet with its direction from the opcode', () => {
    const write = Buffer.from('02400008000400040052' + '2a0001', 'hex');
    const notify = Buffer.from('02400009000500040' + '01b2c000102', 'hex');
    const { packets } = read(`${xxd(write)}\n\n${wiresharkDump(notify)}\n`);
    const hs = packets as HciPacket[];
    expect(hs.map((p) => [p.kind, p.type, p.sent, hex(p.data), p.directionKnown])).toEqual([
      ['hci', 2, true, hex(write.subarray(1)), false],
      ['hci', 2, false, hex(notify.subarray(1)), false],
    ]);
  });
});

describe('nRF Connect log (generated)', () => {
  const nus = '6e400002-b5a3-f393-e0a9-e50e24dcca9e';
  const body = [
    `V\t23:59:58.000\tConnecting to AA:BB:CC:DD:EE:FF...`,
    `V\t23:59:59.000\tWriting command to characteristic ${nus.toUpperCase()}`,
    `I\t23:59:59.500\tData written to ${nus.toUpperCase()}, value: (0x) 01-02`,
    `V\t23:59:59.600\tWriting request to characteristic ${nus}`,
    `I\t23:59:59.700\tData written to ${nus}, value: (0x) 03`,
    'some garbage pasted in',
    `I\t00:00:00.100\tIndication received from 00002a05-0000-1000-8000-00805f9b34fb, value: (0x) 01-00-FF-FF`,
    `I\t00:00:00.200\tNotification received from 6e400003-b5a3-f393-e0a9-e50e24dcca9e, value: (0x) AA`,
    `A\t00:00:00.200\t"(0x) AA" received`,
  ];

  it('writes by write type, indications, UUIDs lowercase (16-bit for the base UUID), clock past midnight', () => {
    const { packets, format } = read(crlf(['nRF Connect, 2024-12-31', 'Dev (AA:BB:CC:DD:EE:FF)', ...body].join('\n')));
    expect(format).toBe('nrfconnect-text');
    const ps = packets as AttPacket[];
    expect(ps.map((p) => [p.record, p.dir, hex(p.pdu), p.uuid, p.peer])).toEqual([
      [5, 'app-to-device', '5200000102', nus, 'aa:bb:cc:dd:ee:ff'],
      [7, 'app-to-device', '12000003', nus, 'aa:bb:cc:dd:ee:ff'],
      [9, 'device-to-app', '1d00000100ffff', '2a05', 'aa:bb:cc:dd:ee:ff'],
      [10, 'device-to-app', '1b0000aa', '6e400003-b5a3-f393-e0a9-e50e24dcca9e', 'aa:bb:cc:dd:ee:ff'],
    ]);
    expect(new Date(ps[0].t! / 1000).toISOString()).toBe('2024-12-31T23:59:59.500Z');
    expect(new Date(ps[2].t! / 1000).toISOString()).toBe('2025-01-01T00:00:00.100Z');
  });

  it('without the dated header the clock is null', () => {
    const { packets, format } = read(body.join('\n'));
    expect(format).toBe('nrfconnect-text');
    expect(packets.length).toBe(4);
    expect(packets.every((p) => p.t === null)).toBe(true);
  });
});

describe('plain hex lines (generated)', () => {
  const text = [
    '# request/response log',
    '> 01 02 03',
    '< 04:05:06',
    '-> 0708',
    '<- 0x09 0x0a',
    '>>> 0b-0c   # trailing comment',
    '<<< 0d,0e',
    '2024-05-01 12:00:00.250 > 0f10',
    '[2024-05-01T12:00:01.000] 1112',
    '+ 0.465628 <- 3335',
    'garbage here',
    '',
    '02 40 00 09 00 05 00 04 00 1b 2a 00 ff ff',
    'd2030414030600eeae',
  ].join('\n');

  it('every marker and separator; comments ignored; garbage counted; an unmarked H4 line is HCI', () => {
    const { packets, format } = read(crlf(text));
    expect(format).toBe('hexlines-text');
    const rows = packets.map((p) => (p.kind === 'att' ? [p.record, p.dir, hex(p.pdu)] : [p.record, p.kind, hex((p as HciPacket).data)]));
    expect(rows).toEqual([
      [2, 'app-to-device', '520000010203'],
      [3, 'device-to-app', '1b0000040506'],
      [4, 'app-to-device', '5200000708'],
      [5, 'device-to-app', '1b0000090a'],
      [6, 'app-to-device', '5200000b0c'],
      [7, 'device-to-app', '1b00000d0e'],
      [8, 'app-to-device', '5200000f10'],
      [9, 'device-to-app', '1b00001112'],
      [10, 'device-to-app', '1b00003335'],
      [13, 'hci', '400009000500040' + '01b2a00ffff'],
      [14, 'device-to-app', '1b0000d2030414030600eeae'],
    ]);
    expect(packets[6].t).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 250) * 1000);
    expect(packets[7].t).toBe(Date.UTC(2024, 4, 1, 12, 0, 1) * 1000);
    expect(packets[8].t).toBeNull();
    const parser = hexLinesText.open(Buffer.from(text)).parser as { skippedLines: number } & ReturnType<typeof hexLinesText.open>['parser'];
    parser.parse(Buffer.from(text), 0, () => undefined, true, 0);
    expect(parser.skippedLines).toBe(1);
  });

  it('a marker after bytes is not a direction: the line is not a message', () => {
    const parser = hexLinesText.open(Buffer.alloc(0)).parser as { skippedLines: number } & ReturnType<typeof hexLinesText.open>['parser'];
    const got: Packet[] = [];
    parser.parse(Buffer.from('01 02 03 > 04\n12:00:01.5 < 05\n'), 0, (p) => got.push(p), true, 0);
    expect(got.map((p) => hex((p as AttPacket).pdu))).toEqual(['1b000005']);
    expect(parser.skippedLines).toBe(1);
  });

  it('leaves an incomplete last line for the next call, and reads it when told the input ended', () => {
    const buf = Buffer.from('> 01\r\n< 02');
    const { parser } = hexLinesText.open(buf);
    const got: Packet[] = [];
    expect(parser.parse(buf, 0, (p) => got.push(p), false, 0)).toBe(6);
    expect(got.length).toBe(1);
    expect(parser.parse(buf, 6, (p) => got.push(p), true, 0)).toBe(buf.length);
    expect(got.map((p) => hex((p as AttPacket).pdu))).toEqual(['52000001', '1b000002']);
  });

  it('streams a large file in small chunks with the same result as one buffer', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) lines.push(`${i % 3 === 0 ? '>' : '<'} ${bytesOf(i + 1, 20 + (i % 40)).toString('hex').replace(/(..)(?!$)/g, '$1:')}`);
    const text = lines.join('\n');
    const whole = read(text).packets;
    expect(whole.length).toBe(40_000);
    expect(digest(await readChunked(text, 4093))).toEqual(digest(whole));
  });
});

describe('text that is not a capture', () => {
  it('prose and random bytes are no text format; a binary head is never claimed', () => {
    const prose = Buffer.from('# Notes\n\nThe BMS answers every second.\nNothing to decode here.\n');
    expect(TEXT_FORMATS.filter((f) => f.probe(prose))).toEqual([]);
    expect(() => detectFormat(prose)).toThrow(CaptureError);
    const high = Buffer.from([...bytesOf(5, 4096)].map((b) => 0x80 | b));
    expect(TEXT_FORMATS.filter((f) => f.probe(high))).toEqual([]);
    // Text lines after a binary prefix: the NUL bytes make it binary.
    const mixed = Buffer.concat([Buffer.from('btsnoop\0\0\0\0\x01\0\0\x03\xea'), Buffer.from('\n> 01 02\n< 03 04\n')]);
    expect(TEXT_FORMATS.filter((f) => f.probe(mixed))).toEqual([]);
  });

  it('a mostly-prose file with a few hex-looking lines is not a hex lines capture', () => {
    const text = Buffer.from('Results\nface\nThe values below were seen.\nSee the table in the README.\nThanks\n');
    expect(hexLinesText.probe(text)).toBe(false);
  });
});
