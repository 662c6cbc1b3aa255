// Runs the wizard over a session: pick or create it, lock it, run the steps from the one
// reached, save after each. Ctrl+C at a prompt saves and prints the exact resume command.
import { unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Interrupted } from '../errors.js';
import type { RoundSource } from '../recorders/source.js';
import type { StoredSettings } from '../analysis/options.js';
import { newSession, progressOf, type Session, type StoredAnalysis } from '../session/schema.js';
import { findSessionFile, listSessions, loadSession, lockSession, newSessionId, saveSession, sessionPath } from '../session/store.js';
import { VERSION } from '../version.js';
import type { Engine } from './engine.js';
import type { WizardIO } from './io.js';
import { recapLines } from './recap.js';
import { showResults, sourceFor, STEP_HANDLERS, type WizardRun } from './steps.js';
import { visible } from '../text-safe.js';

export interface WizardOptions {
  io: WizardIO;
  engine: Engine;
  sessionsDir: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** 'choose': offer the existing sessions; 'new': always a new one; 'resume': the one named by `session`. */
  mode: 'choose' | 'new' | 'resume';
  /** Id, file path or 'latest' (mode 'resume'). */
  session?: string;
  demo?: boolean;
  /** Exit 130 on SIGINT outside prompts (commands set it; tests do not). */
  handleSignals?: boolean;
  /** Stored with the chosen source (wizard --simulate PROTO → {simulate: PROTO}). */
  sourceOptions?: Record<string, string>;
  /** Analysis settings given as flags: they replace the stored ones, so their question is not needed. */
  settings?: StoredSettings;
  /** Stop after this step is reached (tests of interruption at each step). */
  stopAt?: Session['step'];
  /** How the user runs bms-wizard ('node bin/bms-wizard.js' from a clone), for the printed commands. */
  program?: string;
}

