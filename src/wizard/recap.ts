// What a resumed session has done so far, in a few lines before its next question.
import { roundsOf, type Session, type Step } from '../session/schema.js';
import { visible } from '../text-safe.js';

const NEXT: Record<Step, string> = {
  target: 'say what to find',
  source: 'choose where the traffic comes from',
  record: 'record the missing rounds',
  analyze: 'run the analysis',
  results: 'look at the results',
  accept: 'choose the candidate and add notes',
  export: 'write the report',
  done: 'nothing (the session is complete)',
};

/** "Done so far: 'discharge switch' on: 3/3 rounds, off: 1/3 rounds; analysis: 3 candidates" and the next step. */
export function recapLines(s: Session): string[] {
  const t = s.target;
  const rounds = t.states.map((st) => `${st}: ${Math.min(roundsOf(s, st).length, t.roundsPerState)}/${t.roundsPerState} rounds`).join(', ');
  const parts = [`'${visible(t.name)}'`, visible(rounds)];
  if (s.device.address || s.device.name) parts.push(`device ${visible([s.device.name, s.device.address].filter(Boolean).join(' '))}`);
  if (s.analysis) parts.push(`analysis: ${s.analysis.result.candidates.length} candidate${s.analysis.result.candidates.length === 1 ? '' : 's'}`);
  if (s.accepted) parts.push(`finding: ${visible(s.accepted.rule)}`);
  return [`Done so far: ${parts.join('; ')}`, `Next: ${NEXT[s.step]}`];
}
