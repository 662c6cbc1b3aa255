// The decoder exports by format name: each turns a session into the file's text (or bytes).
import type { Session } from '../session/schema.js';
import { decoderModel } from './decoder-model.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { aiobmsbleDraft, type DraftCheck, type ExportFile } from './aiobmsble.js';
import { bundleZip } from './bundle.js';
import { luaDissector } from './lua.js';
import { VERSION } from '../version.js';

/** One file's text or bytes, or several files (written under --out DIR). */
export type DecoderOutput = string | Uint8Array | ExportFile[];

export const DECODER_FORMATS: Record<string, (session: Session, redact: boolean) => DecoderOutput> = {
  lua: (session) => luaDissector(decoderModel(session), `bms-wizard ${VERSION}`),
  bundle: (session, redact) => bundleZip(session, redact),
  aiobmsble: (session) => {
    const model = decoderModel(session);
    const by = `bms-wizard ${VERSION}`;
    return aiobmsbleDraft(model, by, runDraftTest(aiobmsbleDraft(model, by)));
  },
};

/** Runs the draft's test with python3 in a scratch folder, so the header can say what it gave. */
export function runDraftTest(files: ExportFile[]): DraftCheck {
  const dir = mkdtempSync(join(tmpdir(), 'bmsw-aiobmsble-'));
  try {
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.data);
    }
    const test = files.find((f) => f.path.startsWith('tests/'))!;
    const plugin = files.find((f) => f.path.startsWith('aiobmsble/'))!;
    const r = spawnSync('python3', [join(dir, test.path)], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, PYTHONPATH: dirname(join(dir, plugin.path)), PYTHONDONTWRITEBYTECODE: '1' } });
    if (r.error) return { ran: false, why: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'python3 not found' : r.error.message };
    const lines = `${r.stdout}${r.stderr}`.trim().split('\n');
    return { ran: true, ok: r.status === 0, output: lines[lines.length - 1]?.slice(0, 200) ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
