// A session's analysis settings (the text the user chose, stored) as the analysis' options.
import { optionsFromSettings } from '../analysis/options.js';
import type { AnalysisOptions } from '../analysis/types.js';
import type { Session, StoredAnalysis } from './schema.js';

/** The stored settings (the text the user chose) → the analysis options, for the session's device. */
export function analysisOptions(session: Session, settings?: StoredAnalysis['settings']): AnalysisOptions {
  const s = settings ?? session.analysis?.settings ?? session.analysisSettings ?? {};
  return { ...optionsFromSettings(s), device: session.device.address };
}
