// Worker thread for the reader fuzz test: runs each case through the BUILT readers (dist/) so that
// the parent can stop a case that hangs (terminate) and measure memory per case. Plain JS: workers
// cannot load TypeScript. Protocol: parent posts {dist, cases}; we post {start: i} before each case
// and {done: i, ...outcome} after it, then {end: true}.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const { dist } = workerData;
const { readCaptureBuffer, readCaptureFile } = await import(pathToFileURL(join(dist, 'capture/read.js')).href);
const { CaptureError } = await import(pathToFileURL(join(dist, 'errors.js')).href);
// Packets also go through the ATT extraction, as in `inspect`: hostile packets must not break it.
const { createAttExtractor } = await import(pathToFileURL(join(dist, 'hci/extractor.js')).href);

function describeError(e) {
  if (e instanceof CaptureError) return { outcome: 'capture-error', message: e.message, detail: e.detail };
  return { outcome: 'exception', message: `${e?.name ?? 'throw'}: ${e?.message ?? String(e)}`, stack: e?.stack ?? null };
}

parentPort.on('message', async ({ cases }) => {
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    parentPort.postMessage({ start: i });
    let packets = 0;
    let lastRecord = 0;
    let outside = null;
    let events = 0;
    const x = createAttExtractor(() => events++);
    const emit = (p) => {
      x.push(p);
      packets++;
      if (p.record < lastRecord && outside === null) outside = `record numbers go back (${lastRecord} then ${p.record})`;
      lastRecord = p.record;
    };
    const before = process.memoryUsage();
    let r;
    try {
      const info = c.path !== undefined
        ? await readCaptureFile(c.path, emit, c.chunkSize ? { chunkSize: c.chunkSize } : {})
        : readCaptureBuffer(Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength), emit, 'fuzz.bin');
      x.finish();
      r = {
        outcome: 'result',
        events,
        format: info.format,
        records: info.records,
        packets,
        damage: info.damage ? { message: info.damage.message, detail: info.damage.detail, isCaptureError: info.damage instanceof CaptureError } : null,
        oddity: outside,
      };
    } catch (e) {
      r = { ...describeError(e), packets };
    }
    const after = process.memoryUsage();
    r.growth = Math.max(0, after.rss - before.rss);
    parentPort.postMessage({ done: i, ...r });
  }
  parentPort.postMessage({ end: true });
});
