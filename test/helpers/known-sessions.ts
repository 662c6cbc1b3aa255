// Sessions for the decoder export tests: the demo's (made by `bms-wizard demo`) and one built from
// real corpus captures (Lumentree register 168 written 0 then 1, read back in 1–9 byte fragments).
import type { AnalysisResult } from '../../src/analysis/types.js';
import { readFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze.js';
import { loadCaptures } from '../../src/recorders/files.js';
import { acceptCandidate } from '../../src/session/finding.js';
import { storeRound } from '../../src/session/rounds.js';
import { newSession, type Session } from '../../src/session/schema.js';
import { corpusFile } from './capture-corpus.js';
import { runCli } from './cli.js';

export async function demoSession(dir: string): Promise<Session> {
  const demo = await runCli(['demo', '--yes', '--sessions-dir', dir]);
  if (demo.code !== 0) throw new Error(`demo failed: ${demo.err}`);
  const file = readdirSync(dir).find((f) => /^\d{8}-\d{6}-[0-9a-f]+\.json$/.test(f))!;
  return JSON.parse(await readFile(join(dir, file), 'utf8')) as Session;
}

/** A session made from captures per state ("on=FILE@window"), the best unlabelled candidate accepted. */
export async function sessionFromCaptures(id: string, target: string, stateArgs: string[], minSupport = 2): Promise<Session> {
  const { rounds, context } = await loadCaptures(stateArgs);
  const result = JSON.parse(JSON.stringify(analyze(rounds, { learnFrom: context, minSupport }))) as AnalysisResult;
  const best = result.candidates.find((c) => c.label === null)!;
  const session = newSession(id, 'test');
  const states = [...new Set(rounds.map((r) => r.state))];
  session.target = { name: target, states, roundsPerState: 1 };
  session.rounds = rounds.map((r) => storeRound({ state: r.state, index: r.index, source: r.source, device: null, events: r.events, connections: [], warnings: [] }));
  session.analysis = { settings: { frames: 'auto', key: 'auto', minAgreement: 0.9, minSupport }, ranAt: new Date().toISOString(), result };
  session.accepted = acceptCandidate(best, result, target);
  session.step = 'export';
  return session;
}

/** Lumentree: reg 168 = 0 written at record 853, = 1 at 872; each answer follows within 18 records. */
export function lumentreeSession(): Promise<Session> {
  const file = corpusFile('lumentree_inverter.btsnoop');
  const w = (from: number): string => `${file}@#${from + 3}..#${from + 18}`;
  return sessionFromCaptures('lumentree-reg168', 'backlight', [`off=${w(853)}`, `on=${w(872)}`], 1);
}
