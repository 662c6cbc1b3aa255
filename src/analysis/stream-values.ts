// One round's values of one stream, kept compact while the analysis runs: the events themselves and
// what came before each (three array slots a value), not one StreamValue object per value. The
// StreamValue objects framing reads are made as they are read, and die young.
import type { AttEvent } from '../model.js';
import type { StreamValue } from './frames.js';

export class StreamRound implements Iterable<StreamValue> {
  private readonly events: AttEvent[] = [];
  /** 1 where an app write came between the previous value of the stream and this one. */
  private readonly afterWrite: number[] = [];
  /** Hex of the last app write before each value in the round (shared strings), or null. */
  private readonly requests: (string | null)[] = [];

  push(e: AttEvent, afterWrite: boolean, request: string | null): void {
    this.events.push(e);
    this.afterWrite.push(afterWrite ? 1 : 0);
    this.requests.push(request);
  }

  get length(): number {
    return this.events.length;
  }

  at(i: number): StreamValue {
    const e = this.events[i]!;
    return { bytes: e.value, t: e.t, record: e.record, afterWrite: this.afterWrite[i] === 1, request: this.requests[i]!, event: e };
  }

  /** The values [from, to) as StreamValue objects (what frame learning reads). */
  slice(from: number, to = this.length): StreamValue[] {
    const out: StreamValue[] = [];
    for (let i = from; i < Math.min(to, this.length); i++) out.push(this.at(i));
    return out;
  }

  *[Symbol.iterator](): Iterator<StreamValue> {
    // Its own object literal (not at()'s): V8 moves objects of a literal whose objects tend to
    // survive straight to the old space, and these die young where at()'s are kept for learning.
    for (let i = 0; i < this.events.length; i++) {
      const e = this.events[i]!;
      yield { bytes: e.value, t: e.t, record: e.record, afterWrite: this.afterWrite[i] === 1, request: this.requests[i]!, event: e };
    }
  }
}
