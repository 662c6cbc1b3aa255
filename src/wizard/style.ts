// Colour and spinners, only on a terminal: NO_COLOR / TERM=dumb turn colour off, FORCE_COLOR on;
// ora spins only on an interactive stderr with CI unset.
import kleur from 'kleur';
import type { Ora } from 'ora';
import { HEAT_TONES, type HeatCell } from '../analysis/heatmap-text.js';
import { colourEnabled } from '../colour.js';

export interface Style {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  ok(s: string): string;
  warn(s: string): string;
  bad(s: string): string;
  accent(s: string): string;
  /** Highlight for candidate bits in hex views. */
  mark(s: string): string;
  /** A heatmap cell: coloured by how often the byte changes, candidates highlighted. */
  heat(cell: HeatCell): string;
}

export { colourEnabled } from '../colour.js';

export function makeStyle(enabled: boolean): Style {
  // kleur's own switch follows process.stdout; ours follows the stream we write to.
  const k = enabled ? (kleur.enabled = true, kleur) : null;
  const wrap = (f: (s: string) => string) => (s: string) => (k ? f(s) : s);
  return {
    enabled,
    bold: wrap((s) => kleur.bold(s)),
    dim: wrap((s) => kleur.dim(s)),
    ok: wrap((s) => kleur.green(s)),
    warn: wrap((s) => kleur.yellow(s)),
    bad: wrap((s) => kleur.red(s)),
    accent: wrap((s) => kleur.cyan(s)),
    mark: wrap((s) => kleur.black().bgYellow(s)),
    heat: (cell) => (k ? (cell.candidate ? kleur.black().bgYellow(cell.char) : kleur[HEAT_TONES[cell.level] ?? 'gray'](cell.char)) : cell.char),
  };
}

export interface Spinner {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  stop(): void;
}

type OraFactory = typeof import('ora').default;
let oraFactory: OraFactory | null = null;
let oraLoading: Promise<void> | null = null;
/** ora loads with the first interactive spinner, not at start-up (it costs tens of milliseconds). */
function loadOra(): Promise<void> {
  return (oraLoading ??= import('ora').then((m) => void (oraFactory = m.default)));
}

/**
 * An ora spinner on an interactive stderr; otherwise plain lines on `out` when it ends. A spinner
 * that ends before ora has loaded prints its end mark itself, as ora would.
 */
export function startSpinner(text: string, opts: { stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv; out: (line: string) => void }): Spinner {
  const interactive = Boolean((opts.stderr as { isTTY?: boolean }).isTTY) && !opts.env.CI && opts.env.TERM !== 'dumb';
  if (!interactive) {
    return {
      update() {},
      succeed: (t) => opts.out(`✔ ${t}`),
      fail: (t) => opts.out(`✖ ${t}`),
      stop() {},
    };
  }
  // discardStdin would swallow the keys of the next prompt; the wizard handles SIGINT itself.
  // Without colour (NO_COLOR) the spinner and its end marks are plain: ora's own marks are coloured.
  const colour = colourEnabled(opts.stderr, opts.env);
  let current = text;
  let done = false;
  const make = (ora: OraFactory): Ora => ora({ text: current, stream: opts.stderr as NodeJS.WriteStream, discardStdin: false, isEnabled: true, color: colour ? 'cyan' : false }).start();
  let s: Ora | null = oraFactory ? make(oraFactory) : null;
  if (!s) void loadOra().then(() => void (!done && oraFactory && (s = make(oraFactory))));
  const end = (ok: boolean, t: string): void => {
    done = true;
    const mark = ok ? '✔' : '✖';
    if (s) void (colour ? (ok ? s.succeed(t) : s.fail(t)) : s.stopAndPersist({ symbol: mark, text: t }));
    else opts.stderr.write(`${colour ? (ok ? kleur.green(mark) : kleur.red(mark)) : mark} ${t}\n`);
  };
  return {
    update: (t) => {
      current = t;
      if (s) s.text = t;
    },
    succeed: (t) => end(true, t),
    fail: (t) => end(false, t),
    stop: () => {
      done = true;
      s?.stop();
    },
  };
}
