// One place that decides what text from outside (a capture, a file name, a session, another
// program) may do when it is shown: nothing. Control characters become visible escapes before
// they reach a terminal, a markdown report or an HTML page, so a device named "\x1b]52;c;…"
// cannot write the clipboard, clear the screen, retitle the window or fake a link.

/**
 * C0 controls, DEL, C1 controls, the Unicode line/paragraph separators and the bidirectional
 * overrides and isolates (they reorder what is shown around them).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A string from outside, safe to print on one line: every control character shown as an escape ("\x1b"). */
export function visible(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** The same for a value of unknown type (error messages, JSON fields). */
export function visibleValue(v: unknown): string {
  return visible(typeof v === 'string' ? v : String(v));
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML page (element content or a quoted attribute), controls shown as escapes. */
export function htmlText(s: string): string {
  return visible(s).replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * Text for a markdown report, inline: controls shown as escapes, HTML characters as entities,
 * and the characters that make links, emphasis, code, table cells or (at the start) headings,
 * quotes and lists backslash-escaped, so a device name cannot add structure or a `<script>`.
 */
export function markdownText(s: string): string {
  return visible(s)
    .replace(/[&<>]/g, (c) => HTML[c]!)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#>+=-]|\d+\.)/, '$1\\$2');
}

/** Text for a markdown code span (`…`): controls shown as escapes, no backtick to close it early. */
export function markdownCode(s: string): string {
  return visible(s).replace(/`/g, "'");
}

/**
 * What our own output may send to a terminal: SGR colour and the few cursor sequences the
 * prompts and spinners use. Anything else (OSC, DCS, screen clears, resets, raw C1) is shown as
 * an escape. The last line of defence under `visible()`: it also keeps JSON valid (\u001b).
 */
const OWN_SEQUENCE = /^\x1b\[(?:[0-9;]*m|\?25[hl]|[0-9]*[ABCDGK]|[012]?K|0?J|[0-9]*;?[0-9]*H)/;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export function terminalSafe(text: string): string {
  if (!CONTROL.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const code = c.charCodeAt(0);
    if (code === 0x1b) {
      const own = OWN_SEQUENCE.exec(text.slice(i, i + 24));
      if (own) {
        out += own[0];
        i += own[0].length - 1;
        continue;
      }
    }
    if (code === 0x0a || code === 0x0d || code === 0x09 || !CONTROL.test(c)) out += c;
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** The stream, with every string written to it passed through terminalSafe() (all else as it is). */
export function guardedStream<T extends NodeJS.WritableStream>(stream: T): T {
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const safe = typeof chunk === 'string' ? terminalSafe(chunk) : Buffer.isBuffer(chunk) ? terminalSafe(chunk.toString('utf8')) : chunk;
    return (stream.write as (c: unknown, ...r: unknown[]) => boolean).call(stream, safe, ...rest);
  };
  return new Proxy(stream, {
    get(target, key) {
      if (key === 'write') return write;
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