/** The command that continues this session (`verb` 'export' for the export), with --sessions-dir when it is not the default. */
export function resumeCommand(id: string, sessionsDir: string, cwd: string, env: NodeJS.ProcessEnv, program = 'bms-wizard', verb = 'resume'): string {
  const defaultDir = resolve(cwd, env.BMS_WIZARD_SESSIONS || 'sessions');
  const q = (s: string): string => (/^[\w./:@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `${program} ${verb} ${id}${resolve(sessionsDir) === defaultDir ? '' : ` --sessions-dir ${q(sessionsDir)}`}`;
}

/** Settings given as flags replace the stored ones; an analysis made with others is run again. */
function applySettings(session: Session, given: StoredSettings | undefined): void {
  if (!given || Object.keys(given).length === 0) return;
  const before = session.analysis?.settings ?? session.analysisSettings ?? {};
  const after = { ...before, ...given } as StoredAnalysis['settings'];
  session.analysisSettings = after;
  if (session.analysis && Object.entries(given).some(([k, v]) => before[k] !== v)) {
    session.analysis = null;
    if (session.step === 'results' || session.step === 'accept') session.step = 'analyze';
  }
}

function describe(s: Session): string {
  const p = progressOf(s);
  return `${visible(s.id)}  ${visible(s.device.name ?? s.device.address ?? 'device not known yet')}  ${visible(s.target.name)}  ${p.rounds}/${p.needed} rounds  step ${s.step}  ${s.updated.slice(0, 16).replace('T', ' ')}`;
}

async function chooseSession(o: WizardOptions): Promise<{ session: Session; file: string; loaded: boolean }> {
  const create = (): { session: Session; file: string; loaded: boolean } => {
    const id = newSessionId();
    const session = newSession(id, VERSION);
    session.demo = Boolean(o.demo);
    return { session, file: sessionPath(o.sessionsDir, id), loaded: false };
  };
  if (o.mode === 'new') return create();
  if (o.mode === 'resume') {
    const file = await findSessionFile(o.sessionsDir, o.session);
    const { session, migratedFrom } = await loadSession(file);
    if (migratedFrom !== null) o.io.out(o.io.style.dim(`(session upgraded from schema ${migratedFrom} to ${session.schemaVersion})`));
    return { session, file, loaded: true };
  }
  const all = await listSessions(o.sessionsDir);
  const unreadable = all.filter((l) => l.error !== null).length;
  if (unreadable > 0) o.io.out(o.io.style.warn(`${unreadable} file${unreadable === 1 ? '' : 's'} in ${visible(o.sessionsDir)} could not be read as a session ('bms-wizard sessions' says why)`));
  const listed = all.filter((l) => l.session && l.session.step !== 'done');
  if (listed.length === 0) return create();
  const pick = await o.io.prompter.select({
    message: 'Start a new session or continue one?',
    choices: [{ name: 'Start a new session', value: '' }, ...listed.slice(0, 15).map((l) => ({ name: `Continue ${describe(l.session!)}`, value: l.file }))],
    default: '',
  });
  if (pick === '') return create();
  const { session } = await loadSession(pick);
  return { session, file: pick, loaded: true };
}

export async function runWizard(o: WizardOptions): Promise<{ session: Session; file: string }> {
  const cwd = o.cwd ?? process.cwd();
  const env = o.env ?? process.env;
  // Answers counted: a new session is written once something was answered, so Ctrl+C at its
  // very first question leaves no empty session behind.
  let answered = 0;
  const count = <T>(p: Promise<T>): Promise<T> => p.then((v) => ((answered += 1), v));
  const asked = o.io.prompter;
  const io: WizardIO = {
    ...o.io,
    prompter: { select: (q) => count(asked.select(q)), input: (q) => count(asked.input(q)), confirm: (q) => count(asked.confirm(q)) },
  };
  const chosen = await chooseSession(o);
  const { file } = chosen;
  const lock = await lockSession(file);
  let session = chosen.session;
  try {
    // Another process may have saved between our read and our lock: read again under the lock.
    if (chosen.loaded) session = (await loadSession(file)).session;
  } catch (err) {
    await lock.release();
    throw err;
  }
  // The session records the bms-wizard that wrote it last.
  session.tool.version = VERSION;
  applySettings(session, o.settings);
  const holder: { source: RoundSource | null } = { source: null };
  // The folder the file is in (a session opened by its path may live outside --sessions-dir).
  const resume = resumeCommand(session.id, dirname(file), cwd, env, o.program);
  let saved = chosen.loaded;
  const onSigint = (): void => {
    // Outside a prompt (a spinner, a recording): the file on disk is the last saved step.
    if ((process.stderr as { isTTY?: boolean }).isTTY) process.stderr.write('\x1b[?25h'); // a spinner hid the cursor
    io.out(saved ? `\nInterrupted. Session saved up to its last step: ${visible(file)}\nResume with: ${visible(resume)}` : '\nInterrupted before anything was answered: no session was saved.');
    try {
      unlinkSync(lock.file);
    } catch {
      /* already gone */
    }
    process.exit(130);
  };
  // Ctrl+C outside a prompt, the terminal closed, or a polite kill.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  if (o.handleSignals) for (const sig of signals) process.on(sig, onSigint);
  const w: WizardRun = {
    session,
    file,
    io,
    engine: o.engine,
    cwd,
    env,
    save: async () => {
      await saveSession(file, session);
      saved = true;
    },
    sourceOptions: o.sourceOptions,
    source: async () => (holder.source ??= await sourceFor(w)),
  };
  try {
    io.out(io.style.bold(`Session ${session.id}`) + io.style.dim(`  (${visible(file)})`));
    if (chosen.loaded) {
      await w.save();
      for (const line of recapLines(session)) io.out(line);
      // Resumed at the choice of a candidate: the results it is chosen from are not on screen.
      if (session.step === 'accept' && session.analysis) showResults(w);
    }
    if (session.step === 'done' && o.mode === 'resume') {
      const again = await io.prompter.select({
        message: 'This session is complete. What now?',
        choices: [
          { name: 'Nothing: show the finding and quit', value: 'quit' },
          { name: 'Show the results again (accept another candidate, re-run the analysis)', value: 'results' },
          { name: 'Record one more round per state', value: 'more' },
        ],
        default: 'quit',
      });
      if (again === 'results') session.step = session.analysis ? 'results' : 'analyze';
      if (again === 'more') {
        session.target.roundsPerState += 1;
        session.step = 'record';
      }
    }
    while (session.step !== 'done' && session.step !== o.stopAt) {
      session.step = await STEP_HANDLERS[session.step](w);
      await w.save();
    }
    if (session.step === 'done') {
      if (session.accepted) io.out(`\n${io.style.bold('Finding:')} ${session.accepted.rule}`);
      io.out(io.style.dim(`Session complete: ${visible(file)}. Export again with: ${visible(resumeCommand(session.id, dirname(file), cwd, env, o.program, 'export'))} --format md`));
    }
    return { session, file };
  } catch (err) {
    if (!saved && answered === 0) {
      if (err instanceof Interrupted) io.out('\nInterrupted before anything was answered: no session was saved.');
      throw err;
    }
    await w.save().catch(() => undefined);
    if (err instanceof Interrupted) {
      io.out(`\nInterrupted. Session saved: ${visible(file)}\nResume with: ${visible(resume)}`);
    }
    throw err;
  } finally {
    if (o.handleSignals) for (const sig of signals) process.off(sig, onSigint);
    await holder.source?.close().catch(() => undefined);
    await lock.release();
  }
}
