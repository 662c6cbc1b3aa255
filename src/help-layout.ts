// --help text laid out for a width: paragraphs reflowed as paragraphs, each option's description
// wrapped under itself, an example command broken between words with a shell line continuation
// (so it still pastes). The help texts are written for no width in particular.
import { visibleLength, wrapLine, wrapWords } from './table-layout.js';

/** "  --state LABEL=FILES     captures of one state…": the option and the column its text starts at. */
const OPTION = /^( +-\S*(?: [^\s-]\S*)*? {2,})(\S.*)$/;
const EXAMPLE = /^( +)((?:bms-wizard|npx|node|npm|sudo) .*)$/;

export function layoutHelp(text: string, width: number): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (visibleLength(line) <= width && !/^\S/.test(line)) {
      // A short indented line stays as it is, unless it starts an option whose text goes on below.
      if (!OPTION.test(line) || !continues(lines, i)) {
        out.push(line);
        continue;
      }
    }
    const option = OPTION.exec(line);
    if (option) {
      const lead = option[1]!.length;
      const parts = [option[2]!];
      while (i + 1 < lines.length && continuation(lines[i + 1]!, lead)) parts.push(lines[++i]!.trim());
      const room = width - lead;
      if (room >= 24) {
        wrapWords(parts.join(' '), room).forEach((w, k) => out.push(`${k ? ' '.repeat(lead) : option[1]}${w}`));
      } else {
        // Too narrow for the description beside its option: under it.
        out.push(option[1]!.trimEnd(), ...wrapWords(parts.join(' '), width - 6).map((w) => `      ${w}`));
      }
      continue;
    }
    if (/^\S/.test(line)) {
      // A paragraph: its lines joined and broken again for this width.
      const parts = [line];
      while (i + 1 < lines.length && /^\S/.test(lines[i + 1]!)) parts.push(lines[++i]!);
      out.push(...wrapWords(parts.join(' '), width));
      continue;
    }
    const example = EXAMPLE.exec(line);
    if (example) {
      const indent = example[1]!;
      const rows = wrapWords(example[2]!, width - indent.length - 6);
      rows.forEach((r, k) => out.push(`${indent}${k ? '    ' : ''}${r}${k < rows.length - 1 ? ' \\' : ''}`));
      continue;
    }
    out.push(...wrapLine(line, width));
  }
  return out.join('\n');
}

/** The next line goes on with option `i`'s text (it starts at the same column). */
function continues(lines: string[], i: number): boolean {
  const lead = OPTION.exec(lines[i]!)![1]!.length;
  return i + 1 < lines.length && continuation(lines[i + 1]!, lead);
}

function continuation(line: string, lead: number): boolean {
  return line.length > lead && /^ *$/.test(line.slice(0, lead)) && line[lead] !== ' ' && !OPTION.test(line);
}
