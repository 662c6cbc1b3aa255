// The wizard's terminal: a prompter, a line printer, colour, spinners; and the SourceUI built on them.
import type { SourceUI } from '../recorders/source.js';
import { choosePrompter, type Prompter } from './prompter.js';
import { outputWidth, terminalColumns, wrapLine } from '../table-layout.js';
import { colourEnabled, makeStyle, startSpinner, type Spinner, type Style } from './style.js';

export interface WizardIO {
  prompter: Prompter;
  /** false with --yes or scripted answers: a wrong answer cannot be asked again. */
  interactive: boolean;
  out(line?: string): void;
  /** Width of the terminal, 0 when the output is not one. */
  columns(): number;
  /** Width tables are laid out for: the terminal's less its last column, else COLUMNS or 80 (less one). */
  width(): number;
  style: Style;
  spinner(text: string): Spinner;
}

/** The IO of a command run: prompts and text on stdout, spinners on stderr. */
export function terminalIO(ctx: { yes: boolean; stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv }, command: string): WizardIO {
  // On a terminal, long lines break between words instead of at the last column.
  const columns = (): number => terminalColumns(ctx.stdout);
  const out = (line = ''): void => {
    const width = columns();
    const lines = width > 0 ? line.split('\n').flatMap((l) => wrapLine(l, width - 1)) : [line];
    ctx.stdout.write(`${lines.join('\n')}\n`);
  };
  const style = makeStyle(colourEnabled(ctx.stdout, ctx.env));
  const prompter = choosePrompter(ctx, command, (l) => out(style.dim(l)));
  return {
    prompter,
    interactive: !ctx.yes,
    out,
    columns,
    width: () => outputWidth(ctx.stdout, ctx.env),
    style,
    spinner: (text) => startSpinner(text, { stderr: ctx.stderr, env: ctx.env, out }),
  };
}

export function sourceUI(io: WizardIO): SourceUI {
  return {
    info: (m) => io.out(`  ${m}`),
    warn: (m) => io.out(`  ${io.style.warn(`⚠ ${m}`)}`),
    confirm: (message, def) => io.prompter.confirm({ message, default: def }),
    ask: (message, def) => io.prompter.input({ message, default: def }),
    waitForUser: async (message) => {
      await io.prompter.input({ message: `${message} (press Enter when done)`, default: '' });
    },
    progress: (text) => {
      const s = io.spinner(text);
      return { update: (t) => s.update(t), stop: (t) => (t ? s.succeed(t) : s.stop()) };
    },
  };
}
