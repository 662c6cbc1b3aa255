// A message as the analysis keeps it while millions are alive: where its bytes lie (buffer, offset,
// length) instead of a typed array of its own (a view costs ~100 bytes of heap; ten million messages
// were ten million views), and the facts its stream and round share (state, round, handle,
// direction) in one object for all of them. Its view is made when `bytes` is read and dies young.
// A message that is one whole value keeps its event instead (bytes, time and record are the event's).
import type { AttEvent, Direction, Micros } from '../model.js';
import type { Message } from './types.js';

/** What the messages of one stream in one round share. */
export interface MessagePlace {
  readonly state: string;
  readonly round: number;
  readonly handle: number;
  readonly dir: Direction;
}

/** What both kinds of kept message read from the place their stream and round share. */
abstract class PlacedMessage {
  private readonly place: MessagePlace;

  constructor(place: MessagePlace) {
    this.place = place;
  }

  get state(): string {
    return this.place.state;
  }

  get round(): number {
    return this.place.round;
  }

  get handle(): number {
    return this.place.handle;
  }

  get dir(): Direction {
    return this.place.dir;
  }
}

/** The Message fields the class sets (its bytes and place are accessors). */
export interface KeptMessage extends Omit<Message, 'bytes' | 'state' | 'round' | 'handle' | 'dir'> {}

export class KeptMessage extends PlacedMessage implements Message {
  private readonly buffer: ArrayBufferLike;
  private readonly offset: number;
  private readonly size: number;

  constructor(bytes: Uint8Array, t: Micros, record: number, parts: number, request: string | null, orphan: boolean, place: MessagePlace) {
    super(place);
    this.buffer = bytes.buffer;
    this.offset = bytes.byteOffset;
    this.size = bytes.length;
    this.t = t;
    this.record = record;
    this.parts = parts;
    this.request = request;
    this.orphan = orphan;
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.buffer, this.offset, this.size);
  }
}

/** A message that is one whole event's value: its bytes, time and record are read from the event. */
export class EventMessage extends PlacedMessage implements Message {
  private readonly event: AttEvent;
  readonly request: string | null;
  readonly orphan: boolean;

  constructor(event: AttEvent, request: string | null, orphan: boolean, place: MessagePlace) {
    super(place);
    this.event = event;
    this.request = request;
    this.orphan = orphan;
  }

  get bytes(): Uint8Array {
    return this.event.value;
  }

  get t(): Micros {
    return this.event.t;
  }

  get record(): number {
    return this.event.record;
  }

  get parts(): number {
    return 1;
  }
}
