// What the wizard prints: round feedback, analysis results (groups, ranked candidates, a hex
// view with the candidate bits highlighted) and what to do next. Pure string builders; the
// table and hex layout come from the analysis room's view helpers, the colours from here.
import { hex0x } from '../hex.js';
import { basename } from 'node:path';
import { visible } from '../text-safe.js';
import { asciiDigitChange, asciiRow, bitList, candidateTable, describeBits, hexView, holdsText, markedBits } from '../analysis/view.js';
import { layoutTable } from '../table-layout.js';
import type { AnalysisResult, CandidateResult, GroupResult } from '../analysis/types.js';
import { SETTING_TITLES, wordNote, type SettingWords } from '../analysis/wording.js';
import type { GattService, SourceInfo } from '../model.js';
import type { RoundCheck } from '../session/rounds.js';
import { candidateValue, prefixWords } from '../session/finding.js';
import { heatmapLegend, heatmapRows } from '../analysis/heatmap-text.js';
import type { Style } from './style.js';

/** "ff00: ff01 (read, notify), ff02 (write)" per service with vendor characteristics. */
export function gattSummary(gatt: GattService[]): string[] {
  return gatt
    .filter((sv) => sv.characteristics.some((c) => c.properties.some((p) => p === 'notify' || p === 'indicate' || p.startsWith('write'))))
    .map((sv) => `  service ${sv.uuid}${sv.name ? ` (${sv.name})` : ''}: ${sv.characteristics.map((c) => `${c.uuid} [${c.properties.join(', ')}]${c.handle !== null ? ` handle ${hex0x(c.handle, 4)}` : ''}`).join('; ')}`);
}

/** "on1.btsnoop", "off.btsnoop, connection 2 of 3", "daly.txt records #3..#9". */
export function sourceLine(src: SourceInfo): string {
  const files = src.files.map((f) => visible(basename(f.path))).join(', ') || src.kind;
  const w = src.window;
  const window = w ? (w.unit === 'records' ? ` records #${w.from}..#${w.to}` : ` ${w.from}..${w.to} s`) : '';
  const part = src.note ? `, ${src.note}` : src.conn !== undefined ? `, connection ${src.conn}` : '';
  return `${files}${window}${part}`;
}

/** A round that should almost certainly be redone: nothing came from the device. */
export function roundIsEmpty(check: RoundCheck): boolean {
  return check.messages.fromDevice === 0;
}

export function roundFeedback(check: RoundCheck, s: Style, name: string | null, source?: SourceInfo): string[] {
  const lines: string[] = [];
  if (source) lines.push(`  from: ${sourceLine(source)}`);
  lines.push(
    check.device === null ? `  device: ${s.warn('unknown')} ${s.dim('(the capture names no device address, e.g. an ACL-only log: all its ATT traffic is used)')}` : `  device: ${check.device}${name ? ` (${name})` : ''}`,
    `  connections: ${check.connections}   messages: ${check.messages.fromDevice} from the device, ${check.messages.toDevice} to it`,
  );
  for (const w of check.warnings) lines.push(`  ${s.warn('⚠')} ${s.warn(w)}`);
  if (check.warnings.length === 0) lines.push(`  ${s.ok('✔ looks good')}`);
  return lines;
}

/** "#1 g2 byte 24 bit 1 (0x02) on=1 off=0  support 30/30  agreement 1.00" (the accept list). */
export function candidateLine(c: CandidateResult, rank: number, states: string[]): string {
  const vals = states.map((st) => `${st}=${candidateValue(c, c.values[st])}`).join(' ');
  const sup = states.map((st) => c.support[st] ?? 0).join('/');
  return `#${rank} ${c.group} ${describeBits(c)} ${vals}  support ${sup}  agreement ${c.agreement.toFixed(2)}${c.label ? `  [${c.label}]` : ''}`;
}

/** "0000 0011" with the bits of `mask` highlighted (in brackets without colour). */
export function bitsView(value: number, mask: number, s: Style): string {
  if (!s.enabled) return markedBits(value, mask);
  const cells: string[] = [];
  for (let b = 7; b >= 0; b--) {
    const bit = String((value >> b) & 1);
    cells.push((mask >> b) & 1 ? s.mark(bit) : bit);
    if (b === 4) cells.push(' ');
  }
  return cells.join('');
}

/**
 * One message of the group, 16 bytes a row, candidate bytes highlighted, labelled bytes
 * (checksum, counter…) dimmed; then one line per marked byte with its bits.
 */
