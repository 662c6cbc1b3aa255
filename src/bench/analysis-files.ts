// Bench rows: `analyze` of about 1 GB of real-shaped captures (loadCaptures + analyze in a fresh
// process, analysis-files-child.ts): values and messages analysed, CPU, peak RSS. Each state's file
// is one long connection of the full-HCI JK look-alike (300-byte frames in 27-byte ACL fragments),
// its notification records repeated (its setup once): an hour-long recording, not thousands of
// app sessions.
import { execFile } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BTSNOOP_FILE_HEADER, BTSNOOP_RECORD_HEADER } from '../capture/btsnoop.js';
import { simulateCapture } from '../sim/capture.js';
import type { FilesChildResult } from './analysis-files-child.js';
import type { BenchOptions, BenchRow } from './table.js';

/** Record offsets of a btsnoop file (after its header). */
function records(b: Buffer): number[] {
  const out: number[] = [];
  for (let o = BTSNOOP_FILE_HEADER; o + BTSNOOP_RECORD_HEADER <= b.length; o += BTSNOOP_RECORD_HEADER + b.readUInt32BE(o + 4)) out.push(o);
  return out;
}

/** Writes ≥ sizeMB: the capture's header and first fifth once, then the records of its middle again and again. */
function writeLongCapture(file: string, capture: Buffer, sizeMB: number): number {
  const rec = records(capture);
  const from = rec[Math.floor(rec.length / 5)]!;
  const to = rec[Math.floor((rec.length * 4) / 5)]!;
  const block = Buffer.concat(new Array<Buffer>(Math.max(1, Math.floor((8 << 20) / (to - from)))).fill(capture.subarray(from, to)));
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    bytes += writeSync(fd, capture, 0, from);
    while (bytes < sizeMB * 1024 * 1024) bytes += writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function child(on: string, off: string): Promise<FilesChildResult> {
  const script = fileURLToPath(new URL('./analysis-files-child.js', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, on, off], { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout) as FilesChildResult);
    });
  });
}

/** The captures of both states, sizeMB in all. */
export async function analyzeFilesRows(o: BenchOptions, totalMB: number): Promise<BenchRow[]> {
  const files: string[] = [];
  let bytes = 0;
  for (const switchOn of [true, false]) {
    const capture = simulateCapture({ protocol: 'jk', rounds: 1, seconds: 600, switchOn, aclOnly: false, aclFragment: 27, mtu: 247, deviceMtu: 247 }).bytes;
    const file = join(o.tmp, `analyze-${switchOn ? 'on' : 'off'}.btsnoop`);
    bytes += writeLongCapture(file, capture, totalMB / 2);
    files.push(file);
  }
  const mb = Math.round(bytes / 2 ** 20);
  o.log(`analyze of ${mb} MB of full-HCI JK captures (2 files, one connection each)`);
  const r = await child(files[0]!, files[1]!);
  o.log(`${r.values.toLocaleString('en-US')} values, ${r.messages.toLocaleString('en-US')} messages: ${r.cpuS.toFixed(1)} s CPU, peak RSS ${r.peakRssMB} MB, best candidate ${r.found}`);
  const what = `analyze of ${mb} MB of full-HCI JK captures (1 connection per state)`;
  return [
    { section: 'analysis', measure: `${what}: values → messages analysed, CPU`, value: `${r.values.toLocaleString('en-US')} → ${r.messages.toLocaleString('en-US')} in ${r.cpuS.toFixed(1)} s`, goal: 'completes, switch found', ok: r.found.endsWith('byte 199 mask 0x01') },
    { section: 'analysis', measure: `${what}: peak RSS`, value: `${r.peakRssMB} MB (${(r.peakRssMB / mb).toFixed(2)} × the captures)`, goal: 'bounded by what it keeps', ok: null },
  ];
}
