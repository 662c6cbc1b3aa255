// The two ways a consumer takes packets from the readers (see PacketSink): offsets or objects.
import type { HciPacket, Packet } from '../model.js';
import { view } from './bytes.js';
import type { PacketOut, PacketSink } from './format.js';

/** out as a sink: a function gets one HciPacket object (a view of the chunk) per HCI packet. */
export function sinkOf(out: PacketOut): PacketSink {
  if (typeof out !== 'function') return out;
  return {
    hci(buf, start, end, type, sent, record, t, adapter, directionKnown) {
      const p: HciPacket = { kind: 'hci', record, t, type, sent, data: view(buf, start, end) };
      if (adapter >= 0) p.adapter = adapter;
      if (!directionKnown) p.directionKnown = false;
      out(p);
    },
    packet: out,
  };
}

/** out as a function of Packet objects (for readers that build them: text exports, btsnooz). */
export function emitterOf(out: PacketOut): (p: Packet) => void {
  return typeof out === 'function' ? out : out.packet;
}
