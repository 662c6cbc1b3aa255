// `fields`: rounds with the values the app showed → the analysis' frames and groups → reading
// candidates and cell arrays. Notes are data (a code and values); the shells word them.
import type { Round } from '../model.js';
import { frameGroups } from './analyze.js';
import { findCellArrays, packVoltageIndex } from './cells.js';
import { findReadings, type CellArrayCandidate, type FieldGroup, type ReadingResult } from './fields.js';
import { mapGroup, type FrameMapGroup, type KnownField } from './frame-map.js';
import { checkShownRounds, type ShownValue } from './shown.js';
import type { AnalysisOptions, GroupResult } from './types.js';

export type FieldsNote =
  /** No place explains the reading beyond chance. */
  | { code: 'reading-not-found'; reading: number; text: string; chanceHits: number }
  /** The best candidate explains only some rounds. */
  | { code: 'reading-partly'; reading: number; text: string; rounds: number; of: number }
  /** Every round shows the same value: a round where it differs would pin the field down. */
  | { code: 'reading-constant'; reading: number; text: string; candidates: number };

export interface FieldsResult {
  device: string | null;
  readings: ReadingResult[];
  /** Cell-voltage arrays whose sum matches the pack voltage shown (empty without a pack voltage). */
  cells: CellArrayCandidate[];
  groups: GroupResult[];
  notes: FieldsNote[];
}

export type FieldsOptions = Pick<AnalysisOptions, 'device' | 'handle' | 'frames' | 'key' | 'learnFrom'>;

/** `shown[i]` are the values shown during rounds[i] (the i-th value of every round is one reading). */
export function findFields(rounds: Round[], shown: ShownValue[][], options: FieldsOptions = {}): FieldsResult {
  checkShownRounds(shown);
  return searchFramed(frameGroups(rounds, options), shown);
}

type Framed = ReturnType<typeof frameGroups>;

/** Values live in what the device sends (notifications, indications, read responses). */
function searchedGroups(framed: Framed): FieldGroup[] {
  return framed.groups
    .filter((g) => !g.result.orphans && g.result.dir === 'device-to-app')
    .map((g) => ({ id: g.result.id, handle: g.result.handle, dir: g.result.dir, prefix: g.result.prefix, messages: g.messages }));
}

function searchFramed(framed: Framed, shown: ShownValue[][]): FieldsResult {
  const searched = searchedGroups(framed);
  const readings = findReadings(searched, shown);
  const cells = findCellArrays(searched, shown, packVoltageIndex(shown));
  const notes: FieldsNote[] = [];
  readings.forEach((r, i) => {
    const text = r.shown.filter((x) => x).join(', ');
    const top = r.candidates[0];
    const given = r.shown.filter((x) => x).length;
    if (!top) notes.push({ code: 'reading-not-found', reading: i, text, chanceHits: r.chanceHits });
    else if (top.rounds < given) notes.push({ code: 'reading-partly', reading: i, text, rounds: top.rounds, of: given });
    if (top && given > 1 && new Set(r.shown.filter((x) => x)).size === 1) notes.push({ code: 'reading-constant', reading: i, text, candidates: r.candidates.length });
  });
  return { device: framed.device, readings, cells, groups: framed.groups.map((g) => g.result), notes };
}

/** The best field of each reading (and the best cell array) as named fields for the frame map. */
export function namedFields(res: Pick<FieldsResult, 'readings' | 'cells'>): KnownField[] {
  const out: KnownField[] = [];
  res.readings.forEach((r, i) => {
    const c = r.candidates[0];
    if (c) out.push({ ...c, name: r.name ?? `reading ${i + 1}`, unit: r.unit });
  });
  const cells = res.cells[0];
  if (cells) out.push({ ...cells, add: 0, name: 'cells', unit: cells.unit });
  return out;
}

/**
 * The frame map of every group (orphans left out); with shown values, the fields they find are named
 * in it, as are `known` fields (accepted in a session).
 */
export function frameMap(rounds: Round[], shown: ShownValue[][], options: FieldsOptions = {}, columns = 4, known: KnownField[] = []): { device: string | null; groups: FrameMapGroup[] } {
  checkShownRounds(shown);
  const framed = frameGroups(rounds, options);
  const fields = shown.some((s) => s.length > 0) ? namedFields(searchFramed(framed, shown)) : [];
  return {
    device: framed.device,
    groups: framed.groups.filter((g) => !g.result.orphans).map((g) => mapGroup(g.result, g.messages, [...known, ...fields], columns)),
  };
}

/** The notes in words (the same for the command and the wizard). */
export function wordFieldsNote(n: FieldsNote): string {
  switch (n.code) {
    case 'reading-not-found':
      return `no field explains reading ${n.reading + 1} (${n.text}) beyond chance${n.chanceHits ? ` (${n.chanceHits} place${n.chanceHits === 1 ? '' : 's'} match where chance would too)` : ''}: add a round where the app shows another value, or check the unit and the digits`;
    case 'reading-partly':
      return `the best field for reading ${n.reading + 1} (${n.text}) explains ${n.rounds} of ${n.of} rounds: check the values given for the other rounds`;
    case 'reading-constant':
      return `reading ${n.reading + 1} shows the same value in every round: a round where it differs would tell its ${n.candidates} candidate${n.candidates === 1 ? '' : 's'} apart`;
  }
}
