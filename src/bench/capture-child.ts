// Measures one capture in a fresh process (so that its peak RSS is the reading's own). Modes:
//   summary  `inspect --summary` (the CLI's own code path, output counted and dropped)
//   json     `inspect --json` (output bytes counted and dropped)
//   extract  the extraction under `analyze`: every event built with an owned copy of its value
//   parse    the capture driver and its reader alone
// Prints one JSON object on stdout.
import { Writable } from 'node:stream';
import { readCaptureFile } from '../capture/read.js';
import { main } from '../cli.js';
import { extractAttFromFile } from '../hci/extract-file.js';

export type ChildMode = 'summary' | 'json' | 'extract' | 'parse';

export interface ChildResult {
  bytes: number;
  cpuMs: number;
  wallMs: number;
  /** Bytes the command wrote to stdout (summary, json). */
  outBytes: number;
  /** Events (extract) or packets (parse). */
  items: number;
  maxRssKB: number;
}

class Counter extends Writable {
  bytes = 0;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    done();
  }
}

async function measure(file: string, mode: ChildMode): Promise<ChildResult> {
  const out = new Counter();
  let items = 0;
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (mode === 'summary' || mode === 'json') {
    const err = new Counter();
    const code = await main(['inspect', `--${mode}`, file], { stdin: process.stdin, stdout: out, stderr: err, env: { NO_COLOR: '1' } });
    if (code !== 0) throw new Error(`inspect --${mode} exited ${code}`);
  } else if (mode === 'extract') {
    const r = await extractAttFromFile(file, { keepEvents: false, hash: false, onEvent: () => void items++ });
    bytes = r.capture.bytes;
  } else {
    const info = await readCaptureFile(file, () => void items++);
    bytes = info.bytes;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { bytes, cpuMs: (cpu.user + cpu.system) / 1000, wallMs, outBytes: out.bytes, items, maxRssKB: process.resourceUsage().maxRSS };
}

const [file, mode = 'summary'] = process.argv.slice(2);
if (!file || !['summary', 'json', 'extract', 'parse'].includes(mode)) {
  process.stderr.write('usage: capture-child FILE summary|json|extract|parse\n');
  process.exit(2);
}
measure(file, mode as ChildMode).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
