// Air captures (nRF Sniffer, LE LL with pseudo-header): advertising PDUs give connections and names,
// LL data PDUs are reassembled into L2CAP frames per access address and direction.
// Encryption: after LL_ENC_REQ … LL_START_ENC_REQ (or when the sniffer flags a PDU encrypted) PDUs
// are counted as encrypted and never decoded: their bytes would be garbage. PDUs the sniffer
// decrypted (the reader drops their MIC) are decoded.
import type { Direction, LinkLayerPacket } from '../model.js';
import { L2capReassembler } from './acl.js';
import { attSender } from '../att.js';
import { type LinkState, addressKey, advertisedName, dirIndex, formatAddress, touch } from './connections.js';
import type { ExtractorCore } from './core.js';
import { view } from './slab.js';

export const ADVERTISING_ACCESS_ADDRESS = 0x8e89bed6;

const ADV_IND = 0x0;
const ADV_NONCONN_IND = 0x2;
const SCAN_RSP = 0x4;
const CONNECT_IND = 0x5;
const ADV_SCAN_IND = 0x6;

const LLID_CONTINUATION = 0b01;
const LLID_START = 0b10;
const LLID_CONTROL = 0b11;

const LL_TERMINATE_IND = 0x02;
const LL_ENC_REQ = 0x03;
const LL_ENC_RSP = 0x04;
const LL_START_ENC_REQ = 0x05;
const LL_REJECT_IND = 0x0d;
const LL_REJECT_EXT_IND = 0x11;

export class LinkLayerDecoder {
  readonly reassembler = new L2capReassembler();
  private readonly links = new Map<number | string, LinkState>();

  constructor(private readonly core: ExtractorCore) {}

  push(p: LinkLayerPacket): void {
    const counts = this.core.counts;
    if (!p.crcOk) {
      counts.badCrc++;
      return;
    }
    if (p.pdu.length < 2) return;
    if (p.accessAddress === ADVERTISING_ACCESS_ADDRESS) this.advertising(p);
    else this.data(p);
  }

  private advertising(p: LinkLayerPacket): void {
    const pdu = p.pdu;
    const type = pdu[0]! & 0x0f;
    const end = Math.min(pdu.length, 2 + pdu[1]!);
    this.core.other('LL advertising');
    if (type === CONNECT_IND && end >= 18) {
      // InitA(6) AdvA(6) then LLData starting with the access address. The peer is the advertiser.
      const aa = (pdu[14]! | (pdu[15]! << 8) | (pdu[16]! << 16) | (pdu[17]! << 24)) >>> 0;
      const old = this.links.get(aa);
      if (old) this.core.close(old, p.record, p.t);
      this.core.table.open(this.links, aa, aa, formatAddress(pdu, 8), addressKey(pdu, 8), true, p.record, p.t);
    } else if ((type === ADV_IND || type === ADV_NONCONN_IND || type === SCAN_RSP || type === ADV_SCAN_IND) && end > 8) {
      const name = advertisedName(pdu, 8, end);
      if (name) {
        const k = addressKey(pdu, 2);
        if (!this.core.table.names.has(k)) this.core.table.names.set(k, name);
      }
    }
  }

  private data(p: LinkLayerPacket): void {
    const core = this.core;
    const pdu = p.pdu;
    const aa = p.accessAddress >>> 0;
    const link = this.links.get(aa) ?? core.table.open(this.links, aa, aa, null, -1, false, p.record, p.t);
    touch(link, p.t, p.record);
    const h0 = pdu[0]!;
    const llid = h0 & 3;
    const cte = h0 & 0x20 ? 1 : 0; // CP bit: a CTEInfo byte follows the header
    const len = pdu[1]!;
    const from = Math.min(2 + cte, pdu.length);
    const to = Math.min(2 + cte + len, pdu.length);
    const payload = view(pdu, from, to);
    const di = p.dir ? dirIndex(p.dir) : 2;
    const sn = (h0 >> 3) & 1;
    if (di !== 2 && link.lastSn[di] === sn && isSame(link.lastPdu[di] ?? null, payload)) return; // retransmission
    link.lastSn[di] = sn;
    if (len === 0) {
      link.lastPdu[di] = null;
      return; // empty PDU: flow control only
    }
    link.lastPdu[di] = new Uint8Array(payload); // a copy: the capture buffer is reused
    core.counts.acl++;
    // A sniffer that decrypted the PDU drops the 4-byte MIC that the length byte still counts.
    const decrypted = len > 4 && payload.length === len - 4;
    if (p.encrypted || (!decrypted && (link.encryption === 2 || (link.encryption === 1 && !plainHandshake(link, llid, payload))))) {
      core.counts.encrypted++;
      return;
    }
    if (llid === LLID_CONTROL) {
      core.other('LL control');
      const op = payload[0];
      if (op === LL_ENC_REQ) link.encryption = 1;
      else if (op === LL_TERMINATE_IND) core.close(link, p.record, p.t);
      return;
    }
    if (llid !== LLID_START && llid !== LLID_CONTINUATION) return;
    const frame = this.reassembler.push(aa * 4 + di, llid === LLID_START, pdu, from, to);
    if (!frame) return;
    let dir: Direction | null = p.dir;
    if (!dir) dir = frame.length > 4 && frame[2] === 4 && frame[3] === 0 && attSender(frame[4]!) === 'server' ? 'device-to-app' : 'app-to-device';
    core.l2cap(link, dir, frame, 0, frame.length, p.record, p.t);
  }

}

/**
 * Between LL_ENC_REQ and LL_START_ENC_REQ the handshake PDUs are still in clear. Returns true for
 * those; anything else means encryption has started.
 */
function plainHandshake(link: LinkState, llid: number, payload: Uint8Array): boolean {
  const op = payload[0];
  const n = payload.length;
  if (llid === LLID_CONTROL && ((op === LL_ENC_RSP && n === 13) || (op === LL_START_ENC_REQ && n === 1) || (op === LL_REJECT_IND && n === 2) || (op === LL_REJECT_EXT_IND && n === 3))) {
    // Rejected: back to clear. LL_START_ENC_REQ is the last PDU in clear.
    if (op === LL_REJECT_IND || op === LL_REJECT_EXT_IND) link.encryption = 0;
    else if (op === LL_START_ENC_REQ) link.encryption = 2;
    return true;
  }
  link.encryption = 2;
  return false;
}

function isSame(a: Uint8Array | null, b: Uint8Array): boolean {
  if (a === null) return b.length === 0;
  if (a.length !== b.length) return false;
  return Buffer.compare(a, b) === 0;
}
