// Runs capture-reader cases in a worker thread on the built readers (dist/), so that a case that
// hangs is stopped and named instead of freezing the run, and judges each outcome: packets (plus
// at most a located damage report) or one CaptureError naming the file; never another exception,
// a hang, or memory out of proportion to the input. Shared by the reader fuzz tests.
import { Worker } from 'node:worker_threads';
import { DIST } from './dist.js';

/** A case that takes longer than this has hung (a generous guard, not a speed claim). */
export const CASE_GUARD_MS = 15_000;
/** Memory one case may add on top of its input (rss growth). */
export const MEMORY_ALLOWANCE = 192 * 1024 * 1024;

export interface Case {
  label: string;
  bytes?: Uint8Array;
  path?: string;
  chunkSize?: number;
}
export interface Outcome {
  outcome: 'result' | 'capture-error' | 'exception' | 'hang';
  message?: string;
  detail?: { file?: string; record?: number; offset?: number };
  format?: string;
  packets?: number;
  damage?: { message: string; detail: { record?: number; offset?: number }; isCaptureError: boolean } | null;
  oddity?: string | null;
  growth?: number;
  stack?: string | null;
}

/** Runs cases in a worker on dist/, restarting it after a hang. Returns one outcome per case. */
export async function runCases(cases: Case[]): Promise<Outcome[]> {
  const out: Outcome[] = new Array(cases.length);
  let next = 0;
  while (next < cases.length) {
    const batch = cases.slice(next);
    const offset = next;
    await new Promise<void>((resolve, reject) => {
      const w = new Worker(new URL('./fuzz-worker.mjs', import.meta.url), { workerData: { dist: DIST }, resourceLimits: { maxOldGenerationSizeMb: 512 } });
      let current = -1;
      let timer: NodeJS.Timeout | null = null;
      const arm = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          out[offset + current] = { outcome: 'hang', message: `no end within ${CASE_GUARD_MS} ms` };
          next = offset + current + 1;
          void w.terminate().then(() => resolve());
        }, CASE_GUARD_MS);
      };
      w.on('message', (m: { start?: number; done?: number; end?: boolean } & Outcome) => {
        if (m.start !== undefined) {
          current = m.start;
          arm();
        } else if (m.done !== undefined) {
          out[offset + m.done] = m;
        } else if (m.end) {
          if (timer) clearTimeout(timer);
          next = cases.length;
          void w.terminate().then(() => resolve());
        }
      });
      w.on('error', (e) => {
        if (timer) clearTimeout(timer);
        // out of memory in the worker, or a crash: record it on the current case and go on
        out[offset + Math.max(current, 0)] = { outcome: 'exception', message: `worker died: ${e.message}` };
        next = offset + Math.max(current, 0) + 1;
        resolve();
      });
      w.on('exit', () => undefined);
      w.postMessage({ cases: batch.map((c) => ({ bytes: c.bytes, path: c.path, chunkSize: c.chunkSize })) });
      void reject;
    });
  }
  return out;
}

/** What is wrong with one outcome, or null when it is one of the allowed endings. */
export function wrong(c: Case, o: Outcome | undefined, inputBytes: number): string | null {
  if (!o) return `${c.label}: no outcome`;
  if (o.outcome === 'hang') return `${c.label}: hang (${o.message})`;
  if (o.outcome === 'exception') return `${c.label}: ${o.message}${o.stack ? `\n${o.stack.split('\n').slice(1, 4).join('\n')}` : ''}`;
  if ((o.growth ?? 0) > MEMORY_ALLOWANCE + 8 * inputBytes) return `${c.label}: memory grew by ${Math.round((o.growth ?? 0) / 1e6)} MB`;
  const file = c.path ?? 'fuzz.bin';
  if (o.outcome === 'capture-error') {
    if (!o.message?.startsWith(file)) return `${c.label}: error does not name the file: ${o.message}`;
    if (/\n/.test(o.message ?? '')) return `${c.label}: error is more than one line: ${o.message}`;
    return null;
  }
  if (o.oddity) return `${c.label}: ${o.oddity}`;
  if (o.damage) {
    if (!o.damage.isCaptureError) return `${c.label}: damage is not a CaptureError`;
    if (!o.damage.message.startsWith(file)) return `${c.label}: damage does not name the file: ${o.damage.message}`;
    // a problem of the whole file (nothing read) needs no record; damage after packets does
    if (o.packets !== 0 && o.damage.detail.record === undefined && o.damage.detail.offset === undefined) return `${c.label}: damage names no record or offset: ${o.damage.message}`;
  }
  return null;
}

/** Deterministic generator (LCG) so that every failure reproduces from its label. */
export function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