export function groupHexView(g: GroupResult, ranked: CandidateResult[], states: string[], s: Style, width = 79): string[] {
  // 16 bytes a row when they fit (plain cells take 4 characters, coloured 3), else 8.
  const rows = hexView(g, ranked, 4 + 6 + 16 * (s.enabled ? 3 : 4) <= width ? 16 : 8);
  const lines: string[] = [];
  const withText = holdsText(g.example);
  for (const row of rows) {
    // With colour the highlight marks a byte; without, brackets do (and need the room).
    const text = s.enabled
      ? row.segments.map((seg) => (seg.mask ? s.mark(seg.hex) : seg.label ? s.dim(seg.hex) : seg.hex)).join(' ')
      : row.segments.map((seg) => (seg.mask ? `[${seg.hex}]` : ` ${seg.hex} `)).join('').trimEnd();
    lines.push(`    ${s.dim(String(row.offset).padStart(4, ' '))}${s.enabled ? '  ' : ' '}${text}`);
    // ASCII protocols (AT commands, ASCII hex): the text under its bytes.
    if (withText) lines.push(`    ${' '.repeat(4)}${s.enabled ? '  ' : ' '}${s.dim(s.enabled ? asciiRow(row, 3) : asciiRow(row, 4, 1))}`);
  }
  const bytes = Buffer.from(g.example, 'hex');
  const offsetDigits = String(bytes.length).length;
  // Best candidate first.
  for (const seg of rows.flatMap((r) => r.segments).filter((x) => x.mask).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))) {
    const here = ranked.map((c, i) => ({ c, rank: i + 1 })).filter(({ c }) => c.group === g.id && c.byte === seg.byte);
    const what = here
      .map(({ c, rank }) => {
        const digits = asciiDigitChange(c, bytes, states);
        return `#${rank} ${c.bits.length > 1 ? `bits ${bitList(c.bits)}` : `bit ${c.bit}`}: ${states.map((st) => `${st} ${candidateValue(c, c.values[st])}`).join(', ')}${digits ? ` (ASCII digit ${digits})` : ''}${c.label ? ` [${c.label}]` : ''}`;
      })
      .join('; ');
    lines.push(`    byte ${String(seg.byte).padStart(offsetDigits)} = 0x${seg.hex} = ${bitsView(bytes[seg.byte]!, seg.mask, s)}   ${what}`);
  }
  return lines;
}

/** The compact heatmaps of the groups that hold shown candidates, `width` characters at most. */
export function heatmapView(r: AnalysisResult, s: Style, width: number, top = 8): string[] {
  const shown = r.candidates.slice(0, top);
  const lines: string[] = [];
  for (const id of [...new Set(shown.map((c) => c.group))].slice(0, 3)) {
    const g = r.groups.find((x) => x.id === id);
    const rows = g ? heatmapRows(g, shown.filter((c) => c.group === id), s.heat, width - 2) : null;
    if (!g || !rows) continue;
    lines.push('', s.bold(`Heatmap of ${g.id}`) + s.dim(s.enabled ? '  (a byte a character; grey never changes … red always)' : '  (a byte a character)'));
    lines.push(...rows.map((l) => `  ${l}`));
  }
  if (lines.length) lines.push(...heatmapLegend(width - 2).map((l) => `  ${s.dim(l)}`));
  return lines;
}

