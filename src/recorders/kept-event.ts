// The events an analysis keeps from its capture files: each value copied into shared slabs and
// its view made when it is read, so a kept event costs its fields only (a typed array kept per
// event costs ~100 bytes of heap more: millions of values are millions of them). What the events
// of one connection, handle and operation share (connection, peer, direction, operation, handle,
// UUID) is one link object for all of them, not seven fields each.
import type { AttEvent, Direction } from '../model.js';

/** The fields an event shares with the others of its connection, handle and operation. */
type LinkFields = Pick<AttEvent, 'conn' | 'peer' | 'dir' | 'op' | 'opcode' | 'handle' | 'uuid'>;

interface Link extends Readonly<LinkFields> {
  /** Where the link is interned (a UUID set later finds its link there). */
  readonly links: Links;
}

const sameLink = (a: LinkFields, b: LinkFields): boolean =>
  a.conn === b.conn && a.handle === b.handle && a.opcode === b.opcode && a.op === b.op && a.dir === b.dir && a.peer === b.peer && a.uuid === b.uuid;

/** The links of one analysis' events, each made once. */
export class Links {
  /** By connection, opcode and handle; the rare link differing beyond them is in `others`. */
  private readonly byKey = new Map<number, Link>();
  private readonly others: Link[] = [];

  of(f: LinkFields): Link {
    const key = (f.conn * 256 + f.opcode) * 65_536 + f.handle;
    const found = this.byKey.get(key);
    if (found && sameLink(found, f)) return found;
    const other = this.others.find((l) => sameLink(l, f));
    if (other) return other;
    const made: Link = { conn: f.conn, peer: f.peer, dir: f.dir, op: f.op, opcode: f.opcode, handle: f.handle, uuid: f.uuid, links: this };
    if (found) this.others.push(made);
    else this.byKey.set(key, made);
    return made;
  }
}

export class KeptEvent implements AttEvent {
  readonly record: number;
  readonly t: AttEvent['t'];
  private link: Link;
  private buffer: ArrayBufferLike;
  private offset: number;
  private size: number;

  /** `value`: the event's value, in memory the event may keep (a slab's copy); `links`: the analysis' links. */
  constructor(e: AttEvent, value: Uint8Array, links: Links) {
    this.record = e.record;
    this.t = e.t;
    this.link = links.of(e);
    this.buffer = value.buffer;
    this.offset = value.byteOffset;
    this.size = value.length;
  }

  get conn(): number {
    return this.link.conn;
  }

  get peer(): string | null {
    return this.link.peer;
  }

  get dir(): Direction {
    return this.link.dir;
  }

  get op(): string {
    return this.link.op;
  }

  get opcode(): number {
    return this.link.opcode;
  }

  get handle(): number {
    return this.link.handle;
  }

  get uuid(): string | null {
    return this.link.uuid;
  }

  /** Found after the event was kept (GATT discovery later in the capture): the event moves to that link. */
  set uuid(uuid: string | null) {
    const l = this.link;
    this.link = l.links.of({ conn: l.conn, peer: l.peer, dir: l.dir, op: l.op, opcode: l.opcode, handle: l.handle, uuid });
  }

  get value(): Uint8Array {
    return new Uint8Array(this.buffer, this.offset, this.size);
  }

  set value(v: Uint8Array) {
    this.buffer = v.buffer;
    this.offset = v.byteOffset;
    this.size = v.length;
  }
}
