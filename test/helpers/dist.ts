// The built CLI (dist/) for tests that run code outside vitest's transform: child processes,
// worker threads, tmux. `npm test` builds first; a lone `npx vitest run FILE` builds here when
// dist/ is missing or older than src/. A lock keeps two test files from running tsc at once.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from '../../scripts/dist-fresh.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = join(REPO, 'dist');
export const BIN = join(REPO, 'bin/bms-wizard.js');

function fresh(): boolean {
  return distIsFresh(REPO);
}

export function writeHelpTable(): void {
  spawnSync(process.execPath, [join(DIST, 'build-help-table.js')], { cwd: REPO, encoding: 'utf8' });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Compiles src/ into dist/ unless it is up to date (type errors elsewhere do not stop the emit). */
export async function ensureDist(): Promise<void> {
  if (fresh()) return;
  const lock = join(REPO, '.dist-build.lock');
  for (let i = 0; ; i++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // another test file is building; a lock older than 3 minutes is from a killed run
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) unlinkSync(lock);
      } catch {
        /* gone meanwhile */
      }
      await sleep(200);
    }
  }
  try {
    if (!fresh()) {
      spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.json')], { cwd: REPO, encoding: 'utf8' });
      writeHelpTable();
    }
  } finally {
    unlinkSync(lock);
  }
  if (!existsSync(join(DIST, 'cli.js'))) throw new Error('tsc did not produce dist/cli.js');
}
