// For every binary capture of the shared corpus, the events of `inspect --json` contain, in order,
// every row that Wireshark decodes (../shared/captures/expected/NAME.att.tsv: frame, opcode,
// handle, value), at the same record number.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli.js';

const CAPTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/captures');
const EXPECTED = join(CAPTURES, 'expected');
const BINARY = /\.(btsnoop|pklg|pcap|pcapng)$/;

interface JsonEvent {
  record: number;
  opcode: number;
  handle: number;
  value: string;
}

/** `bms-wizard inspect FILE --json`, parsed. */
async function inspectJson(path: string): Promise<{ code: number; events: JsonEvent[]; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  let err = '';
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(['inspect', path, '--json'], { stdin: new PassThrough(), stdout, stderr, env: {} });
  const text = Buffer.concat(out).toString();
  const events = text ? text.trim().split('\n').map((l) => JSON.parse(l) as JsonEvent) : [];
  return { code, events, err };
}

interface Row {
  frame: number;
  opcode: number;
  handle: number;
  value: string;
}

function readExpected(name: string): Row[] {
  const lines = readFileSync(join(EXPECTED, `${name}.att.tsv`), 'utf8').split('\n').slice(1);
  return lines
    .filter((l) => l.trim())
    .map((l) => {
      const [frame, opcode, handle, value] = l.split('\t');
      return { frame: Number(frame), opcode: Number(opcode), handle: Number(handle), value: (value ?? '').trim().toLowerCase() };
    });
}

const present = existsSync(EXPECTED);
const files = present ? readdirSync(CAPTURES).filter((f) => BINARY.test(f) && existsSync(join(EXPECTED, `${f}.att.tsv`))).sort() : [];

describe.skipIf(!present)('corpus: our ATT events contain what Wireshark decodes', () => {
  it('finds the binary captures of the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  for (const file of files) {
    it(file, async () => {
      const rows = readExpected(file);
      const { code, events, err } = await inspectJson(join(CAPTURES, file));
      expect(code, err).toBe(0);
      // Greedy in-order match of each expected row on record, opcode, handle and value.
      let i = 0;
      const missing: string[] = [];
      for (const row of rows) {
        let j = i;
        while (j < events.length && events[j]!.record < row.frame) j++;
        let found = -1;
        for (; j < events.length && events[j]!.record === row.frame; j++) {
          const e = events[j]!;
          if (e.opcode === row.opcode && e.handle === row.handle && e.value === row.value) {
            found = j;
            break;
          }
        }
        if (found < 0) {
          if (missing.length < 5) missing.push(`frame ${row.frame} 0x${row.opcode.toString(16)} handle 0x${row.handle.toString(16)} ${row.value.slice(0, 40)}`);
          continue;
        }
        i = found + 1;
      }
      expect(missing, `${file}: rows Wireshark decodes that we miss`).toEqual([]);
    });
  }
});

if (!present) {
  it('corpus check skipped', () => {
    console.warn(`skipped: ${CAPTURES} is absent (the shared capture corpus lives beside the repository)`);
  });
}
