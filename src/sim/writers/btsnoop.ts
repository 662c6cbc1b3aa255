// btsnoop v1 files (RFC 1761 style; Android's HCI snoop log and btmon -w).
// Header "btsnoop\0", version 1, datalink; records: original length, included length, flags,
// cumulative drops, timestamp (µs since 0000-01-01, big-endian 64-bit), then the packet.
import {
  BTSNOOP_DATALINK, BTSNOOP_EPOCH_DELTA, BTSNOOP_FILE_HEADER, BTSNOOP_FLAG_COMMAND_OR_EVENT, BTSNOOP_FLAG_RECEIVED, BTSNOOP_MAGIC, BTSNOOP_RECORD_HEADER,
} from '../../capture/btsnoop.js';
import { monitorOpcode } from '../../capture/monitor.js';
import { HCI_COMMAND, HCI_EVENT, type HciPacket } from '../../model.js';

export interface BtsnoopOptions {
  /** 1002 H4 (Android), 1001 un-encapsulated HCI, 2001 Linux monitor (btmon). */
  datalink?: 1001 | 1002 | 2001;
  /** Datalink 2001: write btmon's New Index / Open Index records first (default true). */
  indexRecords?: boolean;
  /** Datalink 2001: the controller's address for New Index. */
  controllerAddress?: string;
}

export function writeBtsnoop(packets: HciPacket[], opts: BtsnoopOptions = {}): Buffer {
  const dl = opts.datalink ?? BTSNOOP_DATALINK.H4;
  const recs: { flags: number; t: number; body: Uint8Array }[] = [];
  const t0 = packets[0]?.t ?? Date.UTC(2025, 0, 1) * 1000;
  if (dl === BTSNOOP_DATALINK.MONITOR && opts.indexRecords !== false) {
    const ni = new Uint8Array(16);
    ni[0] = 0x00; // primary controller
    ni[1] = 0x01; // USB
    const addr = (opts.controllerAddress ?? '00:1a:7d:da:71:13').split(':').map((x) => parseInt(x, 16)).reverse();
    ni.set(addr, 2);
    ni.set(Buffer.from('hci0', 'ascii'), 8);
    recs.push({ flags: 0, t: t0, body: ni }); // New Index
    recs.push({ flags: 8, t: t0, body: new Uint8Array(0) }); // Open Index
  }
  for (const p of packets) {
    const t = p.t ?? t0;
    if (dl === BTSNOOP_DATALINK.H4) {
      const body = new Uint8Array(p.data.length + 1);
      body[0] = p.type;
      body.set(p.data, 1);
      recs.push({ flags: flags1001(p), t, body });
    } else if (dl === BTSNOOP_DATALINK.HCI) {
      recs.push({ flags: flags1001(p), t, body: p.data });
    } else {
      const op = monitorOpcode(p.type, p.sent);
      if (op === undefined) continue;
      recs.push({ flags: (((p.adapter ?? 0) & 0xffff) << 16) | op, t, body: p.data });
    }
  }
  const size = BTSNOOP_FILE_HEADER + recs.reduce((a, r) => a + BTSNOOP_RECORD_HEADER + r.body.length, 0);
  const out = Buffer.alloc(size);
  out.write(BTSNOOP_MAGIC, 0, 'latin1');
  out.writeUInt32BE(1, 8);
  out.writeUInt32BE(dl, 12);
  let o = BTSNOOP_FILE_HEADER;
  for (const r of recs) {
    out.writeUInt32BE(r.body.length, o);
    out.writeUInt32BE(r.body.length, o + 4);
    out.writeUInt32BE(r.flags >>> 0, o + 8);
    out.writeUInt32BE(0, o + 12);
    out.writeBigInt64BE(BigInt(Math.round(r.t)) + BTSNOOP_EPOCH_DELTA, o + 16);
    out.set(r.body, o + BTSNOOP_RECORD_HEADER);
    o += BTSNOOP_RECORD_HEADER + r.body.length;
  }
  return out;
}

/** Flags for 1001/1002: bit 0 = received (controller → host), bit 1 = command or event. */
function flags1001(p: HciPacket): number {
  const cmdEvt = p.type === HCI_COMMAND || p.type === HCI_EVENT ? BTSNOOP_FLAG_COMMAND_OR_EVENT : 0;
  return cmdEvt | (p.sent ? 0 : BTSNOOP_FLAG_RECEIVED);
}
