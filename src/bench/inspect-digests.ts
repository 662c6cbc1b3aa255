// Before/after proof that a speed change kept `inspect` byte-identical: prints one line per corpus
// capture and mode with the SHA-256 of stdout, stderr and the exit code. Run it with this build and
// with another (e.g. main's) and diff the two listings:
//   node dist/bench/inspect-digests.js [CLI_JS] [CAPTURE_DIR] > after.txt
// CLI_JS defaults to this build's dist/cli.js, CAPTURE_DIR to ../shared/captures.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { corpusPath } from './shapes.js';

const MODES: string[][] = [[], ['--summary'], ['--json'], ['--summary', '--json']];

class Sink extends Writable {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.hash.update(b);
    this.bytes += b.length;
    done();
  }
}

type Main = (argv: string[], ctx: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv }) => Promise<number>;

const [cliArg, dirArg] = process.argv.slice(2);
const cli = cliArg ? pathToFileURL(resolve(cliArg)).href : new URL('../cli.js', import.meta.url).href;
const dir = dirArg ? resolve(dirArg) : corpusPath('');

async function run(): Promise<void> {
  const { main } = (await import(cli)) as { main: Main };
  const files = readdirSync(dir)
    .filter((f) => f !== 'MANIFEST.md' && statSync(join(dir, f)).isFile())
    .sort();
  for (const f of files) {
    for (const mode of MODES) {
      const out = new Sink();
      const err = new Sink();
      // Relative to the folder so that both builds print the same paths.
      const code = await main(['inspect', ...mode, f], { stdin: process.stdin, stdout: out, stderr: err, env: { NO_COLOR: '1' } });
      process.stdout.write(`${f} ${mode.join(' ') || '(events)'} exit ${code} out ${out.bytes} ${out.hash.digest('hex').slice(0, 16)} err ${err.bytes} ${err.hash.digest('hex').slice(0, 16)}\n`);
    }
  }
}

process.chdir(dir);
run().then(
  () => undefined,
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
