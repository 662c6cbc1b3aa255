// The text files of the shared corpus: each is recognised as its format by content and yields the
// ATT traffic its author shows, the same however the file is chunked.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, readCaptureBuffer, readCaptureFile } from '../src/capture/read.js';
import { TEXT_FORMATS } from '../src/capture/text-formats.js';
import { extractAttFromFile } from '../src/hci/extract-file.js';
import type { AttPacket, HciPacket, Packet } from '../src/model.js';
import { CORPUS, corpusFile, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';

const TEXT_FILES: Array<[string, string]> = [
  ['daly_dsg_onoff.packetlogger.txt', 'packetlogger-text'],
  ['novax_escooter_OnlyLocking.wireshark.txt', 'wireshark-text'],
  ['ecoflow_delta2_labelled_hexdumps.txt', 'hexdump-text'],
  ['smartbottle_M1_nrfconnect_EXCERPT.txt', 'nrfconnect-text'],
  ['lumentree_inverter.annotated.txt', 'hexlines-text'],
  ['meritsun_12v100ah_notify_hexlog_15ms.txt', 'hexlines-text'],
];

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const atts = (ps: Packet[]): AttPacket[] => ps.filter((p): p is AttPacket => p.kind === 'att');
/** ATT opcode, handle (for the PDUs that have one) and value of an AttPacket. */
function att(p: AttPacket): { opcode: number; handle: number; value: string } {
  const op = p.pdu[0];
  const withHandle = [0x12, 0x1b, 0x1d, 0x52].includes(op);
  return { opcode: op, handle: withHandle ? p.pdu[1] | (p.pdu[2] << 8) : -1, value: hex(p.pdu.subarray(withHandle ? 3 : 1)) };
}

function readAll(name: string): { packets: Packet[]; info: ReturnType<typeof readCaptureBuffer> } {
  const packets: Packet[] = [];
  const info = readCaptureBuffer(readFileSync(corpusFile(name)), (p) => packets.push(p), name);
  return { packets, info };
}

function linesOf(name: string): string[] {
  return readFileSync(corpusFile(name), 'utf8').split('\n');
}

describe.skipIf(!HAVE_CORPUS)('text captures of the corpus', () => {
  it.each(TEXT_FILES)('%s is read as %s, the same in small chunks as in one piece', async (name, id) => {
    const buf = readFileSync(corpusFile(name));
    expect(detectFormat(buf.subarray(0, 65536)).id).toBe(id);
    const whole: Packet[] = [];
    const info = readCaptureBuffer(buf, (p) => whole.push(p), name);
    expect(info.damage).toBeNull();
    expect(whole.length).toBeGreaterThan(0);
    const chunked: Packet[] = [];
    const info2 = await readCaptureFile(corpusFile(name), (p) => chunked.push(p), { chunkSize: 97 });
    expect(info2.damage).toBeNull();
    expect(info2.format).toBe(id);
    const digest = (ps: Packet[]): string[] => ps.map((p) => JSON.stringify({ ...p, pdu: 'pdu' in p ? hex(p.pdu) : undefined, data: 'data' in p ? hex(p.data) : undefined }));
    expect(digest(chunked)).toEqual(digest(whole));
  });

  it('no text probe claims a binary capture of the corpus', () => {
    const binaries = readdirSync(CORPUS).filter((f) => !f.endsWith('.txt') && !f.endsWith('.md') && f !== 'expected');
    expect(binaries.length).toBeGreaterThan(20);
    for (const f of binaries) {
      const head = readFileSync(corpusFile(f)).subarray(0, 65536);
      expect(TEXT_FORMATS.filter((t) => t.probe(head)).map((t) => t.id), f).toEqual([]);
    }
  });

  it('PacketLogger text: the DSG writes on 0x0010 (FFF2) and their echoes on 0x0012', () => {
    const { packets, info } = readAll('daly_dsg_onoff.packetlogger.txt');
    const lines = linesOf('daly_dsg_onoff.packetlogger.txt');
    const ps = atts(packets);
    expect(ps.length).toBe(lines.filter((l) => / ATT (Send|Receive) /.test(l)).length);
    const writes = ps.filter((p) => p.dir === 'app-to-device');
    expect(writes.map(att)).toEqual([
      { opcode: 0x52, handle: 0x0010, value: 'd20600a60001bb8a' },
      { opcode: 0x52, handle: 0x0010, value: 'd20600a600007a4a' },
    ]);
    expect(writes.every((p) => p.uuid === 'fff2' && p.peer === '46:64:01:02:04:8e')).toBe(true);
    const notes = ps.filter((p) => p.dir === 'device-to-app');
    expect(notes.every((p) => att(p).opcode === 0x1b && att(p).handle === 0x0012)).toBe(true);
    expect(notes.map((p) => att(p).value)).toContain('d2030414030600eeae');
    // The all-zero address is "unknown".
    expect(notes.filter((p) => p.peer === null).length).toBe(3);
    // Records are line numbers: the record's line is the one that shows the packet.
    for (const p of ps) expect(lines[p.record - 1]).toContain(att(p).value.slice(0, 4).toUpperCase());
    const first = writes[0];
    const d = new Date(first.t! / 1000);
    expect([d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]).toEqual([10, 12, 13, 49, 7, 61]);
    expect(info.records).toBe(lines.length - (lines[lines.length - 1] === '' ? 1 : 0));
  });

  it('Wireshark text export: frame numbers, directions, and the AT+OKLFC lock write on handle 0x0010', async () => {
    const name = 'novax_escooter_OnlyLocking.wireshark.txt';
    const { packets, info } = readAll(name);
    const text = readFileSync(corpusFile(name), 'utf8');
    const frames = [...text.matchAll(/^No\.[^\n]*\n\s*(\d+) [^\n]* (Sent|Rcvd) /gm)].map((m) => [Number(m[1]), m[2] === 'Sent']);
    const hci = packets as HciPacket[];
    expect(hci.every((p) => p.kind === 'hci' && p.type === 2)).toBe(true);
    expect(hci.map((p) => [p.record, p.sent])).toEqual(frames);
    expect(info.records).toBe(frames[frames.length - 1][0]);
    // Frame 524 shows its own 8 bytes and a reassembled buffer: only the frame's bytes are the packet.
    expect(hex(hci.find((p) => p.record === 524)!.data)).toBe('02100300ff59fe');

    const { events } = await extractAttFromFile(corpusFile(name));
    const writes = events.filter((e) => e.opcode === 0x12 && e.handle === 0x0010);
    const ascii = writes.map((e) => Buffer.from(e.value).toString('latin1'));
    const lock = ascii.find((s) => s.startsWith('AT+OKLFC='));
    expect(lock).toBeDefined();
    expect(lock).toContain('OKAI_CAR,0,1,1,1,1,');
    expect(writes.find((e) => Buffer.from(e.value).toString('latin1') === lock)!.record).toBe(811);
    // The acknowledgement spans three ACL fragments; reassembled it names the lock state too.
    const acks = events.filter((e) => e.opcode === 0x1b).map((e) => Buffer.from(e.value).toString('latin1'));
    expect(acks.some((s) => s.startsWith('+ACK:OKLFC=0,1,1,1,1,'))).toBe(true);
  });

  it('hex dumps: every dump from offset 0 is one message starting aa 02; the H4 one is an HCI packet', async () => {
    const name = 'ecoflow_delta2_labelled_hexdumps.txt';
    const { packets } = readAll(name);
    const lines = linesOf(name);
    const starts = lines.map((l, i) => (/^0000 {3}/.test(l) ? i + 1 : 0)).filter((n) => n > 0);
    expect(packets.map((p) => p.record)).toEqual(starts);
    for (const p of atts(packets)) {
      expect(att(p).opcode).toBe(0x1b);
      expect(att(p).handle).toBe(0);
      expect(att(p).value.startsWith('aa02')).toBe(true);
    }
    const h4 = packets.filter((p): p is HciPacket => p.kind === 'hci');
    expect(h4.length).toBe(1);
    expect(h4[0].sent).toBe(true);
    const { events } = await extractAttFromFile(corpusFile(name));
    const usbOn = events.find((e) => e.record === h4[0].record)!;
    expect([usbOn.opcode, usbOn.handle, hex(usbOn.value)]).toEqual([0x52, 0x002a, 'aa020100a00d00000000000021022022011686']);
    // The 0x80-byte states frame (0000 … 0080) is read whole.
    expect(atts(packets).some((p) => p.pdu.length === 3 + 0x81)).toBe(true);
  });

  it('nRF Connect log: notifications by UUID, reads, the CCCD write, date from the header', () => {
    const name = 'smartbottle_M1_nrfconnect_EXCERPT.txt';
    const { packets } = readAll(name);
    const lines = linesOf(name);
    const ps = atts(packets);
    const notes = ps.filter((p) => p.pdu[0] === 0x1b);
    expect(notes.length).toBe(lines.filter((l) => l.includes('\tNotification received from')).length);
    expect(notes.every((p) => p.uuid === '2b10' && p.peer === 'dc:23:4d:de:ad:be')).toBe(true);
    expect(notes.map((p) => p.pdu[3])).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(hex(notes[0].pdu)).toBe('1b0000' + '00313a05273c3bdf880fbfb62c9a28e5479d932c');
    expect(new Date(notes[0].t! / 1000).toISOString()).toBe('2022-06-12T11:36:48.427Z');
    const reads = ps.filter((p) => p.pdu[0] === 0x0b);
    expect(reads.map((p) => [p.uuid, hex(p.pdu.subarray(1))])).toEqual([['2a00', ''], ['2a01', '0000']]);
    const cccd = ps.find((p) => p.dir === 'app-to-device')!;
    expect([cccd.uuid, hex(cccd.pdu)]).toEqual(['2902', '1200000100']);
  });

  it('annotated hex lines: >>> are writes to the device, <<< its answers', () => {
    const name = 'lumentree_inverter.annotated.txt';
    const { packets } = readAll(name);
    const lines = linesOf(name);
    const ps = atts(packets);
    expect(ps.length).toBe(packets.length);
    for (const p of ps) {
      const marker = lines[p.record - 1].slice(0, 3);
      expect(marker === '>>>' ? 'app-to-device' : marker === '<<<' ? 'device-to-app' : 'none').toBe(p.dir);
      expect(att(p).opcode).toBe(p.dir === 'app-to-device' ? 0x52 : 0x1b);
    }
    expect(ps.filter((p) => p.dir === 'app-to-device').length).toBe(lines.filter((l) => l.startsWith('>>>')).length);
    expect(ps.filter((p) => p.dir === 'device-to-app').length).toBe(lines.filter((l) => l.startsWith('<<<')).length);
    const values = ps.map((p) => att(p).value);
    expect(values).toContain('011000a6000102000' + '0be96');
    expect(values[0]).toBe('010300000' + '05f05f2');
  });

  it('Meritsun hex log: one notification per "+ seconds <- hex" line, relative time gives null', () => {
    const name = 'meritsun_12v100ah_notify_hexlog_15ms.txt';
    const { packets } = readAll(name);
    const lines = linesOf(name).filter((l) => l.trim() !== '');
    const ps = atts(packets);
    expect(ps.length).toBe(lines.length);
    ps.forEach((p, i) => {
      expect(p.dir).toBe('device-to-app');
      expect(p.t).toBeNull();
      expect(att(p).value).toBe(lines[i].split('<- ')[1].trim());
    });
  });
});

describe.skipIf(HAVE_CORPUS)('text captures of the corpus', () => {
  it('skipped', () => {
    console.warn(SKIP_REASON);
  });
});
