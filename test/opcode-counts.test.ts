import { describe, expect, it } from 'vitest';
import * as A from '../src/att.js';
import { OpcodeCounts } from '../src/hci/opcode-counts.js';

describe('per-handle opcode counts', () => {
  it('names the counts in opcode order, whatever order the events came in', () => {
    const c = new OpcodeCounts();
    for (const op of [A.ATT_WRITE_CMD, A.ATT_NOTIFICATION, A.ATT_NOTIFICATION, A.ATT_READ_RSP, A.ATT_EXECUTE_WRITE_REQ]) c.add(op);
    expect(Object.entries(c.named())).toEqual([
      [A.attOpName(A.ATT_READ_RSP), 1],
      [A.OP_PREPARED_WRITE, 1],
      [A.attOpName(A.ATT_NOTIFICATION), 2],
      [A.attOpName(A.ATT_WRITE_CMD), 1],
    ]);
  });

  it('still counts an opcode outside the value-carrying ones, in its place', () => {
    const c = new OpcodeCounts();
    c.add(A.ATT_NOTIFICATION);
    c.add(A.ATT_MTU_REQ);
    c.add(A.ATT_MTU_REQ);
    expect(Object.entries(c.named())).toEqual([
      [A.attOpName(A.ATT_MTU_REQ), 2],
      [A.attOpName(A.ATT_NOTIFICATION), 1],
    ]);
  });

  it('names nothing for a handle without events', () => {
    expect(new OpcodeCounts().named()).toEqual({});
  });
});
