// L2CAP channels: which CID carries ATT, and a name for the others so that they can be counted.
import { hex0x } from '../hex.js';

export const CID_SIGNALLING = 0x0001;
export const CID_CONNECTIONLESS = 0x0002;
export const CID_ATT = 0x0004;
export const CID_LE_SIGNALLING = 0x0005;
export const CID_SMP = 0x0006;
export const CID_BREDR_SMP = 0x0007;

/** PSM of ATT over a BR/EDR dynamic channel (GATT over classic). */
export const PSM_ATT = 0x001f;

const FIXED: Record<number, string> = {
  0x0001: 'L2CAP signalling',
  0x0002: 'L2CAP connectionless',
  0x0003: 'AMP manager',
  0x0005: 'LE signalling',
  0x0006: 'SMP',
  0x0007: 'BR/EDR SMP',
};

const PSM_NAMES: Record<number, string> = {
  0x0001: 'SDP',
  0x0003: 'RFCOMM',
  0x000f: 'BNEP',
  0x0011: 'HID control',
  0x0013: 'HID interrupt',
  0x0017: 'AVCTP',
  0x0019: 'AVDTP',
  0x001b: 'AVCTP browsing',
  0x001f: 'ATT',
  0x0027: 'EATT',
};

/** Name of a channel for the counts, e.g. 'SMP', 'RFCOMM', 'L2CAP dynamic'. */
export function channelName(cid: number, dynamic: Map<number, number> | null): string {
  const fixed = FIXED[cid];
  if (fixed) return fixed;
  if (cid >= 0x0040) {
    const psm = dynamic?.get(cid);
    if (psm !== undefined) return PSM_NAMES[psm] ?? `L2CAP PSM ${hex0x(psm, 4)}`;
    return 'L2CAP dynamic';
  }
  return `L2CAP CID ${hex0x(cid, 4)}`;
}

/**
 * Learns CID → PSM from signalling connection requests/responses (BR/EDR 0x02/0x03, LE credit
 * based 0x14/0x15), so that RFCOMM or AVDTP traffic is named and ATT over BR/EDR is decoded.
 * Both the requester's and the responder's CIDs map to the PSM (each side addresses the other's).
 */
export function learnChannels(signal: Uint8Array, pending: Map<number, number>, dynamic: Map<number, number>): void {
  // One signalling frame may hold several commands: code(1) id(1) length(2) data.
  for (let o = 0; o + 4 <= signal.length; ) {
    const code = signal[o]!;
    const id = signal[o + 1]!;
    const len = signal[o + 2]! | (signal[o + 3]! << 8);
    const d = o + 4;
    if (d + len > signal.length) return;
    if ((code === 0x02 || code === 0x14) && len >= 4) {
      const psm = signal[d]! | (signal[d + 1]! << 8);
      const scid = signal[d + 2]! | (signal[d + 3]! << 8);
      dynamic.set(scid, psm);
      pending.set(id, psm);
    } else if ((code === 0x03 || code === 0x15) && len >= 2) {
      const dcid = signal[d]! | (signal[d + 1]! << 8);
      const psm = pending.get(id);
      if (psm !== undefined && dcid >= 0x0040) dynamic.set(dcid, psm);
    }
    o = d + len;
  }
}
