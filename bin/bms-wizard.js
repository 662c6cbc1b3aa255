#!/usr/bin/env node
// Launcher only: the CLI lives in dist/ (built by `npm run build`).
import { main } from '../dist/cli.js';

const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
process.exitCode = code;
