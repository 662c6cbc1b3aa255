// How the user started this bms-wizard, so that printed commands (the resume hint) work when
// pasted: after `npm run demo` in a clone, `bms-wizard` is not on PATH.
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';

const same = (a: string, b: string): boolean => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
};

const quote = (s: string): string => (/^[\w./:@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * 'bms-wizard' when that name on PATH is this launcher, 'npx bms-wizard' under npx, otherwise
 * 'node bin/bms-wizard.js' (the launcher's path relative to cwd, or absolute when far away).
 */
export function howInvoked(script: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (!script) return 'bms-wizard';
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'bms-wizard');
    if (existsSync(candidate) && same(candidate, script)) return 'bms-wizard';
  }
  // npx runs the package's bin link (node_modules/.bin, or its cache folder _npx).
  if (/[\\/](?:node_modules[\\/]\.bin|_npx)[\\/]/.test(script)) return 'npx bms-wizard';
  const rel = relative(cwd, script);
  return `node ${quote(rel.startsWith('..') || isAbsolute(rel) ? script : rel)}`;
}
