// The decoder exports by format name: each turns a session into the file's text (or bytes).
import type { Session } from '../session/schema.js';
import { decoderModel } from './decoder-model.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { aiobmsbleDraft, type DraftCheck, type ExportFile } from './aiobmsble.js';
import { bundleZip } from './bundle.js';
import { luaDissector } from './lua.js';
import { runProgram } from '../recorders/process.js';
import { VERSION } from '../version.js';

/** One file's text or bytes, or several files (written under --out DIR). */
export type DecoderOutput = string | Uint8Array | ExportFile[];

export const DECODER_FORMATS: Record<string, (session: Session, redact: boolean) => DecoderOutput | Promise<DecoderOutput>> = {
  lua: (session) => luaDissector(decoderModel(session), `bms-wizard ${VERSION}`),
  bundle: (session, redact) => bundleZip(session, redact),
  aiobmsble: async (session) => {
    const model = decoderModel(session);
    const by = `bms-wizard ${VERSION}`;
    return aiobmsbleDraft(model, by, await runDraftTest(aiobmsbleDraft(model, by)));
  },
};

/** Runs the draft's test with python3 in a scratch folder, so the header can say what it gave. */
export async function runDraftTest(files: ExportFile[]): Promise<DraftCheck> {
  const dir = await mkdtemp(join(tmpdir(), 'bmsw-aiobmsble-'));
  try {
    for (const f of files) {
      await mkdir(dirname(join(dir, f.path)), { recursive: true });
      await writeFile(join(dir, f.path), f.data);
    }
    const test = files.find((f) => f.path.startsWith('tests/'))!;
    const plugin = files.find((f) => f.path.startsWith('aiobmsble/'))!;
    const env = { ...process.env, PYTHONPATH: dirname(join(dir, plugin.path)), PYTHONDONTWRITEBYTECODE: '1' };
    const r = await runProgram('python3', [join(dir, test.path)], { timeoutMs: 30_000, env, allowFailure: true }).catch((err: Error) => err);
    if (r instanceof Error) return { ran: false, why: r.message };
    const lines = `${r.stdout}${r.stderr}`.trim().split('\n');
    return { ran: true, ok: r.code === 0, output: lines[lines.length - 1]?.slice(0, 200) ?? '' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
