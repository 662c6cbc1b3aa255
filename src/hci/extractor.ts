// Packet stream → AttEvent stream + connections, handles and counts. Pure and streaming: push one
// packet at a time (views are fine: values are copied), call finish() at the end.
//
// Connections: one per link lifetime. With HCI events, LE (Enhanced) Connection Complete, classic
// Connection Complete and Disconnection Complete delimit them (a handle reused after a disconnection
// is a new connection). Without them (ACL-only Android logs, text exports), a connection starts at
// the first packet of a handle, and an app restart on the same handle is recognised when GATT starts
// over: a second Exchange MTU Request from the same side (the spec allows one per connection), or an
// MTU request or a primary service discovery from handle 0x0001 after the app wrote data (see
// restartCheck). Air captures: a connection per CONNECT_IND access address (ll.ts).
import type { PacketSink } from '../capture/format.js';
import type { AttEvent, Direction, Micros, Packet } from '../model.js';
import { HCI_ACL, HCI_COMMAND, HCI_EVENT, HCI_ISO, HCI_SCO } from '../model.js';
import { L2capReassembler, MAX_OPEN_FRAMES, PB_CONTINUING, type SkimTest } from './acl.js';
import { ATT_INDICATION, ATT_MTU_REQ, ATT_NOTIFICATION, ATT_READ_BY_GROUP_REQ, ATT_WRITE_CMD, ATT_WRITE_REQ, attSender } from '../att.js';
import { ConnectionTable, type LinkState, touch } from './connections.js';
import { propertyNames as propertyList } from './gatt.js';
import type { ExtractorCore } from './core.js';
import { handleHciEvent, hciLinkKey } from './hci-events.js';
import { CID_ATT, CID_LE_SIGNALLING, CID_SIGNALLING, PSM_ATT, channelName, learnChannels } from './l2cap.js';
import { LinkLayerDecoder } from './ll.js';
import { OpcodeCounts } from './opcode-counts.js';
import type { ExtractCounts, ExtractOptions, ExtractResult, HandleInfo } from './types.js';
import { ValueSlab, view } from './slab.js';
import { type AttSink, decodeAtt } from './values.js';

export interface AttExtractor {
  push(p: Packet): void;
  /** The same as push, for readCaptureFile: HCI packets as offsets, without a Packet object each. */
  sink: PacketSink;
  /** Time of the first timed packet pushed so far: known before the first event it carries. */
  readonly start: Micros;
  finish(): ExtractResult;
}

const MAX_WARNINGS = 50;
const READS = new Set([0x0b, 0x0d, 0x0f, 0x21]);

const dirOfOpcode = (opcode: number): Direction => (attSender(opcode) === 'server' ? 'device-to-app' : 'app-to-device');
/**
 * Without events, a fragmented notification, indication or write is only counted: its opcode and
 * handle (in the first fragment) are all decodeAtt reads of it, so its other fragments are not copied.
 */
const COUNTED_ONLY = new Set([ATT_NOTIFICATION, ATT_INDICATION, ATT_WRITE_REQ, ATT_WRITE_CMD]);
const countsOnly: SkimTest = (b, from) => b[from + 2] === CID_ATT && b[from + 3] === 0 && COUNTED_ONLY.has(b[from + 4]!);

/** Broadcom-based Android controllers log link-manager traces as ACL on this handle: not a link. */
const VENDOR_DIAGNOSTICS_HANDLE = 0x0edc;

export function createAttExtractor(onEvent: (e: AttEvent) => void, opts: ExtractOptions = {}): AttExtractor {
  const x = new Extractor(opts.events === false ? null : onEvent, opts.copyValues !== false);
  return {
    push: x.packet,
    sink: x,
    finish: () => x.finish(),
    get start() {
      return x.start;
    },
  };
}

