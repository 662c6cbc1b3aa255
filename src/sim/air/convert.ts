// What an air sniffer would have recorded for the same traffic: advertising and CONNECT_IND before
// each connection, then one packet from each side at every connection event (empty PDUs when
// nothing is queued), LL data PDUs carrying the same L2CAP fragments as the HCI ACL packets,
// sequence numbers that alternate, and LL_TERMINATE_IND at the end.
import { HCI_ACL, HCI_EVENT, type HciPacket } from '../../model.js';
import { Prng } from '../prng.js';

export const ADVERTISING_AA = 0x8e89bed6;

export interface AirPacket {
  t: number;
  channel: number;
  accessAddress: number;
  /** LL header (2 bytes) + payload. */
  pdu: Uint8Array;
  /** 'c2p' central → peripheral, 'p2c' back, null for advertising. */
  dir: 'c2p' | 'p2c' | null;
  crcInit: number;
}

export interface AirOptions {
  /** The phone's address (InitA of CONNECT_IND). */
  central?: string;
  /** Advertised names by device address. */
  names?: Record<string, string>;
  /** Advertised 16-bit service UUIDs by device address (4 hex digits). */
  services?: Record<string, string>;
  seed?: number;
}

interface Link {
  aa: number;
  crcInit: number;
  peer: string | null;
  start: number;
  end: number | null;
  intervalUs: number;
  /** Channel Selection Algorithm #1 hop increment, as announced in CONNECT_IND. */
  hop: number;
  queue: { c2p: { t: number; llid: number; payload: Uint8Array }[]; p2c: { t: number; llid: number; payload: Uint8Array }[] };
}

const addrLe = (a: string) => Uint8Array.from(Buffer.from(a.replace(/:/g, ''), 'hex')).reverse();

function advData(name: string | undefined, service: string | undefined): Uint8Array {
  const parts: number[] = [0x02, 0x01, 0x06];
  if (service && service.length === 4) parts.push(0x03, 0x03, parseInt(service.slice(2), 16), parseInt(service.slice(0, 2), 16));
  if (name) {
    const n = Buffer.from(name.slice(0, 31 - parts.length - 2), 'utf8');
    parts.push(n.length + 1, 0x09, ...n);
  }
  return Uint8Array.from(parts);
}

function header(first: number, len: number): Uint8Array {
  return Uint8Array.from([first, len]);
}

export function hciToAir(packets: HciPacket[], o: AirOptions = {}): AirPacket[] {
  const p = new Prng(o.seed ?? 3);
  const central = o.central ?? '5c:e9:1e:42:07:9a';
  const links = new Map<number, Link>();
  const done: Link[] = [];
  const out: AirPacket[] = [];
  const open = (handle: number, t: number, peer: string | null, intervalUs: number): Link => {
    const l: Link = {
      aa: (p.int(0, 0x7fffffff) * 2 + 1) >>> 0,
      crcInit: p.int(0, 0xffffff),
      peer,
      start: t,
      end: null,
      intervalUs,
      hop: p.int(5, 16),
      queue: { c2p: [], p2c: [] },
    };
    links.set(handle, l);
    return l;
  };
  for (const pk of packets) {
    const t = pk.t ?? 0;
    const d = pk.data;
    if (pk.type === HCI_EVENT && d[0] === 0x3e && (d[2] === 0x01 || d[2] === 0x0a) && d[3] === 0) {
      const handle = (d[4]! | (d[5]! << 8)) & 0xfff;
      const peer = Buffer.from(d.subarray(8, 14)).reverse().toString('hex').replace(/(..)(?!$)/g, '$1:');
      const ivOff = d[2] === 0x01 ? 14 : 26;
      const l = open(handle, t, peer, (d[ivOff]! | (d[ivOff + 1]! << 8)) * 1250);
      advertise(out, l, central, o, t);
    } else if (pk.type === HCI_EVENT && d[0] === 0x05) {
      const l = links.get((d[3]! | (d[4]! << 8)) & 0xfff);
      if (l) {
        l.end = t;
        links.delete((d[3]! | (d[4]! << 8)) & 0xfff);
        done.push(l);
      }
    } else if (pk.type === HCI_ACL) {
      const hf = d[0]! | (d[1]! << 8);
      const handle = hf & 0xfff;
      const pb = (hf >> 12) & 3;
      const l = links.get(handle) ?? open(handle, t, null, 30_000);
      l.queue[pk.sent ? 'c2p' : 'p2c'].push({ t, llid: pb === 1 ? 0b01 : 0b10, payload: d.subarray(4) });
    }
  }
  for (const l of links.values()) done.push(l);
  for (const l of done) connectionEvents(out, l);
  return out.sort((a, b) => a.t - b.t);
}

