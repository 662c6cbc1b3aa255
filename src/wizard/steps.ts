// The wizard's steps, one function each. A step reads and changes the session, sets
// `session.step` to the next one, and the runner saves after it returns.
import type { AnalysisResult } from '../analysis/types.js';
import { documentedLines, knownSentence } from '../analysis/known/words.js';
import { sessionKnown } from '../export/known.js';
import { writeFileDurably } from '../durable-write.js';
import { AnalysisError } from '../analysis/analysis-error.js';
import { wordProblem } from '../analysis/wording.js';
import { sharedInputs } from '../analysis/shared-input.js';
import { parseSetting, SETTINGS, type GrammarSetting } from '../analysis/options.js';
import { analysisOptions } from '../session/settings.js';
import { InputError } from '../errors.js';
import { visible } from '../text-safe.js';
import type { RoundSource } from '../recorders/source.js';
import { windowContext } from '../recorders/window-context.js';
import { acceptCandidate } from '../session/finding.js';
import { reportMarkdown } from '../export/markdown.js';
import { buildReport, reportJson } from '../export/report.js';
import { checkRound, putRound, sessionRounds, sessionShown, storedShown, storeRound } from '../session/rounds.js';
import { acceptCells, acceptReading } from '../session/readings.js';
import { findFields, frameMap } from '../analysis/readings.js';
import { mapLines } from '../analysis/map-view.js';
import { confirmCells, packVoltageIndex } from '../analysis/cells.js';
import { describeCells } from '../analysis/field-view.js';
import { checkShownRounds, parseShownValue, parseShownValues } from '../analysis/shown.js';
import { perRound, readingLine, readingsView } from './readings-view.js';
import { roundsOf, type AcceptedReading, type Session, type Step, type StoredAnalysis, type TargetKind } from '../session/schema.js';
import { sessionArtifacts } from '../session/store.js';
import type { Engine } from './engine.js';
import { sourceUI, type WizardIO } from './io.js';
import { findSource, SOURCES, type SourceContext, type SourceEntry } from '../recorders/index.js';
import { SIM_DEFAULTS } from '../recorders/sim.js';
import { candidateLine, framingSwitches, gattSummary, heatmapView, MENU_WORDS, nextSteps, resultsView, roundFeedback, roundIsEmpty, sourceLine } from './view.js';