class Extractor implements ExtractorCore, AttSink, PacketSink {
  readonly table = new ConnectionTable();
  readonly reassembler: L2capReassembler;
  readonly counts: ExtractCounts = {
    packets: 0,
    hciCommands: 0,
    hciEvents: 0,
    acl: 0,
    att: 0,
    attWithValue: 0,
    otherChannels: {},
    encrypted: 0,
    badCrc: 0,
    orphanFragments: 0,
  };
  private readonly hciLinks = new Map<number | string, LinkState>();
  private readonly attLinks = new Map<number | string, LinkState>();
  private readonly ll: LinkLayerDecoder;
  private readonly warnings: string[] = [];
  private readonly slab = new ValueSlab();
  private suppressed = 0;
  private shortAcl = 0;
  start: Micros = null;
  /** Time of the last timed packet (NaN: none yet); a number field, updated in place. */
  private endT = NaN;
  /** The last HCI link used: consecutive packets are nearly always on the same handle. */
  private lastKey = -1;
  private lastLink: LinkState | null = null;

  constructor(
    /** null: only counts are wanted (no event objects, no value copies). */
    private readonly onEvent: ((e: AttEvent) => void) | null,
    private readonly copyValues: boolean,
  ) {
    this.ll = new LinkLayerDecoder(this);
    this.reassembler = new L2capReassembler(onEvent === null ? countsOnly : null);
  }

  push(p: Packet): void {
    if (p.kind === 'hci') {
      this.hci(p.data, 0, p.data.length, p.type, p.sent, p.record, p.t, p.adapter ?? -1, p.directionKnown !== false);
      return;
    }
    this.count(p.t);
    if (p.kind === 'll') {
      this.ll.push(p);
    } else {
      this.textAtt(p.pdu, p.dir, p.peer, p.uuid, p.record, p.t);
    }
  }

  /** PacketSink.hci: one HCI packet as b[start, end) of the reader's chunk (no object per record). */
  hci(b: Uint8Array, start: number, end: number, type: number, sent: boolean, record: number, t: Micros, adapter: number, directionKnown: boolean): void {
    this.count(t);
    if (type === HCI_ACL) this.acl(b, start, end, sent, directionKnown, record, t, adapter);
    else if (type === HCI_EVENT) {
      this.counts.hciEvents++;
      handleHciEvent(this, this.hciLinks, view(b, start, end), record, t, adapter < 0 ? undefined : adapter);
      this.lastKey = -1;
      this.lastLink = null;
    } else if (type === HCI_COMMAND) this.counts.hciCommands++;
    else if (type === HCI_SCO) this.other('SCO/audio');
    else if (type === HCI_ISO) this.other('ISO/audio');
    else this.other(`HCI type ${type}`);
  }

  /** Counts one packet; its time moves the capture's start and end. */
  private count(t: Micros): void {
    this.counts.packets++;
    if (t !== null) {
      this.start ??= t;
      this.endT = t;
    }
  }

  /** PacketSink.packet, bound: link-layer and ATT-layer packets. */
  readonly packet = (p: Packet): void => this.push(p);

  /** The ACL packet b[o, end): handle and flags, length, then an L2CAP frame or a fragment of one. */
  private acl(b: Uint8Array, o: number, end: number, sent: boolean, dirKnown: boolean, record: number, t: Micros, adapter: number): void {
    this.counts.acl++;
    const n = end - o;
    if (n < 4) {
      this.shortAcl++;
      return;
    }
    const hf = b[o]! | (b[o + 1]! << 8);
    if ((hf & 0x0fff) === VENDOR_DIAGNOSTICS_HANDLE) {
      this.other('vendor diagnostics (handle 0x0edc)');
      return;
    }
    const key = adapter < 0 ? hf & 0x0fff : hciLinkKey(adapter, hf & 0x0fff);
    let link = key === this.lastKey ? this.lastLink : null;
    if (!link) {
      link = this.hciLinks.get(key) ?? this.table.open(this.hciLinks, key, key & 0x0fff, null, -1, false, record, t);
      this.lastKey = key;
      this.lastLink = link;
    }
    let len = b[o + 2]! | (b[o + 3]! << 8);
    if (4 + len > n) {
      this.shortAcl++;
      len = n - 4;
    }
    const first = ((hf >> 12) & 3) !== PB_CONTINUING;
    const stream = key * 2 + (sent ? 0 : 1);
    let dir: Direction = sent ? 'app-to-device' : 'device-to-app';
    const l2 = o + 4;
    const l2end = l2 + len;
    if (first && len >= 4 && 4 + (b[l2]! | (b[l2 + 1]! << 8)) <= len && !this.reassembler.busy(stream)) {
      // The common case: a whole L2CAP frame in one packet, decoded in place.
      if (!dirKnown && b[l2 + 2] === CID_ATT && b[l2 + 3] === 0 && len > 4) dir = dirOfOpcode(b[l2 + 4]!);
      link = this.l2cap(link, dir, b, l2, l2end, record, t);
    } else {
      const frame = this.reassembler.push(stream, first, b, l2, l2end);
      if (frame) {
        // H4 without a direction header (pcap 187): ATT opcodes tell who sent them.
        if (!dirKnown && frame.length > 4 && frame[2] === CID_ATT && frame[3] === 0) dir = dirOfOpcode(frame[4]!);
        link = this.l2cap(link, dir, frame, 0, frame.length, record, t);
      }
    }
    // After decoding: an app restart found in this packet opens the connection it belongs to.
    touch(link, t, record);
  }

