// Every table the tool prints goes through here, laid out for a width: columns padded to their
// widest cell when they fit; else tighter gaps, then text columns wrapped at spaces, then each row
// as a record ("#1  group g2  byte 24 …") flowed as a paragraph. Nothing is ever cut inside a word
// or a number, so a terminal never wraps a row in the middle of one.

export interface TableColumn {
  /** Numbers line up on their right. */
  align?: 'left' | 'right';
  /** Free text that may continue on the next lines of its row (broken at spaces only). */
  wrap?: boolean;
  /** Spaces before this column (default: the table's gap). */
  gap?: number;
}

export interface TableOptions {
  /** Total width, indent included (the terminal's, or 80 when the output is not one). */
  width: number;
  /** Spaces before every line. */
  indent?: number;
  /** Spaces between columns when they fit (default 2; 1 when that is what makes them fit). */
  gap?: number;
  columns?: TableColumn[];
  /** The first row is the header (kept in a record layout as the names of the values). */
  header?: boolean;
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Where counting needs more than s.length: a colour code, or a character beyond 16 bits (two code units). */
const NOT_PLAIN = /[\x1b\ud800-\udfff]/;

/** Characters a terminal shows for `s` (colour codes take none). */
export function visibleLength(s: string): number {
  // Most cells are plain: a summary of 25 000 connections measures millions of them.
  if (!NOT_PLAIN.test(s)) return s.length;
  let n = 0;
  for (const _ of s.replace(ANSI, '')) n++;
  return n;
}

function pad(cell: string, width: number, align: 'left' | 'right' = 'left'): string {
  const room = ' '.repeat(Math.max(0, width - visibleLength(cell)));
  return align === 'right' ? room + cell : cell + room;
}

/** `text` broken at spaces into lines of at most `width` (a word longer than that stays whole). */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ').filter((x) => x !== '')) {
    if (cur !== '' && visibleLength(cur) + 1 + visibleLength(word) > width) {
      out.push(cur);
      cur = word;
    } else cur = cur === '' ? word : `${cur} ${word}`;
  }
  out.push(cur);
  return out;
}

/** True when wrapWords(text, width) is [text]: it fits, and its words are one space apart. */
const unbroken = (text: string, width: number): boolean => visibleLength(text) <= width && !/^ | $| {2}/.test(text);

/** A wrapped text column narrower than this reads as a column of single words: a record reads better. */
const MIN_TEXT = 20;

const longestWord = (cell: string): number => Math.max(0, ...cell.split(' ').map(visibleLength));

/**
 * The lines of each row (one per row when the table fits `width`, more when a text column wraps
 * or a row is shown as a record). Callers colour the lines of a row as they like.
 */
export function layoutTable(rows: string[][], o: TableOptions): string[][] {
  const render = tableRenderer(rows, o);
  return rows.map((_, i) => render(i));
}

/**
 * The layout of `rows` decided once (widths from every row, in loops: a spread of 100 000 rows
 * overflows the stack), then row `i`'s lines on demand, so a long table can be printed as it goes.
 */
export function tableRenderer(rows: string[][], o: TableOptions): (i: number) => string[] {
  const indent = ' '.repeat(o.indent ?? 0);
  const cols = rows.reduce((n, r) => Math.max(n, r.length), 0);
  const spec = (i: number): TableColumn => o.columns?.[i] ?? {};
  // One pass over the rows (a summary's table has one row per handle: 100 000 and more).
  const widths = new Array<number>(cols).fill(0);
  for (const r of rows) for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i]!, visibleLength(r[i]!));
  const room = o.width - indent.length;
  const cell = (r: number, i: number): string => rows[r]![i] ?? '';
  // Spaces before each column: as asked, or one everywhere when that is what makes the table fit.
  const spacings = [Array.from({ length: cols }, (_, i) => (i === 0 ? 0 : spec(i).gap ?? o.gap ?? 2)), Array.from({ length: cols }, (_, i) => (i === 0 ? 0 : 1))];
  const total = (gaps: number[], ws: number[]): number => ws.reduce((a, b) => a + b, 0) + gaps.reduce((a, b) => a + b, 0);
  const line = (cells: string[], gaps: number[], ws: number[]): string =>
    (indent + cells.map((c, i) => ' '.repeat(gaps[i]!) + (i === cols - 1 && spec(i).align !== 'right' ? c : pad(c, ws[i]!, spec(i).align))).join('')).trimEnd();
  for (const gaps of spacings) {
    if (total(gaps, widths) <= room) return (r) => [line(Array.from({ length: cols }, (_, i) => cell(r, i)), gaps, widths)];
  }
  // Text columns give up width down to their longest word (and never below a few words' room), widest first.
  const floors = widths.map((w, i) => (spec(i).wrap ? Math.max(Math.min(w, MIN_TEXT), rows.reduce((m, r) => Math.max(m, longestWord(r[i] ?? '')), 0)) : w));
  for (const gaps of spacings) {
    const ws = [...widths];
    let excess = total(gaps, ws) - room;
    for (const i of ws.map((_, i) => i).sort((a, b) => ws[b]! - ws[a]!)) {
      const give = Math.min(excess, ws[i]! - floors[i]!);
      ws[i]! -= give;
      excess -= give;
    }
    if (excess > 0) continue;
    return (r) => {
      // Most rows fit as they are: one line, without breaking (and re-joining) their text cells.
      const cells = Array.from({ length: cols }, (_, i) => cell(r, i));
      if (cells.every((c, i) => !spec(i).wrap || unbroken(c, ws[i]!))) return [line(cells, gaps, ws)];
      const parts = Array.from({ length: cols }, (_, i) => (spec(i).wrap ? wrapWords(cell(r, i), ws[i]!) : [cell(r, i)]));
      const height = parts.reduce((h, p) => Math.max(h, p.length), 1);
      return Array.from({ length: height }, (_, k) => line(parts.map((p) => p[k] ?? ''), gaps, ws));
    };
  }
  // Each row as one paragraph: its first cell, then "name value" for the other cells (the header
  // row itself prints nothing: its names are in every record).
  const head = o.header ? rows[0]! : null;
  const lead = rows.reduce((w, r, k) => (head && k === 0 ? w : Math.max(w, visibleLength(r[0] ?? ''))), 0);
  const hang = lead + 2 <= room / 2 ? lead + 2 : 2;
  return (r) => {
    if (head && r === 0) return [];
    const row = rows[r]!;
    const pairs: string[] = [];
    for (let i = 1; i < row.length; i++) {
      const c = row[i]!;
      if (c !== '') pairs.push(head?.[i] ? `${head[i]} ${c}` : c);
    }
    const lines = recordLines(pad(cell(r, 0), lead, spec(0).align), pairs, room, hang);
    for (let k = 0; k < lines.length; k++) lines[k] = `${indent}${lines[k]}`.trimEnd();
    return lines;
  };
}