export interface WizardRun {
  session: Session;
  file: string;
  io: WizardIO;
  engine: Engine;
  cwd: string;
  env: NodeJS.ProcessEnv;
  save(): Promise<void>;
  /** Options for the source the user picks (e.g. simulate=jbd for direct GATT against a simulated BMS). */
  sourceOptions?: Record<string, string>;
  /** The session's round source, created on first use. */
  source(): Promise<RoundSource>;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** What the session looks for (sessions written before readings looked for a switch). */
export function targetKind(session: Session): TargetKind {
  return session.target.kind ?? 'switch';
}

async function stepTarget(w: WizardRun): Promise<Step> {
  const { prompter, out, style } = w.io;
  const t = w.session.target;
  out(style.bold('\nWhat do you want to find?'));
  t.kind = await prompter.select<TargetKind>({
    message: 'A switch, a reading, or both?',
    choices: [
      { name: 'A switch (on/off, a mode): compare rounds recorded in each state', value: 'switch' },
      { name: 'A reading (voltage, current, SoC, temperatures, cells): match what the app shows', value: 'reading' },
      { name: 'Both: compare the states, and note what the app shows in each round', value: 'both' },
    ],
    default: targetKind(w.session),
  });
  if (t.kind === 'reading') return stepReadingTarget(w);
  // One paragraph: the terminal wraps it as a whole at any width.
  out("Pick one switch of the BMS app (e.g. the discharge switch). You record the app's Bluetooth traffic several times with the switch in each state (the app restarted each time, the switch not touched); the wizard then finds the bits that stay the same within each state and differ between them.");
  t.name = (await prompter.input({ message: 'Name of the switch or reading', default: t.name, validate: (s) => (s.trim() ? null : 'give it a name') })).trim();
  const states = await prompter.input({
    message: 'States to compare (comma-separated, first = the one to record first)',
    default: t.states.join(','),
    validate: (s) => {
      const list = s.split(',').map((x) => x.trim()).filter(Boolean);
      if (list.length < 2) return 'at least two states';
      if (new Set(list).size !== list.length) return 'the states must differ';
      if (list.some((x) => !/^[\w.-]+$/.test(x))) return 'letters, digits, dot, dash, underscore only';
      return null;
    },
  });
  t.states = states.split(',').map((x) => x.trim()).filter(Boolean);
  await askRounds(w, 'Rounds per state (each round = one app session)', t.roundsPerState);
  // One unlock and one lock is all some captures hold; the analysis runs, with less to judge by.
  if (t.roundsPerState === 1) out(style.warn('⚠ one round per state: a bit that differs by chance between two recordings cannot be told apart from the switch; record more rounds when you can'));
  return askDeviceAndSettle(w);
}

/** How many rounds (1–50), into the target. */
async function askRounds(w: WizardRun, message: string, def: number): Promise<void> {
  const n = await w.io.prompter.input({
    message,
    default: String(def),
    validate: (s) => (/^\d+$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= 50 ? null : 'a number from 1 to 50'),
  });
  w.session.target.roundsPerState = Number(n);
}

/** The device's address when known; rounds of states no longer in the target are dropped. */
async function askDeviceAndSettle(w: WizardRun): Promise<Step> {
  const device = await w.io.prompter.input({
    message: 'Device address if you know it (empty: find it from the traffic)',
    default: w.session.device.address ?? '',
    validate: (s) => (s.trim() === '' || MAC.test(s.trim()) ? null : 'an address like a4:c1:38:12:34:56, or empty'),
  });
  w.session.device.address = device.trim() === '' ? null : device.trim().toLowerCase();
  w.session.rounds = w.session.rounds.filter((r) => w.session.target.states.includes(r.state));
  return 'source';
}

/** A reading alone: rounds of one state, each with the values the app showed. */
async function stepReadingTarget(w: WizardRun): Promise<Step> {
  const { prompter, out } = w.io;
  const t = w.session.target;
  // One paragraph: the terminal wraps it as a whole at any width.
  out("Record the app's Bluetooth traffic while it shows its values, and type what it showed after each round. The wizard then finds the bytes that decode to those values in every round (offset, size, byte order, scale). Two or three rounds with different values (a little charge or load between them) pin the fields down; one is enough to start.");
  if (t.name === 'discharge switch') t.name = 'readings';
  t.name = (await prompter.input({ message: 'Name of the reading(s)', default: t.name, validate: (s) => (s.trim() ? null : 'give it a name') })).trim();
  t.states = ['reading'];
  await askRounds(w, 'Rounds (each round = one app session, with the values it showed)', Math.min(t.roundsPerState, 3));
  return askDeviceAndSettle(w);
}

async function stepSource(w: WizardRun): Promise<Step> {
  const { prompter, out, style } = w.io;
  if (w.session.demo) {
    const protocols = w.engine.protocols();
    out(style.bold('\nWhere the traffic comes from'));
    out('The demo records from a simulated BMS: a simulated phone app talks to it and a simulated sniffer writes real capture files next to the session.');
    const protocol = await prompter.select({
      message: 'Simulated BMS protocol',
      choices: (protocols.length ? protocols : [SIM_DEFAULTS.protocol]).map((p) => ({ name: p, value: p })),
      default: protocols.includes(SIM_DEFAULTS.protocol) ? SIM_DEFAULTS.protocol : protocols[0],
    });
    w.session.source = { id: 'sim', options: { protocol, seed: SIM_DEFAULTS.seed, format: SIM_DEFAULTS.format } };
    return 'record';
  }
  out(style.bold('\nWhere does the traffic come from?'));
  const visible = SOURCES.filter((s) => !s.hidden);
  const spin = w.io.spinner('checking which sources work on this machine');
  const reasons = await Promise.all(visible.map((s) => availability(w, s)));
  spin.stop();
  // The list shows why a source is off in a few words; the full reasons (with the fix) come after
  // the choice, so that they never push the menu off a small screen.
  const choices = visible.map((s, i) => ({ name: s.label, value: s.id, disabled: reasons[i] ? `(${shortReason(reasons[i]!)})` : (false as const) }));
  const off = visible.map((s, i) => ({ s, why: reasons[i] })).filter((x) => x.why);
  const id = await prompter.select({ message: 'Source of the rounds', choices, default: w.session.source?.id ?? 'import' });
  if (off.length) {
    out(style.dim(`Not available on this machine (to enable one, do what it says): ${off.map(({ s }) => s.id).join(', ')}`));
    for (const { s, why } of off) out(style.dim(`  ${s.id}: ${why}`));
  }
  w.session.source = { id, options: { ...(w.sourceOptions ?? {}) } };
  return 'record';
}

/** "adb was not found on PATH: install…" → "adb was not found on PATH". */
export function shortReason(why: string): string {
  const head = why.split(/[:.;(]/)[0]!.trim();
  return head.length > 60 ? `${head.slice(0, 57)}…` : head;
}

/** null when the source works here, else why not; the probe source is closed again (noble keeps a process alive). */
async function availability(w: WizardRun, entry: SourceEntry): Promise<string | null> {
  let source: RoundSource | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    source = await entry.create(sourceContext(w));
    const timeout = new Promise<string>((r) => (timer = setTimeout(() => r('did not answer within 8 s'), 8000)));
    return await Promise.race([source.unavailableReason(), timeout]);
  } catch (err) {
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
    await source?.close().catch(() => undefined);
  }
}

export function sourceContext(w: WizardRun): SourceContext {
  return { extract: w.engine.extract, simulate: w.engine.simulate, session: w.session, capturesDir: sessionArtifacts(w.file).captures, cwd: w.cwd, env: w.env };
}

function instructions(w: WizardRun, state: string, resumed: boolean, n: number): string[] {
  const t = w.session.target;
  const setup = t.setup?.[state];
  if (w.session.demo) {
    return [
      `State '${state}': the simulated phone sets the ${t.name} to ${state.toUpperCase()} in the app and restarts the app to verify it took.`,
      `Then it records ${n === 1 ? 'one round: it restarts' : `${n} rounds: each round restarts`} the app and opens the page with the switch without touching it.`,
    ];
  }
  if (targetKind(w.session) === 'reading') {
    return [
      `Rounds${resumed ? ' (continuing)' : ''}: ${n === 1 ? 'one app session' : `${n} app sessions`}, each: start the app, wait until it shows its values, note them (voltage, current, SoC, temperatures, as many as you like, in the same order every round), close the app.`,
      '  After each round the wizard asks what the app showed. Values that differ between rounds pin the fields down.',
    ];
  }
  const head = [
    `State '${state}'${resumed ? ' (continuing)' : ''}:`,
    setup ? `  1. In the vendor app: ${setup}.` : `  1. In the vendor app, set the ${t.name} to ${state.toUpperCase()}.`,
    `  2. Verify it took: close the app completely, start it again, and check the app still shows ${setup ? 'that' : state.toUpperCase()}.`,
  ];
  const id = w.session.source?.id ?? 'import';
  if (id === 'import') {
    return [
      ...head,
      `  3. Close the app. Start capturing (HCI snoop log, PacketLogger, sniffer).`,
      `  4. ${n === 1 ? 'Once' : `${n} times`}: start the app, open the page with the switch, wait a few seconds, do NOT touch the switch, close the app.`,
      `  5. Stop the capture and save it (e.g. ${state}.btsnoop).${n > 1 ? ` One file with ${n} app restarts fills all ${n} rounds.` : ''}`,
    ];
  }
  if (id === 'gatt') {
    return [...head, `  3. Close the vendor app completely. The tool then connects to the BMS itself, ${n} times, and records its answers.`];
  }
  return [...head, `  3. Then for each of the ${n} rounds, when asked: restart the app, open the page with the switch, wait a few seconds, and do NOT touch the switch.`];
}

async function stepRecord(w: WizardRun): Promise<Step> {
  const { prompter, out, style } = w.io;
  const t = w.session.target;
  const source = await w.source();
  const ui = sourceUI(w.io);
  for (const state of t.states) {
    const have = roundsOf(w.session, state).length;
    const missing = Array.from({ length: t.roundsPerState }, (_, i) => i + 1).filter((i) => !roundsOf(w.session, state).some((r) => r.index === i));
    if (missing.length === 0) continue;
    out(style.bold(`\nRecording '${state}' (${have}/${t.roundsPerState} rounds so far)`));
    for (const line of instructions(w, state, have > 0, missing.length)) out(line);
    if (!w.session.demo && targetKind(w.session) !== 'reading') await ui.waitForUser(t.setup?.[state] ? `App set for '${state}' and verified?` : `Switch set to ${state.toUpperCase()} and verified?`);
    for (const index of missing) {
      for (;;) {
        out(style.accent(`\nRound ${index}/${t.roundsPerState} of '${state}'`));
        let recorded;
        try {
          const previous = roundsOf(w.session, state).filter((r) => r.index < index).map((r) => r.source);
          recorded = await source.recordRound({ state, index, roundsPerState: t.roundsPerState, device: w.session.device.address, previous }, ui);
        } catch (err) {
          if (!(err instanceof InputError) || !w.io.interactive) throw err;
          out(`  ${style.bad(`✖ ${err.message}`)}`);
          continue;
        }
        const other = w.session.rounds.find((r) => r.device !== null)?.device ?? null;
        const check = checkRound(recorded.events, recorded.connections, { device: w.session.device.address, restarts: 1, otherRoundsDevice: other });
        // The same window or file given to two states: flagged now, before any analysis.
        const shared = sharedInputs([...w.session.rounds.filter((r) => r.state !== state), { state, index, source: recorded.source, events: recorded.events }]).filter((x) => x.b.state === state && x.b.index === index);
        for (const x of shared) check.warnings.push(`this round reads the same part of the capture as '${x.a.state}' round ${x.a.index}${x.records ? ` (records #${x.records.from}..#${x.records.to})` : ''}: the switch cannot differ between them`);
        const name = recorded.connections.find((c) => c.peer === check.device && c.name)?.name ?? null;
        for (const line of roundFeedback({ ...check, warnings: [...recorded.warnings, ...check.warnings] }, style, name, recorded.source)) out(line);
        // Nothing from the device: redoing is the likely answer.
        const redo = await prompter.confirm({ message: 'Redo this round?', default: roundIsEmpty(check) || shared.length > 0 });
        if (redo) continue;
        if (w.session.device.address === null && check.device !== null) {
          w.session.device.address = check.device;
          out(`  the device is ${check.device}: later rounds keep only its traffic`);
        }
        if (w.session.device.name === null && name) w.session.device.name = name;
        // Every source gives the GATT table it knows with the round (capture discovery, or read live).
        const gatt = recorded.gatt ?? null;
        if (w.session.device.gatt === null && gatt && gatt.length > 0) {
          w.session.device.gatt = gatt;
          out(recorded.source.kind === 'gatt' ? '  GATT table read from the device:' : '  GATT seen in the capture (the app\'s service discovery):');
          for (const line of gattSummary(gatt)) out(`  ${line}`);
        }
        const shown = targetKind(w.session) === 'switch' ? [] : await askShown(w, state, index);
        putRound(w.session, storeRound({ state, index, source: recorded.source, device: check.device, events: recorded.events, connections: recorded.connections, warnings: [...recorded.warnings, ...check.warnings], shown }));
        // The analysis is stale once a round changes; the settings chosen for it stay.
        if (w.session.analysis) w.session.analysisSettings = w.session.analysis.settings;
        w.session.analysis = null;
        await w.save();
        break;
      }
    }
  }
  return 'analyze';
}

/** What the app showed during a round: one line in the shown-value grammar, checked against the other rounds. */
async function askShown(w: WizardRun, state: string, index: number): Promise<string[]> {
  const others = w.session.rounds.filter((r) => !(r.state === state && r.index === index)).map((r) => (r.shown ?? []).map((v) => parseShownValue(v)));
  const example = others.find((o) => o.length > 0);
  const line = await w.io.prompter.input({
    message: `What did the app show during this round? (e.g. ${example ? example.map((v) => (v.name ? `${v.name}=${v.text}` : v.text)).join(' ') : '13.28V 80% -2.5A 21.3C'}; same order every round; empty: nothing)`,
    default: '',
    validate: (v) => {
      if (!v.trim()) return null;
      try {
        checkShownRounds([...others, parseShownValues(v, 'this round')]);
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  return line.trim() ? parseShownValues(line).map(storedShown) : [];
}

/** A prompt's check of a setting's text: null when it parses, else what is expected (the same words as the flags'). */
function settingCheck(name: GrammarSetting): (v: string) => string | null {
  return (v) => (SETTINGS[name].parse(v) === null ? `use ${SETTINGS[name].expected}` : null);
}

/**
 * The whole traffic of the capture files that rounds took a window of, as unlabelled context:
 * the analysis learns how frames are cut from it (as `analyze` does). Files that are gone or
 * changed are skipped and named.
 */
async function stepAnalyze(w: WizardRun): Promise<Step> {
  const { out, style } = w.io;
  const kind = targetKind(w.session);
  const settings = w.session.analysis?.settings ?? w.session.analysisSettings ?? { frames: 'auto', key: 'auto', minAgreement: 0.9 };
  out(style.bold('\nAnalysis'));
  const spin = w.io.spinner(`analysing ${w.session.rounds.length} rounds`);
  let result: AnalysisResult | null = null;
  try {
    // Yield once so the spinner draws before the synchronous analysis runs.
    await new Promise((r) => setImmediate(r));
    const learn = await windowContext(w.session, w.engine.extract);
    // The settings apply also while the analysis is stale (new rounds since it ran).
    const options = analysisOptions(w.session, settings);
    const withContext = learn.rounds.length ? { ...options, learnFrom: learn.rounds } : options;
    if (kind !== 'reading') {
      const raw = w.engine.analyze(sessionRounds(w.session), withContext);
      result = raw;
    }
    const shown = sessionShown(w.session);
    if (kind !== 'switch' && shown.some((x) => x.length > 0)) {
      const fields = findFields(sessionRounds(w.session), shown, withContext);
      w.session.fields = { ranAt: new Date().toISOString(), result: JSON.parse(JSON.stringify(fields)) };
    } else w.session.fields = null;
    const f = w.session.fields?.result;
    spin.succeed(
      [
        result ? `analysed: ${result.groups.length} groups, ${result.candidates.length} candidates` : `analysed: ${f?.groups.length ?? 0} groups`,
        f ? `${f.readings.filter((r) => r.candidates.length).length}/${f.readings.length} readings found` : '',
      ].filter(Boolean).join('; '),
    );
    if (learn.missing.length) out(style.dim(`  ${learn.missing.join(', ')}: not found or changed, so frames were learnt from the rounds' windows alone`));
    if (kind !== 'switch' && !f) out(style.dim('  no round says what the app showed, so no reading was looked for'));
  } catch (err) {
    spin.fail('analysis failed');
    throw err instanceof AnalysisError ? new InputError(wordProblem(err.problem, MENU_WORDS), { cause: err }) : err;
  }
  w.session.analysis = result ? { settings, ranAt: new Date().toISOString(), result } : null;
  if (kind === 'reading') w.session.analysisSettings = settings;
  const device = result?.device ?? w.session.fields?.result.device;
  if (w.session.device.address === null && typeof device === 'string') w.session.device.address = device;
  return 'results';
}

/** The results of a reading alone: the candidates per reading, then what to do. */
async function stepReadingResults(w: WizardRun): Promise<Step> {
  const { prompter, out } = w.io;
  const f = w.session.fields?.result;
  out('');
  if (f) for (const line of readingsView(f, w.io.style)) out(line);
  else out('No round says what the app showed: record a round and type the values the app showed.');
  const next = await prompter.select({
    message: 'What now?',
    choices: [
      { name: f?.readings.some((r) => r.candidates.length) ? 'Accept the readings and write the report' : 'Finish without a reading (notes and report)', value: 'accept' },
      { name: 'Record one more round (values that differ pin the fields down)', value: 'more' },
      { name: 'Redo a round that looks wrong', value: 'redo' },
      { name: 'Show the frame map (what each byte of the frames looks like)', value: 'map' },
    ],
    default: 'accept',
  });
  if (next === 'more') {
    w.session.target.roundsPerState += 1;
    return 'record';
  }
  if (next === 'map') return showFrameMap(w);
  if (next === 'redo') return pickRoundToRedo(w);
  return 'accept';
}

/**
 * The frame map of the groups that matter (those with readings or candidates, else the busiest), with
 * the accepted readings and the found fields named; then back to the results.
 */
async function showFrameMap(w: WizardRun): Promise<Step> {
  const { out, style } = w.io;
  const learn = await windowContext(w.session, w.engine.extract);
  const options = analysisOptions(w.session);
  const known = (w.session.readings ?? []).map((r) => ({ ...r }));
  const map = frameMap(sessionRounds(w.session), sessionShown(w.session), learn.rounds.length ? { ...options, learnFrom: learn.rounds } : options, 4, known);
  const marked = new Set([...(w.session.analysis?.result.candidates.slice(0, 3).map((c) => c.group) ?? []), ...map.groups.filter((g) => g.ranges.some((r) => r.kind === 'field')).map((g) => g.group)]);
  const shown = marked.size ? map.groups.filter((g) => marked.has(g.group)) : [...map.groups].sort((a, b) => b.frames - a.frames).slice(0, 2);
  out('');
  out(style.bold('Frame map') + style.dim('  one row per byte; columns: a frame of each round'));
  for (const g of shown) {
    out('');
    for (const line of mapLines(g, w.io.width())) out(line);
  }
  return 'results';
}

/** Drops a round the user picks, to record it again. */
async function pickRoundToRedo(w: WizardRun): Promise<Step> {
  const t = w.session.target;
  const rounds = [...w.session.rounds].sort((x, y) => t.states.indexOf(x.state) - t.states.indexOf(y.state) || x.index - y.index);
  const pick = await w.io.prompter.select({
    message: 'Which round?',
    choices: [
      ...rounds.map((r) => ({ name: `'${r.state}' round ${r.index}: ${sourceLine(r.source)}, ${r.events.filter((e) => e.dir === 'device-to-app').length} messages from the device${r.warnings.length ? `, ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}` : ''}${r.shown?.length ? `, app showed ${r.shown.join(' ')}` : ''}`, value: `${r.state}#${r.index}` })),
      { name: 'None (back)', value: '' },
    ],
    default: '',
  });
  if (pick === '') return 'results';
  return redoRound(w, pick, w.session.analysis?.settings ?? w.session.analysisSettings ?? {});
}

/** The analysis results as the results step shows them: table, readings, hex view, known protocol, what next. */
export function showResults(w: WizardRun): void {
  const { out, style } = w.io;
  const a = w.session.analysis;
  if (!a) return;
  const t = w.session.target;
  out('');
  for (const line of resultsView(a.result, t.states, style, 8, w.io.width())) out(line);
  if (w.session.fields) {
    out('');
    for (const line of readingsView(w.session.fields.result, style)) out(line);
  }
  if (w.io.columns() > 0) for (const line of heatmapView(a.result, style, w.io.width())) out(line);
  const known = sessionKnown(w.session);
  if (known) {
    out('');
    out(`${style.bold('Known protocol')} ${knownSentence(known)}`);
    out(style.dim(`  decoded by: ${known.match.supportedBy.join('; ')}`));
    for (const line of documentedLines(known, a.result.candidates)) out(`  ${line}`);
  }
  const tips = nextSteps(a.result, t.states, t.roundsPerState);
  out('');
  out(style.bold('What next'));
  for (const tip of tips) out(`  • ${tip}`);
}

async function stepResults(w: WizardRun): Promise<Step> {
  const { prompter, out } = w.io;
  if (targetKind(w.session) === 'reading') return stepReadingResults(w);
  const a = w.session.analysis;
  if (!a) return 'analyze';
  const t = w.session.target;
  showResults(w);
  const suspects = roundsToRedo(a.result);
  const next = await prompter.select({
    message: 'What now?',
    choices: [
      ...suspects.map((x) => ({ name: `Redo '${x.state}' round ${x.index} (${x.why})`, value: `redo:${x.state}#${x.index}` })),
      { name: a.result.candidates.length ? 'Accept a candidate and write the report' : 'Finish without a finding (notes and report)', value: 'accept' },
      { name: 'Record one more round per state', value: 'more' },
      { name: 'Record another state (separates bits that change together)', value: 'state' },
      { name: 'Redo a round that looks wrong', value: 'redo' },
      { name: 'Change analysis settings (framing, grouping, agreement, support) and re-run', value: 'settings' },
      ...framingSwitches(a.result),
      { name: 'Show the frame map (what each byte of the frames looks like)', value: 'map' },
    ],
    default: 'accept',
  });
  if (next.startsWith('frames:')) {
    a.settings = { ...a.settings, frames: SETTINGS.frames.describe(parseSetting('frames', next.slice('frames:'.length))) };
    return 'analyze';
  }
  if (next === 'more') {
    t.roundsPerState += 1;
    return 'record';
  }
  if (next === 'state') {
    out(`A new state is a combination in which the bits that change together differ, e.g. the ${t.name} ${t.states[0]} with another switch of the app changed.`);
    const name = (await prompter.input({
      message: 'Name of the new state',
      validate: (v) => (!/^[\w.-]+$/.test(v.trim()) ? 'letters, digits, dot, dash, underscore only' : t.states.includes(v.trim()) ? 'that state is already recorded' : null),
    })).trim();
    const setup = (await prompter.input({
      message: `What to set in the app for '${name}' (e.g. discharge ON, charge OFF)`,
      validate: (v) => (v.trim() ? null : 'say what to set, so the instructions and the report can name it'),
    })).trim();
    t.states.push(name);
    t.setup = { ...(t.setup ?? {}), [name]: setup };
    // The analysis no longer covers every state; the settings chosen for it stay.
    w.session.analysisSettings = a.settings;
    w.session.analysis = null;
    return 'record';
  }
  if (next.startsWith('redo:')) return redoRound(w, next.slice('redo:'.length), a.settings);
  if (next === 'redo') {
    const rounds = [...w.session.rounds].sort((x, y) => t.states.indexOf(x.state) - t.states.indexOf(y.state) || x.index - y.index);
    const pick = await prompter.select({
      message: 'Which round?',
      choices: [
        ...rounds.map((r) => ({ name: `'${r.state}' round ${r.index}: ${sourceLine(r.source)}, ${r.events.filter((e) => e.dir === 'device-to-app').length} messages from the device${r.warnings.length ? `, ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}` : ''}`, value: `${r.state}#${r.index}` })),
        { name: 'None (back)', value: '' },
      ],
      default: '',
    });
    if (pick === '') return 'results';
    return redoRound(w, pick, a.settings);
  }
  if (next === 'map') return showFrameMap(w);
  if (next === 'settings') {
    const s = a.settings;
    const frames = await prompter.input({ message: `Framing (${SETTINGS.frames.expected})`, default: String(s.frames ?? 'auto'), validate: settingCheck('frames') });
    const key = await prompter.input({ message: `Grouping key (${SETTINGS.key.expected})`, default: String(s.key ?? 'auto'), validate: settingCheck('key') });
    const agree = await prompter.input({ message: `Minimum agreement within a state (${SETTINGS.minAgreement.expected})`, default: String(s.minAgreement ?? 0.9), validate: settingCheck('minAgreement') });
    const support = await prompter.input({ message: `Minimum messages per state for a candidate, weaker differences are listed apart (${SETTINGS.minSupport.expected})`, default: String(s.minSupport ?? 2), validate: settingCheck('minSupport') });
    a.settings = { ...a.settings, frames: SETTINGS.frames.describe(parseSetting('frames', frames)), key: SETTINGS.key.describe(parseSetting('key', key)), minAgreement: parseSetting('minAgreement', agree), minSupport: parseSetting('minSupport', support) };
    return 'analyze';
  }
  return 'accept';
}

/** Rounds the analysis names as wrong: left out (no values of the device) or the odd one of a near miss. */
function roundsToRedo(result: AnalysisResult): { state: string; index: number; why: string }[] {
  const out: { state: string; index: number; why: string }[] = [];
  for (const n of result.notes) {
    if (n.code === 'near-miss') out.push({ state: n.state, index: n.index, why: `it disagrees with every other round on ${n.bits} bit${n.bits === 1 ? '' : 's'} that would separate the states` });
    else if (n.code === 'round-left-out') out.push({ state: n.state, index: n.index, why: 'left out of the analysis: no values of the device' });
  }
  return out;
}

/** Drops round "state#index" and records it again; the analysis settings stay. */
function redoRound(w: WizardRun, id: string, settings: StoredAnalysis['settings']): Step {
  w.session.rounds = w.session.rounds.filter((r) => `${r.state}#${r.index}` !== id);
  w.session.analysisSettings = settings;
  w.session.analysis = null;
  w.session.fields = null;
  return 'record';
}

async function stepAccept(w: WizardRun): Promise<Step> {
  const { prompter, out, style } = w.io;
  if (targetKind(w.session) !== 'switch') await acceptReadings(w);
  if (targetKind(w.session) === 'reading') {
    w.session.notes = await prompter.input({ message: 'Notes for the report (app version, BMS model, anything odd; empty for none)', default: w.session.notes });
    return 'export';
  }
  const a = w.session.analysis;
  if (!a) return 'analyze';
  const t = w.session.target;
  const top = a.result.candidates.slice(0, 10);
  const firstClean = top.findIndex((c) => !c.label);
  const choices = top.map((c, i) => ({ name: candidateLine(c, i + 1, t.states), value: i }));
  choices.push({ name: 'None of these (keep the session without a finding)', value: -1 });
  const pick = await prompter.select({ message: `Which candidate is the ${t.name}?`, choices, default: top.length ? Math.max(0, firstClean) : -1 });
  w.session.accepted = pick >= 0 ? acceptCandidate(top[pick]!, a.result, t.name) : null;
  if (w.session.accepted) out(`  ${style.ok('✔')} ${w.session.accepted.rule}`);
  w.session.notes = await prompter.input({ message: 'Notes for the report (app version, BMS model, anything odd; empty for none)', default: w.session.notes });
  return 'export';
}

/**
 * The user picks the field of each reading (the best first), and confirms the cell array with one or
 * two cell voltages the app showed in the last round.
 */
async function acceptReadings(w: WizardRun): Promise<void> {
  const { prompter, out, style } = w.io;
  const f = w.session.fields?.result;
  const accepted: AcceptedReading[] = [];
  if (!f) {
    w.session.readings = accepted;
    return;
  }
  for (const [i, r] of f.readings.entries()) {
    if (r.candidates.length === 0) continue;
    const top = r.candidates.slice(0, 5);
    const pick = await prompter.select({
      message: `Which field is ${r.name ?? `reading ${i + 1}`} (shown ${r.shown.filter(Boolean).join(', ')})?`,
      choices: [...top.map((c, k) => ({ name: `${readingLine(c, r)}  ${perRound(c, r)}`, value: k })), { name: 'None of these', value: -1 }],
      default: 0,
    });
    if (pick < 0) continue;
    const reading = acceptReading(top[pick]!, r, i);
    accepted.push(reading);
    out(`  ${style.ok('✔')} ${reading.name}: ${reading.rule}`);
  }
  const cells = f.cells[0];
  const last = cells ? cells.decoded.map((d, k) => (d ? k : -1)).filter((k) => k >= 0).pop() : undefined;
  if (cells && last !== undefined) {
    out(`Cell voltages: ${describeCells(cells)}`);
    const asked: { cell: number; value: ReturnType<typeof parseShownValue> }[] = [];
    for (const cell of [1, cells.count]) {
      const v = await prompter.input({
        message: `To confirm: the voltage of cell ${cell} the app showed in round ${last + 1} (e.g. 3.301V; empty: skip)`,
        default: '',
        validate: (x) => {
          if (!x.trim()) return null;
          try {
            const sv = parseShownValue(x, `cell ${cell}`);
            return sv.quantity === 'voltage' ? null : 'a voltage, e.g. 3.301V';
          } catch (err) {
            return (err as Error).message;
          }
        },
      });
      if (v.trim()) asked.push({ cell, value: parseShownValue(v, `cell ${cell}`) });
    }
    const ok = asked.length ? confirmCells(cells, last, asked) : await prompter.confirm({ message: 'Accept the cell array without checking a cell?', default: true });
    if (ok) {
      const pack = packVoltageIndex(sessionShown(w.session));
      const reading = acceptCells(cells, pack >= 0 ? f.readings[pack]!.shown : []);
      accepted.push(reading);
      out(`  ${style.ok('✔')} ${reading.rule}${asked.length ? ' (the app\'s cell values match)' : ''}`);
    } else out(`  ${style.warn('✖')} the cell values the app showed do not match this array (it shows ${(cells.decoded[last] ?? []).slice(0, 4).join(' ')} …): not accepted`);
  }
  w.session.readings = accepted;
}

/** Writes both reports next to the session file; returns their paths. */
export async function writeExports(session: Session, file: string, now = new Date()): Promise<{ md: string; json: string; html: string }> {
  const paths = sessionArtifacts(file);
  const report = buildReport(session);
  await writeFileDurably(paths.md, reportMarkdown(report));
  await writeFileDurably(paths.json, reportJson(report));
  const { writeHtmlReport } = await import('../export/visual.js');
  await writeHtmlReport(session, report, paths.html);
  const at = now.toISOString();
  const written = new Set([paths.md, paths.json, paths.html]);
  session.exports = session.exports.filter((e) => !written.has(e.path));
  session.exports.push({ format: 'md', path: paths.md, at }, { format: 'json', path: paths.json, at }, { format: 'html', path: paths.html, at });
  return paths;
}

async function stepExport(w: WizardRun): Promise<Step> {
  const { prompter, out, style } = w.io;
  const yes = await prompter.confirm({ message: 'Write the report (markdown, JSON and a visual HTML page) next to the session?', default: true });
  if (yes) {
    const paths = await writeExports(w.session, w.file);
    out(`  ${style.ok('✔')} ${visible(paths.md)}`, );
    out(`  ${style.ok('✔')} ${visible(paths.json)}`);
    out(`  ${style.ok('✔')} ${visible(paths.html)}  ${style.dim('(open it in a browser: heatmaps, the states side by side, plots)')}`);
    out('  Paste the markdown into an issue of the BMS integration you want to extend.');
  }
  return 'done';
}

export const STEP_HANDLERS: Record<Exclude<Step, 'done'>, (w: WizardRun) => Promise<Step>> = {
  target: stepTarget,
  source: stepSource,
  record: stepRecord,
  analyze: stepAnalyze,
  results: stepResults,
  accept: stepAccept,
  export: stepExport,
};

export function sourceFor(w: WizardRun): Promise<RoundSource> {
  const id = w.session.source?.id ?? 'import';
  const entry = findSource(id);
  if (!entry) throw new InputError(`session ${w.session.id} uses the round source '${id}', which this bms-wizard does not have`);
  return entry.create(sourceContext(w));
}