  /** The L2CAP frame that starts at b[o] (its bytes end by limit). Returns the link it belongs to (new after an app restart). */
  l2cap(link: LinkState, dir: Direction, b: Uint8Array, o: number, limit: number, record: number, t: Micros): LinkState {
    const len = b[o]! | (b[o + 1]! << 8);
    const cid = b[o + 2]! | (b[o + 3]! << 8);
    const end = Math.min(o + 4 + len, limit);
    if (cid === CID_ATT || (cid >= 0x0040 && link.channels?.get(cid) === PSM_ATT)) {
      return this.att(link, dir, b, o + 4, end, record, t, null);
    }
    if (cid === CID_SIGNALLING || cid === CID_LE_SIGNALLING) {
      learnChannels(view(b, o + 4, end), (link.signals ??= new Map()), (link.channels ??= new Map()));
    }
    this.other(channelName(cid, link.channels));
    return link;
  }

  /** The ATT PDU b[o, end). Returns the link it belongs to: a new one when it starts a new connection. */
  private att(link: LinkState, dir: Direction, b: Uint8Array, o: number, end: number, record: number, t: Micros, uuid: string | null): LinkState {
    this.counts.att++;
    const op = b[o];
    if (!link.fromEvent && (op === ATT_MTU_REQ || (op === ATT_READ_BY_GROUP_REQ && dir === 'app-to-device'))) {
      link = this.restartCheck(link, op, dir, view(b, o, end), record, t);
    }
    decodeAtt(this, link, dir, b, o, end, record, t, uuid);
    return link;
  }

  /**
   * Links not opened by a connection event (ACL-only captures, text exports): a new connection when
   * GATT starts over on the same link. Signals: a second Exchange MTU Request from the same side (the
   * spec allows one per connection), or an MTU request or a primary service discovery from handle
   * 0x0001 after the app wrote data (a write to anything but a CCCD: it was past setting up).
   * Notifications alone do not count: some devices send them while the app is still discovering.
   */
  private restartCheck(link: LinkState, op: number, dir: Direction, pdu: Uint8Array, record: number, t: Micros): LinkState {
    const side = dir === 'app-to-device' ? 1 : 2;
    const active = link.sawData;
    const restart =
      op === ATT_MTU_REQ
        ? (link.sawMtu & side) !== 0 || active
        : active && pdu.length === 7 && pdu[1] === 1 && pdu[2] === 0 && pdu[5] === 0x00 && pdu[6] === 0x28;
    if (restart) {
      const old = link.connection;
      link = this.table.open(link.owner, link.key, old.link, old.peer, link.peerKey, false, record, t);
      if (this.lastLink && this.lastLink.owner === link.owner && this.lastLink.key === link.key) this.lastLink = link;
    }
    if (op === ATT_MTU_REQ) link.sawMtu |= side;
    return link;
  }

  /** An ATT PDU from a text export: links are told apart by peer address only. */
  private textAtt(pdu: Uint8Array, dir: Direction, peer: string | null, uuid: string | null, record: number, t: Micros): void {
    const key = peer ?? '';
    const link = this.att(this.attLinks.get(key) ?? this.table.open(this.attLinks, key, 0, peer, -1, false, record, t), dir, pdu, 0, pdu.length, record, t, uuid);
    touch(link, t, record);
  }