/** The analysis for the wizard's results screen, its tables laid out for `width`. */
export function resultsView(r: AnalysisResult, states: string[], s: Style, top = 8, width = 79): string[] {
  const lines: string[] = [];
  lines.push(s.bold('Groups') + s.dim('  (the device\'s messages, grouped by handle and how they start)'));
  const groups = r.groups.slice(0, 12).map((g) => [
    g.id,
    hex0x(g.handle, 4),
    g.dir === 'device-to-app' ? 'from device' : 'to device',
    prefixWords(g.prefix, 4) || '—',
    `${g.length} bytes`,
    `${Object.entries(g.messages).map(([k, v]) => `${k} ${v}`).join(', ')} (frames ${g.frames})`,
  ]);
  for (const row of layoutTable(groups, { width, indent: 2, columns: [{}, {}, {}, {}, { align: 'right' }, { wrap: true }] })) lines.push(...row);
  if (r.groups.length > 12) lines.push(s.dim(`  …and ${r.groups.length - 12} more groups`));
  lines.push('', s.bold('Candidates (best first)') + s.dim('  (bits constant within each state and different between them)'));
  if (r.candidates.length === 0) {
    lines.push(s.warn('  none: no bit is constant within each state and different between them'));
    return lines;
  }
  candidateTable(r, width, top).forEach((rowLines, i) => {
    const c = r.candidates[i - 1];
    for (const line of rowLines) lines.push(i === 0 ? s.dim(line) : i === 1 && !c?.label ? s.ok(line) : c?.label ? s.dim(line) : line);
  });
  if (r.candidates.length > top) lines.push(s.dim(`  …and ${r.candidates.length - top} more`));
  // Why the first few rank as they do (the score alone does not say).
  r.candidates.slice(0, 3).forEach((c, i) => {
    if (c.why.length) lines.push(s.dim(`  #${i + 1}: ${c.why.join('; ')}`));
  });
  // A hex view for each group that holds one of the shown candidates (at most 3).
  const shown = r.candidates.slice(0, top);
  const groupIds = [...new Set(shown.map((c) => c.group))].slice(0, 3);
  for (const id of groupIds) {
    const g = r.groups.find((x) => x.id === id);
    if (!g) continue;
    lines.push('', s.bold(`Hex view of ${g.id}`) + s.dim(`  (one message: handle ${hex0x(g.handle, 4)}, starts ${prefixWords(g.prefix, 4) || '—'}; offsets in decimal; ${s.enabled ? 'highlighted' : '[..]'} = candidate bytes)`));
    lines.push(...groupHexView(g, shown, states, s, width));
  }
  return lines;
}

/** The analysis' notes and problems name the wizard's menu entries. */
export const MENU_WORDS: SettingWords = {
  set: (name, value) => `${SETTING_TITLES[name]} ${value} (analysis settings)`,
  tryOther: (names) => `change the analysis settings (${names.map((n) => SETTING_TITLES[n]).join(', ')})`,
  giveStates: 'record rounds of at least two states',
};

/** Menu entries that re-run the analysis with a stream's runner-up framing, where the choice was close. */
export function framingSwitches(r: AnalysisResult): { name: string; value: string }[] {
  const current = r.settings?.frames ?? 'auto';
  const seen = new Set<string>();
  const out: { name: string; value: string }[] = [];
  for (const n of r.notes) {
    if (n.code !== 'framing-close' || n.setting === current || seen.has(n.setting)) continue;
    seen.add(n.setting);
    out.push({ name: `Re-run with framing ${n.setting} (the close runner-up for handle ${hex0x(n.handle, 4)}: ${n.runnerUp})`, value: `frames:${n.setting}` });
  }
  return out;
}

/** What would make an ambiguous answer clear, and what to do when it is not. */
export function nextSteps(r: AnalysisResult, states: string[], roundsPerState: number): string[] {
  const tips: string[] = [];
  // Notes of old session files come worded (code 'worded', filled in on load) and stay as they were.
  const notes = r.notes.map((n) => wordNote(n, MENU_WORDS));
  tips.push(...notes);
  const clean = r.candidates.map((c, i) => ({ c, rank: i + 1 })).filter(({ c }) => !c.label);
  // The analysis' own notes say some of this already; ours only add what they do not.
  const said = (re: RegExp): boolean => notes.some((n) => re.test(n));
  if (clean.length === 0) {
    if (notes.length > 0) return tips;
    tips.push(
      r.candidates.length === 0
        ? 'No bit differs between the states. Check that the switch really changed (restart the app and look), that every round reached the page with the switch, or change the analysis settings.'
        : 'Every candidate has another explanation (a counter, checksum or changing number). Record more rounds, or check that the switch really changed between the states.',
    );
    return tips;
  }
  const head = clean[0]!;
  const tied = clean.filter(({ c }) => c.score >= head.c.score * 0.9);
  if (tied.length > 1 && !said(/third state/i)) {
    tips.push(
      `${tied.map(({ rank }) => `#${rank}`).join(', ')} change together with the ${states.join('/')} states and cannot be told apart from these rounds. ` +
        'Record a third state (e.g. the same switch state with another switch changed) to separate correlated bits, or more rounds if some of them are readings that happened to differ.',
    );
  }
  const minSupport = Math.min(...states.map((st) => head.c.support[st] ?? 0));
  if ((minSupport < 3 || roundsPerState < 3) && !said(/support is low|record more rounds/i)) tips.push(`Support is low (${minSupport} message${minSupport === 1 ? '' : 's'} in a state): record more rounds per state to be sure.`);
  if (tips.length === 0) tips.push(`#${head.rank} stands out: accept it below, or record one more round per state to confirm it.`);
  return tips;
}