function advertise(out: AirPacket[], l: Link, central: string, o: AirOptions, t: number): void {
  if (!l.peer) return;
  const adv = advData(o.names?.[l.peer], o.services?.[l.peer]);
  const advA = addrLe(l.peer);
  const base = t - 1250 - 3 * 650;
  [37, 38, 39].forEach((ch, i) => {
    const payload = Uint8Array.from([...advA, ...adv]);
    out.push({ t: base - 100_000 + i * 650, channel: ch, accessAddress: ADVERTISING_AA, pdu: Uint8Array.from([0x00, payload.length, ...payload]), dir: null, crcInit: 0x555555 });
  });
  const adv37 = Uint8Array.from([...advA, ...adv]);
  out.push({ t: base, channel: 37, accessAddress: ADVERTISING_AA, pdu: Uint8Array.from([0x00, adv37.length, ...adv37]), dir: null, crcInit: 0x555555 });
  const ll = new Uint8Array(22);
  new DataView(ll.buffer).setUint32(0, l.aa, true);
  ll[4] = l.crcInit & 0xff;
  ll[5] = (l.crcInit >> 8) & 0xff;
  ll[6] = (l.crcInit >> 16) & 0xff;
  ll[7] = 3; // window size
  ll[8] = 0; // window offset
  const iv = Math.round(l.intervalUs / 1250);
  ll[10] = iv & 0xff;
  ll[11] = iv >> 8;
  ll[14] = 500 & 0xff;
  ll[15] = 500 >> 8;
  ll.set([0xff, 0xff, 0xff, 0xff, 0x1f], 16); // all 37 data channels
  ll[21] = (l.hop & 0x1f) | (1 << 5); // hop increment, SCA
  const payload = Uint8Array.from([...addrLe(central), ...advA, ...ll]);
  // CONNECT_IND, TxAdd/RxAdd public, 150 µs after the ADV_IND on the same channel.
  out.push({ t: base + 300, channel: 37, accessAddress: ADVERTISING_AA, pdu: Uint8Array.from([0x05, payload.length, ...payload]), dir: null, crcInit: 0x555555 });
}

function connectionEvents(out: AirPacket[], l: Link): void {
  const last = Math.max(l.start, ...l.queue.c2p.map((x) => x.t), ...l.queue.p2c.map((x) => x.t));
  const end = l.end ?? last + l.intervalUs;
  const sn = { c2p: 0, p2c: 0 };
  let ci = 0;
  let qc = 0;
  let qp = 0;
  for (let ev = l.start + l.intervalUs; ev <= end + l.intervalUs; ev += l.intervalUs, ci++) {
    // Algorithm #1 with every channel used: unmapped channel = (last + hop) mod 37, starting at 0.
    const channel = ((ci + 1) * l.hop) % 37;
    let t = ev;
    const terminate = ev > end;
    for (let k = 0; k < 8; k++) {
      const c = l.queue.c2p[qc];
      const pp = l.queue.p2c[qp];
      const cDue = c && c.t <= ev;
      const pDue = pp && pp.t <= ev;
      if (k > 0 && !cDue && !pDue) break;
      const send = (dir: 'c2p' | 'p2c', llid: number, payload: Uint8Array) => {
        const nesn = dir === 'c2p' ? sn.p2c ^ 1 : sn.c2p ^ 1;
        const first = llid | (nesn << 2) | (sn[dir] << 3);
        sn[dir] ^= 1;
        out.push({ t, channel, accessAddress: l.aa, pdu: Uint8Array.from([...header(first, payload.length), ...payload]), dir, crcInit: l.crcInit });
        t += 150 + (payload.length + 10) * 8;
      };
      if (terminate && k === 0) send('c2p', 0b11, Uint8Array.from([0x02, 0x13]));
      else if (cDue) send('c2p', c.llid, c.payload), qc++;
      else send('c2p', 0b01, new Uint8Array(0));
      if (pDue) send('p2c', pp.llid, pp.payload), qp++;
      else send('p2c', 0b01, new Uint8Array(0));
      if (terminate) break;
    }
    if (terminate) break;
  }
}
