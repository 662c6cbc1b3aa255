// The analysis settings as command-line flags (analyze, wizard, resume): the grammar is
// analysis/options.ts; this file only names the flags and words a refusal for the command line.
import { parseSetting, SettingError, SETTINGS, type GrammarSetting, type StoredSettings } from '../analysis/options.js';
import type { AnalysisOptions } from '../analysis/types.js';
import { InputError } from '../errors.js';
import type { Command, OptionValues } from './command.js';

/** The settings the wizard (and resume) take as flags, skipping their question: the device comes from the rounds. */
export const WIZARD_SETTINGS = ['frames', 'key', 'minAgreement', 'minSupport', 'handle'] as const;

/** Help lines for the given settings: "--frames MODE  how values are joined into frames". */
export function settingsHelp(names: readonly GrammarSetting[]): string {
  return names.map((n) => `  --${SETTINGS[n].flag} X`.padEnd(23) + `${SETTINGS[n].meaning}: ${SETTINGS[n].expected}`).join('\n');
}

/** parseArgs options for the given settings. */
export function settingFlags(names: readonly GrammarSetting[]): Command['options'] {
  return Object.fromEntries(names.map((n) => [SETTINGS[n].flag, { type: 'string' as const }]));
}

/** "--frames 'x' is not understood; use auto, none, …" */
export function flagError(e: SettingError): InputError {
  return new InputError(`--${SETTINGS[e.setting].flag} '${e.text}' is not understood; use ${e.expected}`);
}

/**
 * The settings given as flags: parsed (an InputError naming the flag when one is not understood)
 * and as text in their canonical form, to be stored in a session.
 */
export function settingsFromFlags(values: OptionValues, names: readonly GrammarSetting[]): { options: AnalysisOptions; stored: StoredSettings } {
  const options: Record<string, unknown> = {};
  const stored: StoredSettings = {};
  for (const name of names) {
    const text = values[SETTINGS[name].flag];
    if (typeof text !== 'string') continue;
    try {
      const value = parseSetting(name, text);
      options[name] = value;
      stored[name] = typeof value === 'number' ? value : (SETTINGS[name].describe as (v: unknown) => string)(value);
    } catch (err) {
      throw err instanceof SettingError ? flagError(err) : err;
    }
  }
  return { options: options as AnalysisOptions, stored };
}
