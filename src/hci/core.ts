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
  /** One complete L2CAP frame (basic header first) on a link. Returns the link it belongs to (new after an app restart). */
  l2cap(link: LinkState, dir: Direction, frame: Uint8Array, record: number, t: Micros): LinkState;
  /** Marks the end of a link lifetime. */
  close(link: LinkState, record: number, t: Micros): void;
}
