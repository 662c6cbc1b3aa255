// The known family of an analysed device and what it documents at the candidates' places: what
// analyze, the wizard's results and the report show next to the candidates.
import type { Round } from '../../model.js';
import { documentedMeanings, type CandidatePlace, type DocumentedMeaning, type GroupPlace } from './documented.js';
import { familyById } from './families.js';
import type { Family } from './family-types.js';
import { identifyRounds, type FamilyMatch } from './identify.js';

export interface KnownProtocol {
  match: FamilyMatch;
  family: Family;
  /** Other families that fit too (weaker evidence), best first. */
  others: FamilyMatch[];
  documented: DocumentedMeaning[];
}

/** Values per stream looked at: enough frames to judge a family, cheap on huge captures. */
const SAMPLE_VALUES = 20_000;
/** Events looked at in all (the start of each round, in proportion): the analysis has seen them all already. */
const SAMPLE_EVENTS = 60_000;

function sample(rounds: Round[]): Round[] {
  const total = rounds.reduce((n, r) => n + r.events.length, 0);
  if (total <= SAMPLE_EVENTS) return rounds;
  return rounds.map((r) => ({ ...r, events: r.events.slice(0, Math.max(200, Math.floor((r.events.length * SAMPLE_EVENTS) / total))) }));
}

export function knownProtocol(
  rounds: Round[],
  groups: GroupPlace[],
  candidates: CandidatePlace[],
  discovered: { peer: string | null; uuids: string[] }[] = [],
): KnownProtocol | null {
  const r = identifyRounds(sample(rounds), { discovered, maxValues: SAMPLE_VALUES });
  const [best, ...others] = r.matches;
  if (!best) return null;
  const family = familyById(best.family)!;
  return { match: best, family, others, documented: documentedMeanings(family, groups, candidates) };
}
