// A stored analysis result made whole for the analysis room's view helpers: files written by
// older versions lack some fields (labels, lengths, kind, bits), which get neutral defaults.
import type { AnalysisNote, AnalysisResult, CandidateResult, GroupResult, StateSummary } from '../analysis/types.js';
import type { StoredAnalysisResult, StoredCandidate, StoredGroup } from './schema.js';

export function completeGroup(g: StoredGroup): GroupResult {
  return {
    lengths: { min: g.length, max: g.length },
    checksum: null,
    orphans: false,
    labels: [],
    ...g,
  };
}

export function completeCandidate(c: StoredCandidate): CandidateResult {
  const mask = Number.parseInt(c.mask, 16);
  const bits = c.bits ?? [0, 1, 2, 3, 4, 5, 6, 7].filter((b) => (mask >> b) & 1);
  return { kind: bits.length > 1 ? 'byte' : 'bit', bits, why: [], ...c };
}

export function completeResult(r: StoredAnalysisResult): AnalysisResult {
  const states: Record<string, StateSummary> = {};
  for (const [k, v] of Object.entries(r.states)) states[k] = { rounds: 0, ...v };
  return {
    device: null,
    weak: [],
    nearMisses: [],
    leftOut: { rounds: [], values: { otherDevices: 0, otherHandles: 0, peers: [] } },
    settings: { frames: 'auto', key: 'auto', minAgreement: 0.9, minSupport: 2, handle: null, device: null },
    ...r,
    states,
    groups: r.groups.map(completeGroup),
    candidates: r.candidates.map(completeCandidate),
    findings: r.findings as AnalysisResult['findings'],
    notes: (r.notes ?? []).filter(isAnalysisNote),
    framing: r.framing ?? [],
  };
}

/** A note stored as data (older files hold worded strings instead). */
export function isAnalysisNote(n: unknown): n is AnalysisNote {
  return typeof n === 'object' && n !== null && typeof (n as { code?: unknown }).code === 'string';
}
