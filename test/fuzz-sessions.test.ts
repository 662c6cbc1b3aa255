// Session files mutated at random JSON paths (fixed seed, bounded budget): wrong types, nulls,
// deleted keys, out-of-range numbers, empty and duplicated arrays, hostile strings. Every command
// that reads sessions either works with the file or refuses it with one sentence naming the JSON
// path (exit 2): a session that passes validation never crashes later (exit 1).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from './helpers/fuzz-cases.js';
import { runCli } from './helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'bmsw-fuzz-sessions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let base: unknown;
beforeAll(async () => {
  const d = join(root, 'demo');
  const r = await runCli(['demo', '--yes', '--sessions-dir', d]);
  expect(r.code, r.err).toBe(0);
  const file = readdirSync(d).find((n) => n.endsWith('.json') && !n.endsWith('.report.json'))!;
  base = JSON.parse(readFileSync(join(d, file), 'utf8'));
}, 120_000);

type Path = (string | number)[];

/** Every path in the document (objects, arrays and leaves), in a stable order. */
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.slice(0, 6).forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

const HOSTILE: unknown[] = [null, '', 'x', '\x1b]52;c;\x07', '((', -1, 0, 1.5, 1e300, -1e300, 2 ** 53 + 1, true, [], {}, [null], { a: 1 }, 'a4:c1:38:(?:', 'zz'];

/** One mutation at one path: replace, delete, empty or duplicate. */
function mutate(doc: unknown, path: Path, rand: (n: number) => number): { doc: unknown; what: string } {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  if (path.length === 0) return { doc: HOSTILE[rand(HOSTILE.length)], what: 'whole document replaced' };
  let parent: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  const kind = rand(5);
  const current = parent[key];
  if (kind === 0 && !Array.isArray(parent)) {
    delete parent[key];
    return { doc: copy, what: 'deleted' };
  }
  if (kind === 1 && Array.isArray(current) && current.length > 0) {
    parent[key] = [...current, ...current];
    return { doc: copy, what: 'array doubled' };
  }
  if (kind === 2 && typeof current === 'string' && current.length > 0) {
    parent[key] = current.slice(0, rand(current.length));
    return { doc: copy, what: 'string cut' };
  }
  const v = HOSTILE[rand(HOSTILE.length)];
  parent[key] = v;
  return { doc: copy, what: `set to ${JSON.stringify(v)}` };
}

const BUDGET = 600;

describe('mutated session files: loaded fully or refused with the JSON path', () => {
  it(`${BUDGET} mutated files (seed 2511) through sessions, export md, export json --redact and resume --yes`, async () => {
    const rand = prng(2511);
    const all = paths(base);
    const problems: string[] = [];
    let refused = 0;
    for (let i = 0; i < BUDGET; i++) {
      // one mutation, or two at once (a second field broken as well)
      const path = all[rand(all.length)]!;
      let { doc, what } = mutate(base, path, rand);
      if (i % 2 === 1) {
        const more = paths(doc);
        const second = more[rand(more.length)]!;
        const m = mutate(doc, second, rand);
        doc = m.doc;
        what += `, and $.${second.join('.')} ${m.what}`;
      }
      const dir = join(root, `m${i}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'mutated.json');
      writeFileSync(file, JSON.stringify(doc));
      const label = `#${i} $.${path.join('.')} ${what}`;
      for (const args of [['sessions', '--sessions-dir', dir], ['export', file, '--format', 'md'], ['export', file, '--format', 'json', '--redact'], ['resume', file, '--yes', '--sessions-dir', dir]]) {
        const r = await runCli(args);
        if (r.code === 2) refused++;
        if (r.code !== 0 && r.code !== 2) problems.push(`${label}: ${args[0]} exit ${r.code}: ${r.err.trim().split('\n')[0]}`);
        else if (/unexpected failure|\n\s+at /.test(r.err)) problems.push(`${label}: ${args[0]}: ${r.err.trim().split('\n')[0]}`);
        else if (r.code === 2 && args[0] !== 'sessions' && r.err.trimEnd().split('\n').length !== 1) problems.push(`${label}: ${args[0]}: more than one line: ${r.err}`);
      }
    }
    expect(problems.slice(0, 12), `${problems.length} of ${BUDGET * 4} runs failed`).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  }, 600_000);
});

/** Every string leaf of the document replaced by `make(path)` (keys the schema checks may then refuse it). */
function everyString(v: unknown, make: (path: string) => string, at = '$'): unknown {
  if (typeof v === 'string') return make(at);
  if (Array.isArray(v)) return v.map((x, i) => everyString(x, make, `${at}[${i}]`));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, everyString(x, make, `${at}.${k}`)]));
  return v;
}

const ESCAPES = ['\x1b]52;c;cm0gLXJmIH4=\x07', '\x1b[2J\x1bc', '\x1b]0;pwned\x1b\\', '\x1b]8;;https://e.example\x07x\x1b]8;;\x07', '\u009b2J', '\u202e'];
/** Any control character but newline and tab. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('escape sequences in every string field of a session', () => {
  it('one field at a time gets an escape appended (the demo session strings, events sampled with seed 52; 6 sequences in turn): no raw control character reaches the output', async () => {
    const all: string[] = [];
    everyString(base, (p) => (all.push(p), ''));
    // every string outside the events, and a fixed sample of the events' strings (they repeat one shape)
    const rand = prng(52);
    const strings = all.filter((p) => !/\.events\[/.test(p) || rand(20) === 0).slice(0, 400);
    const problems: string[] = [];
    for (const [i, target] of strings.entries()) {
      const esc = ESCAPES[i % ESCAPES.length]!;
      const doc = everyString(base, (p) => (p === target ? `${valueAt(base, p)}${esc}` : (valueAt(base, p) as string)));
      const dir = join(root, `e${i}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'escaped.json');
      writeFileSync(file, JSON.stringify(doc));
      for (const args of [['sessions', '--sessions-dir', dir], ['export', file, '--format', 'md'], ['export', file, '--format', 'json', '--redact']]) {
        const r = await runCli(args);
        if (r.code !== 0 && r.code !== 2) problems.push(`${target}: ${args[0]} exit ${r.code}: ${r.err.split('\n')[0]}`);
        if (RAW.test(r.out + r.err)) problems.push(`${target}: ${args.join(' ')} wrote a raw control character`);
      }
    }
    expect(problems.slice(0, 12), `${problems.length} problems over ${strings.length} fields`).toEqual([]);
  }, 600_000);
});

function valueAt(doc: unknown, path: string): unknown {
  let v: unknown = doc;
  for (const m of path.slice(1).matchAll(/\.([^.[]+)|\[(\d+)\]/g)) v = (v as Record<string, unknown>)[m[1] ?? Number(m[2])];
  return v;
}
