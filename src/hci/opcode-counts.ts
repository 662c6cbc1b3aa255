// Events per ATT opcode of one handle, compact: a connection-heavy log has hundreds of thousands of
// handles, and a 256-entry table each (1 KiB) was most of the memory of its summary. Only the
// opcodes that carry values are ever counted; each gets a slot, in opcode order so that the counts
// come out in the order a 256-entry table would give.
import * as A from '../att.js';
import { ATT_EXECUTE_WRITE_REQ, OP_PREPARED_WRITE, attOpName } from '../att.js';

/** The opcodes decodeAtt emits events for (values.ts), ascending. */
const VALUE_OPCODES = [
  A.ATT_READ_RSP,
  A.ATT_READ_BLOB_RSP,
  A.ATT_READ_MULTIPLE_RSP,
  A.ATT_WRITE_REQ,
  ATT_EXECUTE_WRITE_REQ,
  A.ATT_NOTIFICATION,
  A.ATT_INDICATION,
  A.ATT_READ_MULTIPLE_VAR_RSP,
  A.ATT_MULTIPLE_NOTIFICATION,
  A.ATT_WRITE_CMD,
  A.ATT_SIGNED_WRITE_CMD,
].sort((a, b) => a - b);

const NO_SLOT = 255;
const SLOT = new Uint8Array(256).fill(NO_SLOT);
VALUE_OPCODES.forEach((op, i) => (SLOT[op] = i));

/** Counts small enough to live in the V8 heap (typed arrays of ≤ 64 bytes need no backing store). */
export class OpcodeCounts {
  private slots = new Uint32Array(VALUE_OPCODES.length);
  /** Any other opcode (none today): a full table, made when first needed. */
  private wide: Uint32Array | null = null;

  add(opcode: number): void {
    const s = SLOT[opcode]!;
    if (s !== NO_SLOT) this.slots[s]!++;
    else (this.wide ??= new Uint32Array(256))[opcode]!++;
  }

  /** Counts by operation name, in opcode order (Prepare/Execute Write under its own name). */
  named(): Record<string, number> {
    const out: Record<string, number> = {};
    const name = (op: number): string => (op === ATT_EXECUTE_WRITE_REQ ? OP_PREPARED_WRITE : attOpName(op));
    const wide = this.wide;
    if (wide === null) {
      for (let s = 0; s < VALUE_OPCODES.length; s++) if (this.slots[s]) out[name(VALUE_OPCODES[s]!)] = this.slots[s]!;
      return out;
    }
    for (let op = 0; op < 256; op++) {
      const s = SLOT[op]!;
      const n = s !== NO_SLOT ? this.slots[s]! : wide[op]!;
      if (n) out[name(op)] = n;
    }
    return out;
  }
}
