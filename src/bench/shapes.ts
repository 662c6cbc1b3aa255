// The capture shapes the reading benchmark measures (issue 12's table): each a large file built by
// repeating the records of one capture in its own format (header once, records again and again).
// Real corpus files when ../shared/captures is present, simulated look-alikes otherwise.
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pklgByteOrder } from '../capture/pklg.js';
import { simulateCapture } from '../sim/capture.js';

/** ../shared/captures from the repository root (dist/bench or src/bench → ../../../shared). */
export function corpusPath(name: string): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/captures', name);
}

export interface Shape {
  /** Short name for the table: 'jk-full-hci', 'pklg', … */
  name: string;
  /** What the records come from (a corpus file name, or the look-alike used without the corpus). */
  from: string;
  /** The source capture's bytes. */
  bytes: Buffer;
}

/** Where the file header ends and the repeatable records start/end, per container. */
function layoutOf(b: Buffer): { header: number; end: number } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.toString('latin1', 0, 7) === 'btsnoop') return walk(b, 16, (o) => 24 + dv.getUint32(o + 4));
  if (dv.getUint32(0, true) === 0x0a0d0d0a) {
    // pcapng: the section and interface blocks once, then every block from the first packet on.
    const le = dv.getUint32(8, true) === 0x1a2b3c4d;
    let o = 0;
    while (o + 12 <= b.length) {
      const type = dv.getUint32(o, le);
      if (type === 2 || type === 3 || type === 6) break;
      o += dv.getUint32(o + 4, le);
    }
    return walk(b, o, (x) => dv.getUint32(x + 4, le));
  }
  const magic = dv.getUint32(0, true);
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) return walk(b, 24, (o) => 16 + dv.getUint32(o + 8, true));
  if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) return walk(b, 24, (o) => 16 + dv.getUint32(o + 8, false));
  const order = pklgByteOrder(b);
  if (order === null) throw new Error('the bench shape is not a btsnoop, pcap, pcapng or PacketLogger file');
  return walk(b, 0, (o) => 4 + dv.getUint32(o, order === 'LE'));
}

/** The end of the last whole record from header on. */
function walk(b: Buffer, header: number, size: (o: number) => number): { header: number; end: number } {
  let o = header;
  for (;;) {
    const n = o + 16 <= b.length ? size(o) : 0;
    if (n <= 0 || o + n > b.length) return { header, end: o };
    o += n;
  }
}

/** Writes ≥ sizeMB: the shape's header, then its records repeated. Returns the bytes written. */
export function writeShape(file: string, shape: Shape, sizeMB: number): number {
  const { header, end } = layoutOf(shape.bytes);
  const body = shape.bytes.subarray(header, end);
  if (body.length === 0) throw new Error(`${shape.from} has no records to repeat`);
  const target = sizeMB * 1024 * 1024;
  const copies = Math.max(1, Math.floor((8 * 1024 * 1024) / body.length));
  const block = Buffer.concat(new Array<Buffer>(copies).fill(body));
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    writeSync(fd, shape.bytes, 0, header);
    bytes = header;
    while (bytes < target) bytes += writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function corpusOr(name: string, lookAlike: () => Buffer, what: string): { from: string; bytes: Buffer } {
  const path = corpusPath(name);
  if (existsSync(path)) return { from: name, bytes: readFileSync(path) };
  return { from: `${what} (simulated: ../shared/captures absent)`, bytes: lookAlike() };
}

const sim = (o: Omit<Parameters<typeof simulateCapture>[0], 'switchOn'>): Buffer => simulateCapture({ rounds: 1, seconds: 60, ...o, switchOn: true }).bytes;

/** The shapes of issue 12's table, in its order. */
export function benchShapes(): Shape[] {
  return [
    {
      name: 'jk-full-hci',
      // Always simulated: the corpus has no full-HCI JK log with 20–27-byte ACL fragments.
      from: 'simulated full-HCI JK log (300-byte frames in 27-byte ACL fragments)',
      bytes: sim({ protocol: 'jk', aclOnly: false, aclFragment: 27, mtu: 247, deviceMtu: 247 }),
    },
    { name: 'acl-only', ...corpusOr('jk_b2a16s_jk04_cmds.btsnoop', () => sim({ protocol: 'jk', aclOnly: true }), 'ACL-only JK log') },
    { name: 'full-hci', ...corpusOr('nexxtender_fuut_20250125165300.cfa.btsnoop', () => sim({ protocol: 'jbd', aclOnly: false }), 'full-HCI JBD log') },
    { name: 'pklg', ...corpusOr('even_g2_glasses_app-control.pklg', () => sim({ protocol: 'jbd', format: 'pklg' }), 'PacketLogger JBD log') },
    { name: 'air', ...corpusOr('heartrate_strap_nrfsniffer.pcapng', () => sim({ protocol: 'jbd', format: 'pcap-ll' }), 'air capture of a JBD') },
  ];
}
