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

/**
 * Counts small enough to cost little per handle: most handles carry one operation (notifications,
 * or writes), counted in two number fields; a second operation brings the slots (an 11-entry typed
 * array), an opcode outside them (none today) a full table.
 */
export class OpcodeCounts {
  private op = -1;
  private n = 0;
  private slots: Uint32Array | null = null;
  private wide: Uint32Array | null = null;

  add(opcode: number): void {
    if (opcode === this.op) this.n++;
    else if (this.op < 0) {
      this.op = opcode;
      this.n = 1;
    } else this.more(opcode);
  }

  private more(opcode: number): void {
    const s = SLOT[opcode]!;
    if (s !== NO_SLOT) (this.slots ??= new Uint32Array(VALUE_OPCODES.length))[s]!++;
    else (this.wide ??= new Uint32Array(256))[opcode]!++;
  }

  private count(opcode: number): number {
    const s = SLOT[opcode]!;
    const rest = s !== NO_SLOT ? (this.slots?.[s] ?? 0) : (this.wide?.[opcode] ?? 0);
    return (opcode === this.op ? this.n : 0) + rest;
  }

  /** Counts by operation name, in opcode order (Prepare/Execute Write under its own name). */
  named(): Record<string, number> {
    const out: Record<string, number> = {};
    const name = (op: number): string => (op === ATT_EXECUTE_WRITE_REQ ? OP_PREPARED_WRITE : attOpName(op));
    if (this.slots === null && this.wide === null) {
      if (this.op >= 0) out[name(this.op)] = this.n;
      return out;
    }
    const ops = this.wide === null && SLOT[this.op] !== NO_SLOT ? VALUE_OPCODES : ALL_OPCODES;
    for (const op of ops) {
      const n = this.count(op);
      if (n) out[name(op)] = n;
    }
    return out;
  }
}

const ALL_OPCODES = Array.from({ length: 256 }, (_, i) => i);
