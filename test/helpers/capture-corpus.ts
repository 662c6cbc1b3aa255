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
