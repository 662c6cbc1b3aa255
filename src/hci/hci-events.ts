// HCI events that open and close connections or name devices. Everything else is only counted.
import type { Micros } from '../model.js';
import { type LinkState, addressKey, advertisedName, decodeName, formatAddress } from './connections.js';
import type { ExtractorCore } from './core.js';

const EVT_CONNECTION_COMPLETE = 0x03;
const EVT_DISCONNECTION_COMPLETE = 0x05;
const EVT_REMOTE_NAME = 0x07;
const EVT_LE_META = 0x3e;
const LE_CONNECTION_COMPLETE = 0x01;
const LE_ADVERTISING_REPORT = 0x02;
const LE_ENHANCED_CONNECTION_COMPLETE = 0x0a;
const LE_EXTENDED_ADVERTISING_REPORT = 0x0d;
const LE_ENHANCED_CONNECTION_COMPLETE_V2 = 0x29;

/** The key of an HCI link: controller index and 12-bit connection handle. */
export function hciLinkKey(adapter: number | undefined, handle: number): number {
  return (adapter ?? 0) * 0x1000 + handle;
}

/** `data` = event code, parameter length, parameters (the bytes after the H4 type). */
export function handleHciEvent(core: ExtractorCore, links: Map<number | string, LinkState>, data: Uint8Array, record: number, t: Micros, adapter: number | undefined): void {
  if (data.length < 2) return;
  const code = data[0]!;
  const end = Math.min(data.length, 2 + data[1]!);
  if (code === EVT_LE_META && end >= 3) {
    const sub = data[2]!;
    if ((sub === LE_CONNECTION_COMPLETE || sub === LE_ENHANCED_CONNECTION_COMPLETE || sub === LE_ENHANCED_CONNECTION_COMPLETE_V2) && end >= 14) {
      if (data[3] !== 0) return; // failed attempt
      let peerAt = 8;
      // Enhanced: when the peer used a resolvable address the identity field may be zero.
      if (sub !== LE_CONNECTION_COMPLETE && end >= 26 && isZero(data, 8) && !isZero(data, 20)) peerAt = 20;
      opened(core, links, hciLinkKey(adapter, (data[4]! | (data[5]! << 8)) & 0x0fff), data, peerAt, record, t);
    } else if (sub === LE_ADVERTISING_REPORT && end >= 13 && data[3] === 1) {
      // One report: event type, address type, address(6), data length, data, RSSI.
      const len = data[12]!;
      if (13 + len <= end) learnName(core, data, 6, advertisedName(data, 13, 13 + len));
    } else if (sub === LE_EXTENDED_ADVERTISING_REPORT && end >= 29 && data[3] === 1) {
      const len = data[28]!;
      if (29 + len <= end) learnName(core, data, 7, advertisedName(data, 29, 29 + len));
    }
    return;
  }
  if (code === EVT_CONNECTION_COMPLETE && end >= 12) {
    // status, handle, BD_ADDR, link type (1 = ACL; SCO/eSCO links carry audio, not L2CAP).
    if (data[2] !== 0 || data[11] !== 1) return;
    opened(core, links, hciLinkKey(adapter, (data[3]! | (data[4]! << 8)) & 0x0fff), data, 5, record, t);
    return;
  }
  if (code === EVT_DISCONNECTION_COMPLETE && end >= 5) {
    if (data[2] !== 0) return;
    const key = hciLinkKey(adapter, (data[3]! | (data[4]! << 8)) & 0x0fff);
    const link = links.get(key);
    if (link) {
      core.close(link, record, t);
      links.delete(key);
    }
    return;
  }
  if (code === EVT_REMOTE_NAME && end >= 10 && data[2] === 0) {
    learnName(core, data, 3, decodeName(data, 9, end));
  }
}

function opened(core: ExtractorCore, links: Map<number | string, LinkState>, key: number, data: Uint8Array, peerAt: number, record: number, t: Micros): void {
  const old = links.get(key);
  if (old) core.close(old, record, t);
  core.table.open(links, key, key & 0x0fff, formatAddress(data, peerAt), addressKey(data, peerAt), true, record, t);
}

function learnName(core: ExtractorCore, data: Uint8Array, at: number, name: string | null): void {
  if (!name) return;
  const k = addressKey(data, at);
  if (!core.table.names.has(k)) core.table.names.set(k, name);
}

function isZero(b: Uint8Array, o: number): boolean {
  return (b[o]! | b[o + 1]! | b[o + 2]! | b[o + 3]! | b[o + 4]! | b[o + 5]!) === 0;
}