  emit(link: LinkState, dir: Direction, opcode: number, op: string, handle: number, b: Uint8Array, start: number, end: number, record: number, t: Micros, uuid: string | null): void {
    const c = link.connection;
    // A text export may name a UUID without a handle: keep such values apart by UUID.
    const key = handle === 0 && uuid ? uuid : handle;
    let h = link.lastHandleKey === key ? link.lastHandle : (link.handles.get(key) ?? null);
    if (!h) {
      h = { info: { conn: c.conn, peer: c.peer, handle, service: null, uuid, properties: [], counts: {} }, byOpcode: new OpcodeCounts(), uuid: null, gattVersion: -1 };
      link.handles.set(key, h);
    }
    link.lastHandleKey = key;
    link.lastHandle = h;
    h.byOpcode.add(opcode);
    let known = uuid;
    if (known === null) {
      const g = link.gatt;
      if (h.gattVersion !== g.version) {
        h.uuid = g.uuids.get(handle) ?? null;
        h.gattVersion = g.version;
      }
      known = h.uuid;
    }
    // For restart detection: the app wrote something other than a CCCD (it was past setting up).
    if (!link.sawData && dir === 'app-to-device' && !READS.has(opcode) && known !== '2902') link.sawData = true;
    this.counts.attWithValue++;
    if (this.onEvent === null) return;
    this.onEvent({
      record,
      t,
      conn: c.conn,
      peer: c.peer,
      dir,
      op,
      opcode,
      handle,
      uuid: known,
      value: this.copyValues ? this.slab.copy(b, start, end) : view(b, start, end),
    });
  }

  other(name: string): void {
    const o = this.counts.otherChannels;
    o[name] = (o[name] ?? 0) + 1;
  }

  warn(message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message);
    else this.suppressed++;
  }

  close(link: LinkState, record: number, t: Micros): void {
    touch(link, t, record);
    if (this.lastLink === link) {
      this.lastLink = null;
      this.lastKey = -1;
    }
  }

  finish(): ExtractResult {
    this.table.finishConnections();
    this.table.fillNames();
    const counts = this.counts;
    counts.orphanFragments = this.reassembler.orphanFragments + this.ll.reassembler.orphanFragments;
    const warnings = [...this.warnings];
    if (this.suppressed) warnings.push(`${this.suppressed} more warnings like these were not listed`);
    if (counts.orphanFragments) warnings.push(`${counts.orphanFragments} fragments without their first part were skipped (the capture may have started or dropped records mid-message)`);
    const refused = this.reassembler.refusedFrames + this.ll.reassembler.refusedFrames;
    if (refused) warnings.push(`${refused} fragmented message(s) were skipped: more than ${MAX_OPEN_FRAMES} messages were incomplete at once (a damaged or crafted capture?)`);
    const pending = this.reassembler.pending + this.ll.reassembler.pending;
    if (pending) warnings.push(`${pending} message(s) were still incomplete at the end of the capture`);
    if (this.shortAcl) warnings.push(`${this.shortAcl} ACL packets were shorter than their header says (snap length?)`);
    if (counts.encrypted) warnings.push(`${counts.encrypted} link-layer PDUs are encrypted and were not decoded (the sniffer had no key)`);
    if (counts.badCrc) warnings.push(`${counts.badCrc} link-layer PDUs had a bad CRC and were skipped`);
    return { start: this.start, end: Number.isNaN(this.endT) ? null : this.endT, connections: this.table.connections, handles: this.handleInfos(), counts, warnings };
  }

  private handleInfos(): HandleInfo[] {
    const out: HandleInfo[] = [];
    for (const link of this.table.links) {
      const g = link.gatt;
      const c = link.connection;
      const infos: HandleInfo[] = [];
      for (const h of link.handles.values()) {
        const info = h.info;
        info.counts = h.byOpcode.named();
        infos.push(info);
      }
      if (link.discovered) {
        for (const handle of g.properties.keys()) {
          if (!link.handles.has(handle)) infos.push({ conn: c.conn, peer: c.peer, handle, service: null, uuid: null, properties: [], counts: {} });
        }
      }
      infos.sort((a, b) => a.handle - b.handle);
      for (const info of infos) {
        info.peer = c.peer;
        info.uuid ??= g.uuids.get(info.handle) ?? null;
        info.service = g.serviceOf(info.handle);
        const props = g.properties.get(info.handle);
        info.properties = props === undefined ? [] : propertyList(props);
        out.push(info);
      }
    }
    return out;
  }
}
