// The rules of the house, read from the sources' own import lines (static, type-only, re-exports
// and lazy `import()`): lower rooms never import higher ones, ble/ never imports recorders/, and
// no file reaches itself again through its imports.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

/** Relative module specifiers of a file: `from '…'` (import/export) and `import('…')`. */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (spec.startsWith('.')) out.push(spec);
  }
  return out;
}

/** src-relative path of the file an import names ('../hci/att.js' from src/capture/x.ts → 'hci/att.ts'). */
function target(from: string, spec: string): string {
  return relative(SRC, resolve(dirname(from), spec.replace(/\.js$/, '.ts')));
}

const files = sourceFiles(SRC);
const graph = new Map<string, string[]>(files.map((f) => [relative(SRC, f), importsOf(readFileSync(f, 'utf8')).map((s) => target(f, s))]));
const room = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file);

const CORE = ['capture', 'hci', 'analysis', 'session'];
const SHELLS = ['ble', 'recorders', 'wizard', 'commands', 'export', 'cli.ts'];

describe('the import rules of the house', () => {
  it('reads import lines of every kind', () => {
    const text = `import a from './a.js';\nimport type { B } from "../b.js";\nexport { c } from './c.js';\nimport './d.js';\nconst e = await import('./e.js');\nimport {\n  f,\n  g,\n} from './f.js';\nimport x from 'node:fs';`;
    expect(importsOf(text)).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js', './f.js']);
    expect(graph.size).toBeGreaterThan(100);
    // Every relative import names a file that exists (else the rules below would check nothing).
    for (const [file, deps] of graph) for (const d of deps) expect(graph.has(d), `${file} imports ${d}`).toBe(true);
  });

  it(`${CORE.join(', ')} import nothing from ${SHELLS.join(', ')}`, () => {
    const wrong = [...graph].flatMap(([file, deps]) => (CORE.includes(room(file)) ? deps.filter((d) => SHELLS.includes(room(d))).map((d) => `${file} → ${d}`) : []));
    expect(wrong).toEqual([]);
  });

  it('ble imports nothing from recorders', () => {
    const wrong = [...graph].flatMap(([file, deps]) => (room(file) === 'ble' ? deps.filter((d) => room(d) === 'recorders').map((d) => `${file} → ${d}`) : []));
    expect(wrong).toEqual([]);
  });

  it('no file imports another that leads back to it', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].join(' → '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
