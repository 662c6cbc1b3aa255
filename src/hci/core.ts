// The state the pieces of the extractor share (HCI, link layer, text-export ATT).
import type { Direction, Micros } from '../model.js';
import type { ConnectionTable, LinkState } from './connections.js';
import type { ExtractCounts } from './types.js';

export interface ExtractorCore {
  readonly table: ConnectionTable;
  readonly counts: ExtractCounts;
  /** Counts one frame/packet on a channel other than ATT. */
  other(name: string): void;
  warn(message: string): void;
  /** The complete L2CAP frame starting at b[o] (basic header first, bytes up to limit). Returns the link it belongs to (new after an app restart). */
  l2cap(link: LinkState, dir: Direction, b: Uint8Array, o: number, limit: number, record: number, t: Micros): LinkState;
  /** Marks the end of a link lifetime. */
  close(link: LinkState, record: number, t: Micros): void;
}
