// The analysis cannot run on these inputs: the problem is data; shells word it (wording.ts).
import { InputError } from '../errors.js';
import type { AnalysisProblem } from './types.js';
import { PLAIN_WORDS, wordProblem } from './wording.js';

export class AnalysisError extends InputError {
  readonly problem: AnalysisProblem;
  constructor(problem: AnalysisProblem) {
    super(wordProblem(problem, PLAIN_WORDS));
    this.name = 'AnalysisError';
    this.problem = problem;
  }
}
