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

/** Where a simulated session puts its traffic: HCI packets (Timeline) or ATT PDUs only (AttLog). */
export interface TrafficSink {
  command(t: number, data: Uint8Array): void;
  event(t: number, data: Uint8Array): void;
  /** One ATT PDU on a connection; returns the time of its last ACL fragment. */
  att(t: number, handle: number, att: Uint8Array, fromHost: boolean, maxData: number): number;
}

/** µs between the ACL fragments of one PDU. */
export const FRAGMENT_SPACING = 180;

/** ATT PDUs with the time their last fragment would have, without building HCI packets. */
export class AttLog implements TrafficSink {
  private readonly log: { t: number; seq: number; handle: number; fromHost: boolean; pdu: Uint8Array }[] = [];
  /** The PDUs in the order a capture would complete them (by the time of their last fragment). */
  get pdus(): { t: number; handle: number; fromHost: boolean; pdu: Uint8Array }[] {
    return [...this.log].sort((a, b) => a.t - b.t || a.seq - b.seq);
  }
  command(): void {}
  event(): void {}
  att(t: number, handle: number, att: Uint8Array, fromHost: boolean, maxData: number): number {
    const last = Math.round(t) + (Math.ceil((att.length + 4) / maxData) - 1) * FRAGMENT_SPACING;
    this.log.push({ t: last, seq: this.log.length, handle, fromHost, pdu: att });
    return t + (Math.ceil((att.length + 4) / maxData) - 1) * FRAGMENT_SPACING;
  }
}

export class Timeline implements TrafficSink {
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
    frags.forEach((f, i) => this.add(t + i * FRAGMENT_SPACING, HCI_ACL, fromHost, f));
    return t + (frags.length - 1) * FRAGMENT_SPACING;
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
