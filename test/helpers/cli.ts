// Runs the CLI in this process with captured streams (stdin is not a terminal, colour off).
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** `terminal`: stdout is a terminal that many columns wide (colour stays off). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, o: { terminal?: number } = {}): Promise<CliResult> {
  const stdout = o.terminal ? Object.assign(new PassThrough(), { isTTY: true, columns: o.terminal }) : new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  const code = await main(args, { stdin: new PassThrough(), stdout, stderr, env: { ...env, NO_COLOR: '1' } });
  return { code, out, err };
}
