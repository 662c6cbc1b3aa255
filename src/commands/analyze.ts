// `bms-wizard analyze`: captures per state → rounds → the analysis → a report (or --json).
import { asciiText, hex0x } from '../hex.js';
import kleur from 'kleur';
import { analyze } from '../analysis/analyze.js';
import { knownProtocol, type KnownProtocol } from '../analysis/known/context.js';
import { documentedLines, knownJson, knownSentence } from '../analysis/known/words.js';
import { AnalysisError } from '../analysis/analysis-error.js';
import { wordNote, wordProblem, type SettingWords } from '../analysis/wording.js';
import { loadCaptures, parseStateArg } from '../recorders/files.js';
import { SETTINGS } from '../analysis/options.js';
import type { AnalysisOptions, AnalysisResult, SettingName } from '../analysis/types.js';
import { HEAT_TONES, heatmapLegend, heatmapRows } from '../analysis/heatmap-text.js';
import { asciiDigitChange, candidateTable, describeBits, groupFacts, hexView } from '../analysis/view.js';
import { outputWidth, recordLines, terminalColumns, visibleLength, wrapLine, wrapWords } from '../table-layout.js';
import { colourEnabled } from '../colour.js';
import { InputError } from '../errors.js';
import type { Round } from '../model.js';
import { settingFlags, settingsFromFlags } from './analysis-flags.js';
import type { Command, CommandContext, OptionValues } from './command.js';

const ANALYZE_SETTINGS = ['device', 'handle', 'frames', 'key', 'minAgreement', 'minSupport'] as const;

