// On load, a stored analysis result is made whole: files written by older versions lack some
// fields (labels, lengths, kind, bits, settings…), which get neutral defaults, and hold their
// notes worded (strings) instead of as data. After load every room sees one type, AnalysisResult.
import type { AnalysisNote, AnalysisResult, CandidateResult, GroupResult, StateSummary } from '../analysis/types.js';

type Doc = Record<string, unknown>;

function completeGroup(g: Doc): GroupResult {
  const length = g.length as number;
  return { lengths: { min: length, max: length }, checksum: null, orphans: false, labels: [], ...g } as unknown as GroupResult;
}

function completeCandidate(c: Doc): CandidateResult {
  const mask = Number.parseInt(String(c.mask), 16);
  const bits = (c.bits as number[] | undefined) ?? [0, 1, 2, 3, 4, 5, 6, 7].filter((b) => (mask >> b) & 1);
  return { kind: bits.length > 1 ? 'byte' : 'bit', bits, why: [], ...c } as unknown as CandidateResult;
}

function completeNote(n: unknown): AnalysisNote | null {
  if (typeof n === 'string') return { code: 'worded', text: n };
  return typeof n === 'object' && n !== null && typeof (n as { code?: unknown }).code === 'string' ? (n as AnalysisNote) : null;
}

/** A validated stored result (required fields present) → the whole AnalysisResult. */
export function completeResult(stored: unknown): AnalysisResult {
  const r = stored as Doc & { states: Record<string, Doc>; groups: Doc[]; candidates: Doc[]; findings: unknown[]; notes?: unknown[] };
  const states: Record<string, StateSummary> = {};
  for (const [k, v] of Object.entries(r.states)) states[k] = { rounds: 0, ...v } as StateSummary;
  return {
    device: null,
    weak: [],
    nearMisses: [],
    leftOut: { rounds: [], values: { otherDevices: 0, otherHandles: 0, peers: [] } },
    settings: { frames: 'auto', key: 'auto', minAgreement: 0.9, minSupport: 2, handle: null, device: null },
    framing: [],
    ...(r as unknown as Partial<AnalysisResult>),
    states,
    groups: r.groups.map(completeGroup),
    candidates: r.candidates.map(completeCandidate),
    findings: r.findings as AnalysisResult['findings'],
    notes: (r.notes ?? []).map(completeNote).filter((n): n is AnalysisNote => n !== null),
  };
}
