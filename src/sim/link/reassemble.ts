// ATT PDUs from HCI packets (per connection handle and direction), with the peer address from
// the connection events: what the text writers print.
import { HCI_ACL, HCI_EVENT, type HciPacket } from '../../model.js';

export interface AttPdu {
  t: number;
  /** true: app → device. */
  sent: boolean;
  connHandle: number;
  peer: string | null;
  pdu: Uint8Array;
}

export function attPdus(packets: HciPacket[]): AttPdu[] {
  const peers = new Map<number, string>();
  const partial = new Map<string, { need: number; parts: Uint8Array[]; got: number }>();
  const out: AttPdu[] = [];
  for (const p of packets) {
    const d = p.data;
    if (p.type === HCI_EVENT && d[0] === 0x3e && (d[2] === 0x01 || d[2] === 0x0a) && d[3] === 0) {
      peers.set((d[4]! | (d[5]! << 8)) & 0xfff, Buffer.from(d.subarray(8, 14)).reverse().toString('hex').replace(/(..)(?!$)/g, '$1:'));
      continue;
    }
    if (p.type !== HCI_ACL) continue;
    const hf = d[0]! | (d[1]! << 8);
    const handle = hf & 0xfff;
    const body = d.subarray(4);
    const key = `${handle}/${p.sent}`;
    let cur = partial.get(key);
    if (((hf >> 12) & 3) !== 1) {
      cur = { need: (body[0]! | (body[1]! << 8)) + 4, parts: [], got: 0 };
      partial.set(key, cur);
    }
    if (!cur) continue;
    cur.parts.push(body);
    cur.got += body.length;
    if (cur.got < cur.need) continue;
    partial.delete(key);
    const l2 = Buffer.concat(cur.parts);
    if ((l2[2]! | (l2[3]! << 8)) !== 4) continue;
    out.push({ t: p.t ?? 0, sent: p.sent, connHandle: handle, peer: peers.get(handle) ?? null, pdu: l2.subarray(4, cur.need) });
  }
  return out;
}
