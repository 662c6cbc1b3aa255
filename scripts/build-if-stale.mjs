// `npm run demo` and friends: build dist/ only when a source changed since the last build, and
// say so while it builds (tsc takes a while on a small machine).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from './dist-fresh.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!distIsFresh(repo)) {
  const began = Date.now();
  process.stderr.write('Building bms-wizard (TypeScript → dist/): first run, or the sources changed since the last build…\n');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    process.stderr.write(`The build failed (exit ${r.status ?? r.signal}); see the compiler's messages above.\n`);
    process.exit(r.status ?? 1);
  }
  process.stderr.write(`Built in ${((Date.now() - began) / 1000).toFixed(1)} s.\n`);
}
