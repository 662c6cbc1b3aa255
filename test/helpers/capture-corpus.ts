// Where the shared real-capture corpus lives (never copied into this repository).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/captures');
export const HAVE_CORPUS = existsSync(join(CORPUS, 'MANIFEST.md'));
export const SKIP_REASON = `real capture corpus not found at ${CORPUS}: corpus tests skipped`;

export function corpusFile(name: string): string {
  return join(CORPUS, name);
}

export interface ExpectedAtt {
  record: number;
  opcode: number;
  handle: number;
  value: string;
}

/** Rows of expected/NAME.att.tsv (what tshark decodes), or null when the file is absent. */
export function expectedAtt(name: string): ExpectedAtt[] | null {
  const path = join(CORPUS, 'expected', `${name}.att.tsv`);
  if (!existsSync(path)) return null;
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [frame, opcode, handle, value] = l.split('\t');
      return { record: Number(frame), opcode: Number(opcode), handle: Number(handle), value: value ?? '' };
    });
}

/** Record (or block) boundaries of a real file, found by walking its headers here in the test. */
export function boundaries(name: string, buf: Buffer): Array<{ start: number; end: number; packet: boolean }> {
  const out: Array<{ start: number; end: number; packet: boolean }> = [];
  if (name.endsWith('.btsnoop')) {
    for (let o = 16; o < buf.length; ) {
      const end = o + 24 + buf.readUInt32BE(o + 4);
      out.push({ start: o, end, packet: true });
      o = end;
    }
  } else if (name.endsWith('.pklg')) {
    const le = buf.readUInt32LE(0) < buf.length; // BTstack writes big-endian lengths
    for (let o = 0; o < buf.length; ) {
      const end = o + 4 + (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
      out.push({ start: o, end, packet: true });
      o = end;
    }
  } else if (name.endsWith('.pcap')) {
    for (let o = 24; o < buf.length; ) {
      const end = o + 16 + buf.readUInt32LE(o + 8);
      out.push({ start: o, end, packet: true });
      o = end;
    }
  } else {
    for (let o = 0; o < buf.length; ) {
      const type = buf.readUInt32LE(o);
      const end = o + buf.readUInt32LE(o + 4);
      out.push({ start: o, end, packet: type === 6 || type === 3 || type === 2 });
      o = end;
    }
  }
  return out;
}