function list(v: string | boolean | (string | boolean)[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

function colours(ctx: CommandContext): typeof kleur {
  if (!colourEnabled(ctx.stdout, ctx.env)) return plain;
  kleur.enabled = true; // kleur's own switch follows process.stdout; ours follows the stream we write to
  return kleur;
}

const identity = (s: string | number): string => String(s);
const plain = new Proxy({} as typeof kleur, { get: () => identity });

/**
 * The human report; `columns` > 0 (a terminal that wide) adds the compact heatmaps and wraps
 * paragraphs; tables are laid out for `width` (the terminal's, else COLUMNS or 80, less the last column).
 */
export function report(result: AnalysisResult, c: typeof kleur = plain, known: KnownProtocol | null = null, columns = 0, width = (columns > 0 ? columns : 80) - 1): string {
  const out: string[] = [];
  const states = Object.keys(result.states);
  const coloured = c !== plain;
  out.push(`${c.bold('Device')} ${result.device ?? '(no address in the captures)'}`);
  out.push(
    `${c.bold('States')} ${states.map((s) => `${s}: ${result.states[s]!.rounds} round${result.states[s]!.rounds === 1 ? "" : "s"}, ${result.states[s]!.messages} messages`).join('; ')}`,
  );
  if (known) {
    out.push(`${c.bold('Known protocol')} ${knownSentence(known)}`);
    out.push(`  decoded by: ${known.match.supportedBy.join('; ')}`);
    for (const line of documentedLines(known, result.candidates)) out.push(`  ${line}`);
  }
  out.push('', c.bold('Groups'));
  for (const g of result.groups) {
    const [id, ...facts] = groupFacts(g);
    out.push(...recordLines(id!, facts, width - 2, 6).map((l) => `  ${l}`));
  }
  out.push('', c.bold('Candidates') + (result.candidates.length ? ' (best first; bit 0 = least significant)' : ''));
  if (result.candidates.length === 0) out.push('  none');
  else {
    const [head, ...rows] = candidateTable(result, width);
    out.push(...head!.map((l) => c.dim(l)));
    rows.forEach((lines, i) => {
      const cand = result.candidates[i]!;
      out.push(...lines.map((line) => (cand.label ? c.dim(line) : i === 0 ? c.green(line) : line)));
    });
  }
  // Hex views of the groups holding the best unlabelled candidates.
  const shown = new Set<string>();
  for (const cand of result.candidates.filter((x) => x.label === null)) {
    if (shown.has(cand.group) || shown.size >= 3) continue;
    shown.add(cand.group);
    const g = result.groups.find((x) => x.id === cand.group)!;
    out.push('', `${c.bold(`${g.id} example`)} (${g.dir}, handle ${hex0x(g.handle, 4)}, best: ${describeBits(cand)})`);
    const example = Buffer.from(g.example, 'hex');
    // 16 bytes a row when they fit with their text, else 8 (plain cells take 4 characters, coloured 3).
    const perLine = 2 + 6 + 16 * (coloured ? 3 : 4) + 2 + 16 <= width ? 16 : 8;
    for (const line of hexView(g, result.candidates, perLine)) {
      // With colour the highlight marks a byte; without, brackets do (as in the wizard).
      const cells = coloured
        ? line.segments.map((s) => (s.mask ? (s.rank === 1 ? c.bgYellow(c.black(s.hex)) : c.underline(c.yellow(s.hex))) : s.label ? c.dim(s.hex) : s.hex)).join(' ')
        : line.segments.map((s) => (s.mask ? `[${s.hex}]` : ` ${s.hex} `)).join('');
      const marks = line.segments
        .filter((s) => s.mask)
        .map((s) => {
          const digits = result.candidates.filter((x) => x.group === g.id && x.byte === s.byte).map((x) => asciiDigitChange(x, example, states)).find((d) => d !== null);
          return `${s.byte}:${hex0x(s.mask)}${digits ? ` (ASCII digit ${digits})` : ''}`;
        });
      // Printable text beside the hex: many BMS and scooters speak ASCII.
      const text = asciiText(example.subarray(line.offset, line.offset + line.segments.length));
      const pad = (coloured ? '   ' : '    ').repeat(perLine - line.segments.length);
      const row = `  ${String(line.offset).padStart(4)}  ${cells}${pad}  ${c.dim(text)}`;
      const arrow = marks.length ? `← ${marks.join(' ')}` : '';
      // The marks stay beside the row when they fit, else they go under it.
      if (!arrow || visibleLength(row) + 3 + arrow.length <= width) out.push(`${row}${arrow ? c.dim(`   ${arrow}`) : ''}`);
      else out.push(row, ...wrapWords(arrow, width - 8).map((l) => c.dim(`        ${l}`)));
    }
    const heat = columns > 0 ? heatmapRows(g, result.candidates.filter((x) => x.group === g.id), (cell) => (cell.candidate ? c.bgYellow(c.black(cell.char)) : c[HEAT_TONES[cell.level] ?? 'gray'](cell.char)), width - 2) : null;
    if (heat) out.push(`  ${c.dim('heatmap: one character a byte, colour = how often it changes')}`, ...heat.map((l) => `  ${l}`));
  }
  if (columns > 0 && shown.size > 0) out.push(...heatmapLegend(width - 2).map((l) => `  ${c.dim(l)}`));
  const weak = result.weak.filter((x) => x.label === null);
  if (weak.length && !result.candidates.some((x) => x.label === null)) {
    out.push('', c.bold('Weak differences') + ' (too few messages to rank; --min-support 1 ranks them)');
    for (const w of weak.slice(0, 10)) {
      out.push(`  ${w.group} ${describeBits(w)}: ${Object.entries(w.values).map(([s, v]) => `${s} ${w.kind === 'byte' ? hex0x(v) : v}`).join(', ')}  support ${Object.values(w.support).join('/')}`);
    }
  }
  if (result.findings.length) {
    out.push('', c.bold('Value search'));
    for (const f of result.findings) {
      out.push(`  ${f.query}: ${f.group} byte ${f.offset} ${f.encoding}${f.scale !== 1 ? ` ÷${f.scale}` : ''}${f.add ? ` −${f.add}` : ''}  in ${f.matches}/${f.of} messages`);
    }
  }
  if (result.notes.length) {
    out.push('', c.bold('Notes'));
    for (const n of result.notes) out.push(`  - ${wordNote(n, FLAG_WORDS)}`);
  }
  // On a terminal, paragraphs break between words (the tables above already fit).
  return (columns > 0 ? out.flatMap((l) => wrapLine(l, width)) : out).join('\n') + '\n';
}

const flag = (name: SettingName): string => `--${name === 'state' ? 'state' : SETTINGS[name].flag}`;

/** The analysis' notes and problems name this command's flags. */
export const FLAG_WORDS: SettingWords = {
  set: (name, value) => `${flag(name)} ${value}`,
  tryOther: (names) => `try other ${names.map(flag).join('/')} settings`,
  giveStates: 'give --state on=… --state off=…',
};

function analyzeWorded(rounds: Round[], options: AnalysisOptions): AnalysisResult {
  try {
    return analyze(rounds, options);
  } catch (err) {
    if (err instanceof AnalysisError) throw new InputError(wordProblem(err.problem, FLAG_WORDS), { cause: err });
    throw err;
  }
}

export const command: Command = {
  name: 'analyze',
  summary: 'compare captures of two or more states and show the bits that differ',
  usage: 'bms-wizard analyze --state on=A,B --state off=C,D [options]',
  help: `Options:
  --state LABEL=FILES     captures of one state, comma-separated (repeat --state for more states or files).
                          One file is one round per connection. Windows: FILE@12.5..20 (seconds from the
                          capture start) or FILE@#195..#209 (record numbers; line numbers in text exports).
  --device ADDR           the device to analyse (default: the peer present in every state with most traffic)
  --handle H              only this attribute handle (17 or 0x0011)
  --frames MODE           auto (default), none, request, marker:HEX, gap:MS: how values are joined into frames
  --key MODE              auto (default), prefix:N, request, length, handle: how frames are grouped
  --min-agreement X       share of a state's messages that must agree on a bit (default 0.9)
  --min-support N         messages each state needs for a bit to rank (default 2; fewer are listed as weak)
  --find VALUE            look for a shown value, e.g. --find 13.28V --find 80% (repeatable)
  --json                  machine-readable result

Bits are numbered from the start of the reassembled frame, bit 0 = least significant (mask 0x01).

Examples:
  bms-wizard analyze --state on=on1.btsnoop,on2.btsnoop --state off=off1.btsnoop,off2.btsnoop
  bms-wizard analyze --state on=log.txt@#3..#5 --state off=log.txt@#9..#9 --min-support 1 --json
  bms-wizard analyze --state on=a.btsnoop --state off=b.btsnoop --find 13.28V --find 80%`,
  options: {
    state: { type: 'string', multiple: true },
    ...settingFlags(ANALYZE_SETTINGS),
    find: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  async run(values: OptionValues, positionals: string[], ctx: CommandContext): Promise<number> {
    if (positionals.length) throw new InputError(`unexpected argument '${positionals[0]}'; give captures with --state LABEL=FILE,FILE`);
    const stateArgs = list(values.state);
    if (stateArgs.length === 0) throw new InputError('no captures given; use --state on=A.btsnoop,B.btsnoop --state off=C.btsnoop,D.btsnoop');
    const options: AnalysisOptions = { ...settingsFromFlags(values, ANALYZE_SETTINGS).options, find: list(values.find) };
    const labels = new Set(stateArgs.map((a) => parseStateArg(a).state));
    if (labels.size < 2) throw new InputError(`only one state (${[...labels][0]}) was given; compare at least two, e.g. --state on=… --state off=…`);
    const { rounds, context, warnings } = await loadCaptures(stateArgs);
    for (const w of warnings) ctx.stderr.write(`warning: ${w}\n`);
    const result = analyzeWorded(rounds, { ...options, learnFrom: context });
    const known = knownProtocol([...rounds, ...context], result.groups, result.candidates.slice(0, 30));
    if (values.json) ctx.stdout.write(JSON.stringify({ ...result, known: known && knownJson(known, result.candidates) }, null, 2) + '\n');
    else ctx.stdout.write(report(result, colours(ctx), known, terminalColumns(ctx.stdout), outputWidth(ctx.stdout, ctx.env)));
    return 0;
  },
};
