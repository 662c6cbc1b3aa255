// Builds a large btsnoop (datalink 1002) capture from the records of a real one: the steady-state
// ACL traffic (notifications, writes and their fragments) repeated with fresh, increasing timestamps.
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCaptureFile } from '../capture/read.js';
import { HCI_ACL, type HciPacket } from '../model.js';
import { simulateCapture } from '../sim/capture.js';

const BTSNOOP_EPOCH_US = 0x00dcddb30f2f8000n;
/** The JK-B1A20S15P log: 300-byte frames in ~150-byte notifications (a large MTU). */
export const SOURCE_CAPTURE = 'jk_b1a20s15p_sw1007.btsnoop';

export interface Source {
  name: string;
  packets: { sent: boolean; data: Buffer }[];
}

/** ../shared/captures from the repository root (dist/bench or src/bench → ../../../shared). */
export function corpusPath(name: string): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/captures', name);
}

/** ACL packets outside GATT setup (no MTU exchange or discovery), so that repeating them is one long session. */
function steadyState(p: HciPacket): boolean {
  if (p.type !== HCI_ACL || p.data.length < 9) return p.type === HCI_ACL && p.data.length >= 4;
  const pb = (p.data[1]! >> 4) & 3;
  if (pb === 0b01) return true; // continuation of a kept start
  const cid = p.data[6]! | (p.data[7]! << 8);
  const op = p.data[8]!;
  return cid !== 4 || op > 0x11;
}

/** The records to repeat: the real JK capture when ../shared is there, else a simulated JK session. */
export async function loadSource(): Promise<Source> {
  const path = corpusPath(SOURCE_CAPTURE);
  const packets: Source['packets'] = [];
  if (existsSync(path)) {
    await readCaptureFile(path, (p) => {
      if (p.kind === 'hci' && steadyState(p)) packets.push({ sent: p.sent, data: Buffer.from(p.data) });
    });
    return { name: SOURCE_CAPTURE, packets };
  }
  const sim = simulateCapture({ protocol: 'jk', switchOn: true, rounds: 1, seconds: 30, aclOnly: true, mtu: 247, deviceMtu: 247 });
  for (const p of sim.packets) if (steadyState(p)) packets.push({ sent: p.sent, data: Buffer.from(p.data) });
  return { name: 'simulated JK session (../shared/captures absent)', packets };
}

/** Writes ≥ sizeMB of repeated records to FILE; returns bytes and records written. */
export function writeRepeated(file: string, source: Source, sizeMB: number): { bytes: number; records: number } {
  const target = sizeMB * 1024 * 1024;
  const fd = openSync(file, 'w');
  const block = Buffer.allocUnsafe(8 * 1024 * 1024);
  let used = 0;
  let bytes = 0;
  let records = 0;
  const head = Buffer.alloc(16);
  head.write('btsnoop\0', 0, 'latin1');
  head.writeUInt32BE(1, 8);
  head.writeUInt32BE(1002, 12);
  writeSync(fd, head);
  bytes += 16;
  let t = BigInt(Date.UTC(2024, 0, 1)) * 1000n + BTSNOOP_EPOCH_US;
  try {
    while (bytes + used < target) {
      for (const p of source.packets) {
        const len = p.data.length + 1;
        if (used + 24 + len > block.length) {
          writeSync(fd, block, 0, used);
          bytes += used;
          used = 0;
        }
        block.writeUInt32BE(len, used);
        block.writeUInt32BE(len, used + 4);
        block.writeUInt32BE(p.sent ? 0 : 1, used + 8); // bit 0: received; bit 1 would mark commands/events
        block.writeUInt32BE(0, used + 12);
        block.writeBigUInt64BE(t, used + 16);
        block[used + 24] = HCI_ACL;
        p.data.copy(block, used + 25);
        used += 24 + len;
        records++;
        t += 700n;
      }
    }
    writeSync(fd, block, 0, used);
    bytes += used;
  } finally {
    closeSync(fd);
  }
  return { bytes, records };
}

export const benchFile = (tmp: string): string => join(tmp, 'bench.btsnoop');
