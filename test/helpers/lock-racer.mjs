// Child process for the lock race tests: waits for "go" on stdin, takes the session lock through
// the BUILT store, prints "owner" or "refused", then holds the lock until stdin says "end" (so
// every owner of one trial is an owner at the same time). Args: DIST FILE
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const [dist, file] = process.argv.slice(2);
const store = await import(pathToFileURL(join(dist, 'session/store.js')).href);
const lines = createInterface({ input: process.stdin });
const next = () => new Promise((r) => lines.once('line', r));
process.stdout.write('started\n');
await next();
let lock = null;
try {
  lock = await store.lockSession(file);
  process.stdout.write('owner\n');
} catch (e) {
  process.stdout.write(`refused ${e.message}\n`);
}
await next();
if (lock) await lock.release();
lines.close();
