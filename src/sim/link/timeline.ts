// Collects HCI packets at simulated times and turns them into numbered HciPackets in time order.
import { HCI_ACL, HCI_COMMAND, HCI_EVENT, type HciPacket } from '../../model.js';
import { aclFragments } from './hci.js';

interface Timed {
  t: number;
  seq: number;
  type: number;
  sent: boolean;
  data: Uint8Array;
}

export class Timeline {
  private items: Timed[] = [];
  private seq = 0;

  add(t: number, type: number, sent: boolean, data: Uint8Array): void {
    this.items.push({ t: Math.round(t), seq: this.seq++, type, sent, data });
  }
  command(t: number, data: Uint8Array): void {
    this.add(t, HCI_COMMAND, true, data);
  }
  event(t: number, data: Uint8Array): void {
    this.add(t, HCI_EVENT, false, data);
  }
  /** One ATT PDU as ACL fragments a fraction of a millisecond apart. Returns the time of the last one. */
  att(t: number, handle: number, att: Uint8Array, fromHost: boolean, maxData: number): number {
    const frags = aclFragments(handle, att, fromHost, maxData);
    frags.forEach((f, i) => this.add(t + i * 180, HCI_ACL, fromHost, f));
    return t + (frags.length - 1) * 180;
  }
  /** Everything added so far, in time order (ties keep insertion order), timestamps strictly increasing. */
  packets(firstRecord = 1): HciPacket[] {
    const sorted = [...this.items].sort((a, b) => a.t - b.t || a.seq - b.seq);
    let last = -Infinity;
    return sorted.map((it, i) => {
      const t = Math.max(it.t, last + 1);
      last = t;
      return { kind: 'hci', record: firstRecord + i, t, type: it.type, sent: it.sent, data: it.data };
    });
  }
  merge(other: Timeline): void {
    for (const it of other.items) this.items.push({ ...it, seq: this.seq++ });
  }
}
