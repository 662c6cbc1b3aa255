// The frames behind the visual exports: the session's rounds analysed again with its settings,
// keeping each group's frames (the stored result holds only summaries).
import { analyze } from '../analysis/analyze.js';
import { extractAttFromFile } from '../hci/extract-file.js';
import type { Round } from '../model.js';
import { windowContext } from '../recorders/window-context.js';
import { decodeField } from '../analysis/fields.js';
import { parseShownValue } from '../analysis/shown.js';
import type { AnalysedGroup, AnalysisResult, GroupResult } from '../analysis/types.js';
import type { Report } from './report.js';
import type { Session } from '../session/schema.js';
import { writeFileDurably } from '../durable-write.js';
import { sessionRounds } from '../session/rounds.js';
import { analysisOptions } from '../session/settings.js';
import { groupView, type GroupView, type PlotReading } from './report-groups.js';

export interface SessionViews {
  result: AnalysisResult | null;
  views: GroupView[];
  /** The session's states that have analysed frames, in the session's order. */
  states: string[];
  roundName: (round: number) => string;
}

/** The session's accepted single-value readings that live in `group` (cell arrays are left to the tables). */
function plotReadings(session: Session, group: GroupResult): PlotReading[] {
  const readings = (session.readings ?? []).filter((r) => !(r.count && r.count > 1) && r.handle === group.handle && (r.group === group.id || group.prefix.startsWith(r.prefix)));
  return readings.map((reading) => {
    // What the app showed: one entry per round of the session ('' where nothing was given).
    const shown = new Map<number, number>();
    if (reading.shown.length === session.rounds.length) {
      reading.shown.forEach((text, round) => {
        if (!text) return;
        try {
          shown.set(round, parseShownValue(text).value);
        } catch {
          // A value that does not parse is simply not marked.
        }
      });
    }
    return { name: reading.name, unit: reading.unit, decode: (b: Uint8Array) => decodeField(reading, b), shown };
  });
}

export function sessionViews(session: Session, learnFrom: Round[] = []): SessionViews {
  const rounds = sessionRounds(session);
  const roundName = (i: number): string => (rounds[i] ? `${rounds[i]!.state} #${rounds[i]!.index}` : `#${i}`);
  const states = session.target.states.filter((s) => rounds.some((r) => r.state === s));
  if (states.length < 2) return { result: null, views: [], states, roundName };
  const kept = new Map<string, AnalysedGroup>();
  const result = analyze(rounds, { ...analysisOptions(session), ...(learnFrom.length ? { learnFrom } : {}), onGroup: (g) => kept.set(g.id, g) });
  const views: GroupView[] = [];
  for (const group of result.groups) {
    const g = kept.get(group.id);
    if (!g || group.orphans || g.messages.length === 0) continue;
    views.push(groupView({ group, messages: g.messages, checksum: g.checksum }, result.candidates.filter((c) => c.group === group.id), states, plotReadings(session, group)));
  }
  // Groups with candidates first, then by size.
  views.sort((a, b) => Number(b.candidates.length > 0) - Number(a.candidates.length > 0) || b.detail.messages.length - a.detail.messages.length);
  return { result, views, states, roundName };
}

/** The visual report of a session, written to `path` (frames learnt from the whole captures when they are still there). */
export async function writeHtmlReport(session: Session, report: Report, path: string): Promise<{ missing: string[] }> {
  const context = await windowContext(session, extractAttFromFile);
  const visual = sessionViews(session, context.rounds);
  const { reportHtml } = await import('./html.js');
  await writeFileDurably(path, reportHtml({ report, views: visual.views, states: visual.states, roundName: visual.roundName }));
  return { missing: context.missing };
}