/**
 * `first`, then `facts` two spaces apart, on lines of at most `width`: a fact stays whole on a
 * line when it fits one (a longer one breaks at its spaces); later lines start `hang` in.
 */
export function recordLines(first: string, facts: string[], width: number, hang = 2): string[] {
  const lines: string[] = [];
  const pre = ' '.repeat(hang);
  // The line so far, its visible length and whether it shows anything, kept as it grows (a
  // summary lays out tens of thousands of records: measuring the line again per fact adds up).
  let cur = first;
  let curLength = visibleLength(first);
  let blank = !/\S/.test(first);
  for (const fact of facts) {
    const sep = blank ? '' : '  ';
    const factLength = visibleLength(fact);
    if (curLength + sep.length + factLength <= width) {
      cur = `${cur}${sep}${fact}`;
      curLength += sep.length + factLength;
      blank &&= !/\S/.test(fact);
      continue;
    }
    for (const piece of factLength <= width - hang ? [fact] : wrapWords(fact, width - hang)) {
      if (!blank) lines.push(cur);
      cur = pre + piece;
      curLength = hang + visibleLength(piece);
      blank = !/\S/.test(piece);
    }
  }
  lines.push(cur);
  return lines;
}

/**
 * Breaks a line longer than `width` at spaces (never inside a word); colour codes do not count.
 * A paragraph continues under its own start, a list item ("  4. …", "  • …", "#2 …") under its
 * text, so a paragraph printed as one line reads as one at any width. Lines without room to break stay as they are.
 */
export function wrapLine(line: string, width: number): string[] {
  if (width < 20 || visibleLength(line) <= width) return [line];
  const plain = line.replace(ANSI, '');
  const lead = /^ *(?:(?:[-•*✔⚠✖]|\d+\.|#\d+) +)?/.exec(plain)![0].length;
  // A hanging indent that would leave less than half the width for text falls back to none.
  const indent = ' '.repeat(lead <= width / 2 ? lead : 0);
  // Words with the spaces before them: kept as they were within a line, dropped at a break.
  const [, first = '', rest = ''] = /^( *\S*)(.*)$/s.exec(line)!;
  const out: string[] = [];
  let cur = first;
  for (const [, gap, word] of rest.matchAll(/( +)(\S+)/g)) {
    if (visibleLength(cur) + gap!.length + visibleLength(word!) > width && /\S/.test(cur)) {
      out.push(cur);
      cur = indent + word;
    } else cur += gap! + word!;
  }
  out.push(cur);
  return out;
}

/** `text` with its long lines broken between words for a terminal `columns` wide (0: not a terminal, as it is). */
export function wrapForTerminal(text: string, columns: number): string {
  if (columns <= 0) return text;
  return text.split('\n').flatMap((l) => wrapLine(l, columns - 1)).join('\n');
}

/** The terminal's width when `stream` is one, else 0. */
export function terminalColumns(stream: NodeJS.WritableStream): number {
  const tty = stream as { isTTY?: boolean; columns?: number };
  return tty.isTTY && tty.columns && tty.columns > 0 ? tty.columns : 0;
}

/**
 * Width to lay text out for: the terminal's, else COLUMNS when set, else 80; less the last
 * column, where a character makes some terminals wrap at once.
 */
export function outputWidth(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): number {
  const fromEnv = Number(env.COLUMNS);
  return (terminalColumns(stream) || (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80)) - 1;
}
