#!/usr/bin/env node
// Launcher only: the CLI lives in dist/ (built by `npm run build`).
import { runFromProcess } from '../dist/cli.js';

await runFromProcess();
