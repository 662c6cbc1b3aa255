// Linux Bluetooth monitor opcodes (btsnoop datalink 2001 and LINKTYPE_BLUETOOTH_LINUX_MONITOR).
import { HCI_ACL, HCI_COMMAND, HCI_EVENT, HCI_ISO, HCI_SCO } from '../model.js';

/**
 * Opcodes that carry HCI traffic, as [H4 type, sent]. The others (new/delete/open/close index,
 * index info, vendor diagnostics, system notes, user logging, control channel) carry none.
 */
export const MONITOR_OPCODES: ReadonlyArray<readonly [number, boolean] | undefined> = (() => {
  const m: Array<readonly [number, boolean] | undefined> = [];
  m[2] = [HCI_COMMAND, true];
  m[3] = [HCI_EVENT, false];
  m[4] = [HCI_ACL, true];
  m[5] = [HCI_ACL, false];
  m[6] = [HCI_SCO, true];
  m[7] = [HCI_SCO, false];
  m[18] = [HCI_ISO, true];
  m[19] = [HCI_ISO, false];
  return m;
})();

/** The opcode a writer gives an HCI packet of this H4 type and direction (undefined: none carries it). */
export function monitorOpcode(type: number, sent: boolean): number | undefined {
  const i = MONITOR_OPCODES.findIndex((o) => o !== undefined && o[0] === type && (o[1] === sent || type === HCI_COMMAND || type === HCI_EVENT));
  return i < 0 ? undefined : i;
}
