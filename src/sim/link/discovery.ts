// The GATT discovery a phone runs after connecting: primary services (Read By Group Type),
// characteristics per service (Read By Type 0x2803) and descriptors (Find Information), each
// continued until the server answers "Attribute Not Found", with answers packed to the MTU.
import { concat } from '../bytes.js';
import { propertyByte, uuidBytes, type SimGatt } from '../gatt.js';
import { ATT, errorResponse, le16, pdu } from './att.js';

const NOT_FOUND = 0x0a;

/** Request/response pairs of ATT PDUs, in the order the client sends them. */
export function discoveryExchange(g: SimGatt, mtu: number): [Uint8Array, Uint8Array][] {
  const out: [Uint8Array, Uint8Array][] = [];
  // Primary services.
  let start = 1;
  for (;;) {
    const req = pdu(ATT.READ_BY_GROUP_REQ, le16(start), le16(0xffff), le16(0x2800));
    const found = g.services.filter((s) => s.startHandle >= start);
    if (found.length === 0) {
      out.push([req, errorResponse(ATT.READ_BY_GROUP_REQ, start, NOT_FOUND)]);
      break;
    }
    const size = uuidBytes(found[0]!.uuid).length;
    const entries: Uint8Array[] = [];
    for (const s of found) {
      if (uuidBytes(s.uuid).length !== size || 2 + (entries.length + 1) * (4 + size) > mtu) break;
      entries.push(concat([le16(s.startHandle), le16(s.endHandle), uuidBytes(s.uuid)]));
    }
    out.push([req, pdu(ATT.READ_BY_GROUP_RSP, [4 + size], ...entries)]);
    start = found[entries.length - 1]!.endHandle + 1;
  }
  // Characteristics of each service.
  for (const s of g.services) {
    let from = s.startHandle;
    for (;;) {
      const req = pdu(ATT.READ_BY_TYPE_REQ, le16(from), le16(s.endHandle), le16(0x2803));
      const found = s.characteristics.filter((c) => c.declHandle >= from);
      if (found.length === 0) {
        out.push([req, errorResponse(ATT.READ_BY_TYPE_REQ, from, NOT_FOUND)]);
        break;
      }
      const size = uuidBytes(found[0]!.uuid).length;
      const entries: Uint8Array[] = [];
      for (const c of found) {
        if (uuidBytes(c.uuid).length !== size || 2 + (entries.length + 1) * (5 + size) > mtu) break;
        entries.push(concat([le16(c.declHandle), [propertyByte(c.properties)], le16(c.handle), uuidBytes(c.uuid)]));
      }
      out.push([req, pdu(ATT.READ_BY_TYPE_RSP, [5 + size], ...entries)]);
      const last = found[entries.length - 1]!.handle;
      if (last >= s.endHandle) break;
      from = last + 1;
    }
  }
  // Descriptors: the handles between a characteristic's value and the next declaration.
  for (const s of g.services) {
    s.characteristics.forEach((c, i) => {
      const end = i + 1 < s.characteristics.length ? s.characteristics[i + 1]!.declHandle - 1 : s.endHandle;
      if (end <= c.handle) return;
      const entries = c.descriptors.map((d) => concat([le16(d.handle), uuidBytes(d.uuid)]));
      out.push([pdu(ATT.FIND_INFO_REQ, le16(c.handle + 1), le16(end)), pdu(ATT.FIND_INFO_RSP, [0x01], ...entries)]);
    });
  }
  return out;
}
