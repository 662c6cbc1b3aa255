// The events an analysis keeps from its capture files: each value copied into shared slabs and
// its view made when it is read, so a kept event costs its fields only (a typed array kept per
// event costs ~100 bytes of heap more: millions of values are millions of them).
import type { AttEvent } from '../model.js';

/** The event's fields as AttEvent declares them (the class below sets them; its value is an accessor). */
export interface KeptEvent extends Omit<AttEvent, 'value'> {}

export class KeptEvent implements AttEvent {
  private buffer: ArrayBufferLike;
  private offset: number;
  private size: number;

  /** `value`: the event's value, in memory the event may keep (a slab's copy). */
  constructor(e: AttEvent, value: Uint8Array) {
    this.record = e.record;
    this.t = e.t;
    this.conn = e.conn;
    this.peer = e.peer;
    this.dir = e.dir;
    this.op = e.op;
    this.opcode = e.opcode;
    this.handle = e.handle;
    this.uuid = e.uuid;
    this.buffer = value.buffer;
    this.offset = value.byteOffset;
    this.size = value.length;
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
