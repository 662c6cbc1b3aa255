// Is dist/ the build of the current src/? Shared by `npm run demo` (build only when needed) and
// the tests that run the built CLI (test/helpers/dist.ts). Plain JS: it runs before any build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** True when every src/**.ts has its dist/**.js written after the source last changed. */
function freshIn(src, out) {
  for (const e of readdirSync(src, { withFileTypes: true })) {
    const p = join(src, e.name);
    if (e.isDirectory()) {
      if (!freshIn(p, join(out, e.name))) return false;
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
      const js = join(out, e.name.replace(/\.ts$/, '.js'));
      if (!existsSync(js) || statSync(js).mtimeMs < statSync(p).mtimeMs) return false;
    }
  }
  return true;
}

/** dist/ holds the launcher's entry and a build of every source file that is newer than it. */
export function distIsFresh(repo) {
  return existsSync(join(repo, 'dist', 'cli.js')) && freshIn(join(repo, 'src'), join(repo, 'dist'));
}
