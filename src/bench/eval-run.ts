// Runs labelled cases through the analysis: the framing chosen and the rank of the true bit.
import { analyze } from '../analysis/analyze.js';
import type { AnalysisResult, CandidateResult } from '../analysis/types.js';
import type { EvalCase, EvalTruth } from './eval-cases.js';

export interface EvalRow {
  name: string;
  kind: EvalCase['kind'];
  /** Framing of the group holding the true bit (else of the truth's stream), '—' when none. */
  framing: string;
  /** The runner-up framing of that stream and the two evidence scores ("request 0.81/0.62"), '' when none. */
  runnerUp: string;
  /** Rank of the true bit among the unlabelled candidates (1 = first), null when absent. */
  rank: number | null;
  pass: boolean;
  /** False for a case the data cannot decide (a random protocol that never sent its switch): shown, not counted. */
  counted: boolean;
  /** Of a miss: 'framing' when no group of the true frame's length and leading bytes was cut, else 'ranking'; '' otherwise. */
  cause: '' | 'framing' | 'ranking';
  /** What came first instead, or why the case could not run. */
  note: string;
}

function hits(c: CandidateResult, res: AnalysisResult, t: EvalTruth): boolean {
  if (c.byte !== t.byte || (Number.parseInt(c.mask, 16) & t.mask) === 0) return false;
  const g = res.groups.find((x) => x.id === c.group);
  if (!g || g.dir !== 'device-to-app') return false;
  if (t.handle !== null && g.handle !== t.handle) return false;
  return t.prefix === null || g.prefix.startsWith(t.prefix) || t.prefix.startsWith(g.prefix);
}

/** The candidate is the true bit, or the true bit moves together with it (one finding). */
function holds(c: CandidateResult, res: AnalysisResult, t: EvalTruth): boolean {
  return hits(c, res, t) || (c.together ?? []).some((b) => hits({ ...c, ...b }, res, t));
}

export function judge(name: string, kind: EvalCase['kind'], res: AnalysisResult, t: EvalTruth): EvalRow {
  const ranked = res.candidates.filter((c) => c.label === null);
  const at = ranked.findIndex((c) => holds(c, res, t));
  const found = at >= 0 ? ranked[at]! : (res.candidates.find((c) => hits(c, res, t)) ?? res.weak.find((c) => hits(c, res, t)));
  const group = found ? res.groups.find((g) => g.id === found.group) : res.groups.find((g) => g.dir === 'device-to-app' && (t.handle === null || g.handle === t.handle) && !g.orphans);
  const first = ranked[0];
  const note =
    at === 0
      ? ''
      : found
        ? found.label
          ? `true bit labelled ${found.label}`
          : at < 0
            ? 'true bit only weak'
            : `first: ${first!.group} byte ${first!.byte} ${first!.mask}`
        : first
          ? `true bit absent; first: ${first.group} byte ${first.byte} ${first.mask}`
          : 'no candidate';
  const f = group ? res.framing.find((x) => x.handle === group.handle && x.dir === group.dir) : undefined;
  const runnerUp = f?.runnerUp ? `${f.runnerUp.rule} ${f.chosen.evidence.score.toFixed(2)}/${f.runnerUp.evidence.score.toFixed(2)}${f.close ? ' close' : ''}` : '';
  const base = { name, kind, framing: group?.frames ?? '—', runnerUp, rank: at >= 0 ? at + 1 : null };
  if (t.undecidable) return { ...base, pass: false, counted: false, cause: '', note: `undecidable: ${t.undecidable}` };
  return { ...base, pass: at === 0, counted: true, cause: at === 0 ? '' : framedRight(res, t) ? 'ranking' : 'framing', note };
}

/** A group of the true frame was cut: its stream, its length (when known) and its leading bytes. */
function framedRight(res: AnalysisResult, t: EvalTruth): boolean {
  return res.groups.some(
    (g) => g.dir === 'device-to-app' && !g.orphans && (t.handle === null || g.handle === t.handle) && (t.length === undefined || g.length === t.length) && (t.prefix === null || g.prefix.startsWith(t.prefix) || t.prefix.startsWith(g.prefix)),
  );
}

export async function runCase(c: EvalCase): Promise<EvalRow> {
  try {
    const input = await c.build();
    return judge(c.name, c.kind, analyze(input.rounds, input.options), input.truth);
  } catch (err) {
    return { name: c.name, kind: c.kind, framing: '—', runnerUp: '', rank: null, pass: false, counted: true, cause: '', note: `error: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export async function runEval(cases: EvalCase[]): Promise<EvalRow[]> {
  const rows: EvalRow[] = [];
  for (const c of cases) rows.push(await runCase(c));
  return rows;
}

export function formatEval(rows: EvalRow[]): string {
  const head = ['case', 'framing chosen', 'runner-up (scores)', 'rank', 'pass', 'miss by', 'note'];
  const body = rows.map((r) => [r.name, r.framing, r.runnerUp, r.rank === null ? '—' : String(r.rank), r.counted ? (r.pass ? 'yes' : 'NO') : '(n/a)', r.cause, r.note]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', summary(rows)].join('\n') + '\n';
}

/** "41/43 cases pass (sim 18/18, shape 15/15, random 8/10: misses 1 framing, 1 ranking; 2 undecidable not counted)". */
export function summary(rows: EvalRow[]): string {
  const counted = rows.filter((r) => r.counted);
  const kinds = [...new Set(rows.map((r) => r.kind))].map((k) => {
    const of = counted.filter((r) => r.kind === k);
    return `${k} ${of.filter((r) => r.pass).length}/${of.length}`;
  });
  const framing = counted.filter((r) => r.cause === 'framing').length;
  const ranking = counted.filter((r) => r.cause === 'ranking').length;
  const other = counted.filter((r) => !r.pass && r.cause === '').length;
  const misses = framing + ranking + other ? `; misses: ${framing} framing, ${ranking} ranking${other ? `, ${other} errors` : ''}` : '';
  const undecidable = rows.length - counted.length;
  return `${counted.filter((r) => r.pass).length}/${counted.length} cases pass (${kinds.join(', ')}${misses}${undecidable ? `; ${undecidable} undecidable, not counted` : ''})`;
}
