// The printed commands (resume hint) name the program the way the user can run it again.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { howInvoked } from '../src/invocation.js';

const root = mkdtempSync(join(tmpdir(), 'bmsw-invocation-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const clone = join(root, 'clone');
mkdirSync(join(clone, 'bin'), { recursive: true });
const launcher = join(clone, 'bin', 'bms-wizard.js');
writeFileSync(launcher, '#!/usr/bin/env node\n');
chmodSync(launcher, 0o755);

describe('howInvoked', () => {
  it('from a clone (npm run demo): node and the launcher path relative to the folder', () => {
    expect(howInvoked(launcher, { PATH: '/usr/bin:/bin', npm_lifecycle_event: 'demo' }, clone)).toBe('node bin/bms-wizard.js');
    expect(howInvoked(launcher, { PATH: '/usr/bin' }, join(clone, 'bin'))).toBe('node bms-wizard.js');
  });

  it('installed (bms-wizard on PATH is this launcher): bms-wizard', () => {
    const bin = join(root, 'global-bin');
    mkdirSync(bin);
    symlinkSync(launcher, join(bin, 'bms-wizard'));
    expect(howInvoked(launcher, { PATH: `/usr/bin:${bin}` }, root)).toBe('bms-wizard');
  });

  it('under npx: npx bms-wizard; far away from the clone: the absolute path', () => {
    expect(howInvoked(join(clone, 'node_modules/.bin/bms-wizard'), { PATH: '/usr/bin' }, clone)).toBe('npx bms-wizard');
    expect(howInvoked(join(root, '.npm/_npx/1a2b/node_modules/.bin/bms-wizard'), { PATH: '/usr/bin' }, root)).toBe('npx bms-wizard');
    // A shell started under `npm exec` passes npm's variables on; the launcher path decides.
    expect(howInvoked(launcher, { PATH: '/usr/bin', npm_command: 'exec' }, clone)).toBe('node bin/bms-wizard.js');
    expect(howInvoked(launcher, { PATH: '/usr/bin' }, join(root, 'elsewhere'))).toBe(`node ${launcher}`);
  });
});
