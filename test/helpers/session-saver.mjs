// Child process for the session fault tests: saves one session again and again through the BUILT
// session store, printing "saved N" after each save returned. Args: DIST FILE MODE COUNT [wait]
//   MODE lock   → take the session lock first (as the wizard does); exit 3 when it is refused
//   MODE nolock → no lock: shows the save itself stays atomic under concurrent writers
// Each save carries a counter in `notes` and a large payload, so a kill often lands mid-write.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [dist, file, mode, countArg] = process.argv.slice(2);
const store = await import(pathToFileURL(join(dist, 'session/store.js')).href);
const schema = await import(pathToFileURL(join(dist, 'session/schema.js')).href);

// With a 5th argument "wait", start up, then wait for a line on stdin before touching the session
// (the test starts the next child while it kills the current one: no startup time per kill).
if (process.argv[6] === 'wait') {
  process.stdout.write('started\n');
  await new Promise((r) => process.stdin.once('data', r));
}
let lock = null;
if (mode === 'lock') {
  try {
    lock = await store.lockSession(file);
  } catch (e) {
    process.stdout.write(`refused ${e.message}\n`);
    process.exit(3);
  }
}
let session;
try {
  session = (await store.loadSession(file)).session;
} catch {
  session = schema.newSession('fault-test', '0.0.0-test');
}
// ~150 KB of JSON per save: enough that kills hit the write, not only the gaps between saves
const events = Array.from({ length: 600 }, (_, i) => ({ record: i + 1, t: 1_700_000_000_000_000 + i, conn: 1, peer: 'a4:c1:38:00:11:22', dir: 'device-to-app', op: 'Handle Value Notification', opcode: 0x1b, handle: 17, uuid: 'ff01', value: 'dd03001d' + (i % 256).toString(16).padStart(2, '0') + '00'.repeat(60) }));
session.rounds = [{ state: 'on', index: 1, source: { kind: 'file', files: [] }, recordedAt: new Date().toISOString(), device: 'a4:c1:38:00:11:22', connections: [], otherEvents: 0, warnings: [], events }];
let n = Number(session.notes || 0);
process.stdout.write('ready\n');
const count = Number(countArg ?? 1e9);
for (let i = 0; i < count; i++) {
  n++;
  session.notes = String(n);
  session.device.name = `writer ${process.pid}`;
  await store.saveSession(file, session);
  process.stdout.write(`saved ${n}\n`);
}
if (lock) await lock.release();
