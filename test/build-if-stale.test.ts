// `npm run demo` builds only when the sources changed since the last build, and says so while it builds.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './helpers/dist.js';

const root = mkdtempSync(join(tmpdir(), 'bmsw-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A tiny project with the real scripts/ and a build that records each run. */
function project(): string {
  const dir = join(root, `p${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(join(dir, 'src'), { recursive: true });
  cpSync(join(REPO, 'scripts'), join(dir, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'src', 'cli.ts'), 'export {};\n');
  const build = "require('fs').mkdirSync('dist',{recursive:true});require('fs').writeFileSync('dist/cli.js','');require('fs').appendFileSync('builds','x')";
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'p', private: true, scripts: { build: `node -e "${build}"` } }));
  return dir;
}

const run = (dir: string) => spawnSync(process.execPath, [join(dir, 'scripts', 'build-if-stale.mjs')], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'silent' } });
const builds = (dir: string): number => {
  try {
    return readFileSync(join(dir, 'builds'), 'utf8').length;
  } catch {
    return 0;
  }
};

describe('build-if-stale (npm run demo)', () => {
  it('builds the first time and says so, then not again until a source changes', () => {
    const dir = project();
    const first = run(dir);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^Building bms-wizard \(TypeScript → dist\/\): first run, or the sources changed since the last build…\n/);
    expect(first.stderr).toMatch(/Built in \d+\.\d s\.\n$/);
    expect(builds(dir)).toBe(1);
    const second = run(dir);
    expect(second.status).toBe(0);
    expect(second.stderr).toBe('');
    expect(builds(dir)).toBe(1);
    // A source edited after the build: built again.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'src', 'cli.ts'), later, later);
    expect(run(dir).stderr).toMatch(/^Building/);
    expect(builds(dir)).toBe(2);
  });

  it('a source without its built file (a new file) also builds', () => {
    const dir = project();
    run(dir);
    writeFileSync(join(dir, 'src', 'new.ts'), 'export {};\n');
    expect(run(dir).stderr).toMatch(/^Building/);
  });

  it('a failing build stops the demo with its exit code and one sentence', () => {
    const dir = project();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'p', private: true, scripts: { build: 'node -e "process.exit(3)"' } }));
    const r = run(dir);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/The build failed \(exit 3\); see the compiler's messages above\.\n$/);
  });
});
