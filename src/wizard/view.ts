// What the wizard prints: round feedback, analysis results (groups, ranked candidates, a hex
// view with the candidate bits highlighted) and what to do next. Pure string builders.
import type { GattService } from '../model.js';
import type { RoundCheck } from '../session/rounds.js';
import type { StoredAnalysisResult, StoredCandidate } from '../session/schema.js';
import { candidatePlace, candidateValue, prefixWords } from '../session/finding.js';
import type { Style } from './style.js';

/** "ff00: ff01 (read, notify), ff02 (write)" per service with vendor characteristics. */
export function gattSummary(gatt: GattService[]): string[] {
  return gatt
    .filter((sv) => sv.characteristics.some((c) => c.properties.some((p) => p === 'notify' || p === 'indicate' || p.startsWith('write'))))
    .map((sv) => `  service ${sv.uuid}${sv.name ? ` (${sv.name})` : ''}: ${sv.characteristics.map((c) => `${c.uuid} [${c.properties.join(', ')}]${c.handle !== null ? ` handle 0x${c.handle.toString(16).padStart(4, '0')}` : ''}`).join('; ')}`);
}

export function roundFeedback(check: RoundCheck, s: Style, name: string | null): string[] {
  const lines = [
    `  device: ${check.device ?? s.warn('unknown')}${name ? ` (${name})` : ''}`,
    `  connections: ${check.connections}   messages: ${check.messages.fromDevice} from the device, ${check.messages.toDevice} to it`,
  ];
  for (const w of check.warnings) lines.push(`  ${s.warn('⚠')} ${s.warn(w)}`);
  if (check.warnings.length === 0) lines.push(`  ${s.ok('✔ looks good')}`);
  return lines;
}

/** One message in hex, 16 bytes a row, candidate bytes highlighted, then "byte 24 bit 1 (0x02)". */
export function hexView(exampleHex: string, marks: StoredCandidate[], s: Style): string[] {
  const bytes = exampleHex.match(/../g) ?? [];
  const marked = new Set(marks.map((c) => c.byte));
  const lines: string[] = [];
  for (let row = 0; row < bytes.length; row += 16) {
    const cells = bytes.slice(row, row + 16).map((b, i) => (marked.has(row + i) ? (s.enabled ? s.mark(b) : `[${b}]`) : s.enabled ? b : ` ${b} `));
    lines.push(`    ${s.dim(String(row).padStart(4, ' '))}  ${cells.join(s.enabled ? ' ' : '')}`);
  }
  return lines;
}

export function candidateLine(c: StoredCandidate, rank: number, states: string[]): string {
  const vals = states.map((st) => `${st}=${candidateValue(c, c.values[st])}`).join(' ');
  const sup = states.map((st) => c.support[st] ?? 0).join('/');
  return `#${rank} ${c.group} ${candidatePlace(c)} ${vals}  support ${sup}  agreement ${c.agreement.toFixed(2)}${c.label ? `  [${c.label}]` : ''}`;
}

export function resultsView(r: StoredAnalysisResult, states: string[], s: Style, top = 8): string[] {
  const lines: string[] = [];
  lines.push(s.bold('Groups'));
  for (const g of r.groups.slice(0, 12)) {
    const arrow = g.dir === 'device-to-app' ? 'from device' : 'to device  ';
    const start = (prefixWords(g.prefix, 4) || '—').padEnd(11);
    lines.push(`  ${g.id.padEnd(4)} 0x${g.handle.toString(16).padStart(4, '0')} ${arrow}  ${start}  ${String(g.length).padStart(3)} bytes  ${Object.entries(g.messages).map(([k, v]) => `${k} ${v}`).join(', ')}  ${s.dim(`(frames ${g.frames})`)}`);
  }
  if (r.groups.length > 12) lines.push(s.dim(`  …and ${r.groups.length - 12} more groups`));
  lines.push('', s.bold('Candidates (best first)'));
  if (r.candidates.length === 0) lines.push(s.warn('  none: no bit is constant within each state and different between them'));
  r.candidates.slice(0, top).forEach((c, i) => lines.push(`  ${i === 0 ? s.ok(candidateLine(c, i + 1, states)) : c.label ? s.dim(candidateLine(c, i + 1, states)) : candidateLine(c, i + 1, states)}`));
  if (r.candidates.length > top) lines.push(s.dim(`  …and ${r.candidates.length - top} more`));
  const best = r.candidates[0];
  if (best) {
    const g = r.groups.find((x) => x.id === best.group);
    if (g) {
      const marks = r.candidates.slice(0, top).filter((c) => c.group === g.id);
      lines.push('', s.bold(`Hex view of ${g.id} (candidate bytes highlighted)`), ...hexView(g.example, marks, s));
    }
  }
  return lines;
}

/** What would make an ambiguous answer clear. */
export function nextSteps(r: StoredAnalysisResult, states: string[], roundsPerState: number): string[] {
  const tips: string[] = [];
  const notes = Array.isArray(r.notes) ? (r.notes as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  tips.push(...notes);
  const unlabelled = r.candidates.filter((c) => !c.label);
  // The analysis' own notes come first; the general advice below only when it said nothing.
  if (tips.length > 0) return tips;
  if (unlabelled.length === 0) {
    tips.push('No clear candidate: check that the switch really changed between the states (restart the app to verify), or record more rounds.');
  } else if (unlabelled.length > 1 && unlabelled[1]!.score >= unlabelled[0]!.score * 0.9) {
    tips.push(`Several bits change together with the switch: record a third state (another switch or a different combination) to separate correlated bits.`);
  }
  const minSupport = Math.min(...(unlabelled[0] ? states.map((st) => unlabelled[0]!.support[st] ?? 0) : [0]));
  if (unlabelled.length > 0 && (minSupport < 3 || roundsPerState < 3)) tips.push('Support is low: record more rounds per state to be sure.');
  return tips;
}
