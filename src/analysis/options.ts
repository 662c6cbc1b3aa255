// The one grammar of the analysis settings: each setting's text form (as typed after a flag, at a
// wizard prompt, or stored in a session), how it parses, what is expected when it does not, and
// how a parsed value is written back. The command line and the wizard both parse through here.
import { InputError } from '../errors.js';
import { hex0x, parseHex, toHex } from '../hex.js';
import type { AnalysisOptions, FramesOption, KeyOption, SettingName } from './types.js';

/** A setting's grammar: parse returns null when the text is not understood. */
export interface SettingGrammar<T> {
  /** The command-line flag (without "--"). */
  flag: string;
  /** What the setting decides, for help texts and prompts. */
  meaning: string;
  /** What the text may be, e.g. "auto, prefix:N (e.g. prefix:4), request, length or handle". */
  expected: string;
  parse(text: string): T | null;
  describe(value: T): string;
}

export function describeFramesOption(f: FramesOption): string {
  switch (f.kind) {
    case 'marker':
      return `marker:${toHex(f.marker)}`;
    case 'gap':
      return `gap:${f.ms}`;
    default:
      return f.kind;
  }
}

export function describeKeyOption(k: KeyOption): string {
  return k.kind === 'prefix' ? `prefix:${k.n}` : k.kind;
}

const frames: SettingGrammar<FramesOption> = {
  flag: 'frames',
  meaning: 'how values are joined into frames',
  expected: 'auto, none, request, marker:HEX (e.g. marker:dd) or gap:MS (e.g. gap:50)',
  parse(text) {
    const v = text.trim();
    if (v === 'auto' || v === 'none' || v === 'request') return { kind: v };
    const m = /^(marker|gap):(.+)$/.exec(v);
    if (m?.[1] === 'marker') {
      const marker = parseHex(m[2]!);
      return marker && marker.length > 0 ? { kind: 'marker', marker } : null;
    }
    if (m?.[1] === 'gap' && /^\d+(?:\.\d+)?$/.test(m[2]!) && Number(m[2]) > 0) return { kind: 'gap', ms: Number(m[2]) };
    return null;
  },
  describe: describeFramesOption,
};

const key: SettingGrammar<KeyOption> = {
  flag: 'key',
  meaning: 'how frames are grouped',
  expected: 'auto, prefix:N (e.g. prefix:4; prefix:0 is one group per handle), request, length or handle',
  parse(text) {
    const v = text.trim();
    if (v === 'auto' || v === 'request' || v === 'length' || v === 'handle') return { kind: v };
    // A prefix longer than a frame is the whole frame: any whole number of bytes is meaningful.
    const m = /^prefix:(\d{1,6})$/.exec(v);
    return m ? { kind: 'prefix', n: Number(m[1]) } : null;
  },
  describe: describeKeyOption,
};

const minAgreement: SettingGrammar<number> = {
  flag: 'min-agreement',
  meaning: "share of a state's messages that must agree on a bit",
  // Above one half: a bit "constant" in a state must be the majority value there.
  expected: 'a share above 0.5 and at most 1, e.g. 0.9',
  parse(text) {
    const n = text.trim() === '' ? NaN : Number(text);
    return n > 0.5 && n <= 1 ? n : null;
  },
  describe: String,
};

const minSupport: SettingGrammar<number> = {
  flag: 'min-support',
  meaning: 'messages each state needs for a bit to rank (fewer are listed as weak)',
  expected: 'a whole number of messages, at least 1',
  parse(text) {
    const v = text.trim();
    return /^\d{1,9}$/.test(v) && Number(v) >= 1 ? Number(v) : null;
  },
  describe: String,
};

const handle: SettingGrammar<number> = {
  flag: 'handle',
  meaning: 'only this attribute handle',
  expected: 'an attribute handle as decimal (17) or hex (0x0011), 1 to 65535',
  parse(text) {
    const v = text.trim();
    const n = /^0x[0-9a-f]{1,4}$/i.test(v) ? parseInt(v.slice(2), 16) : /^\d{1,5}$/.test(v) ? Number(v) : NaN;
    return Number.isInteger(n) && n >= 1 && n <= 0xffff ? n : null;
  },
  describe: (h) => hex0x(h, 4),
};

const device: SettingGrammar<string> = {
  flag: 'device',
  meaning: 'the device to analyse',
  expected: 'a Bluetooth address such as aa:bb:cc:dd:ee:ff',
  parse(text) {
    const hex = text.trim().toLowerCase().replace(/[:-]/g, '');
    return /^[0-9a-f]{12}$/.test(hex) ? hex.replace(/(..)(?!$)/g, '$1:') : null;
  },
  describe: String,
};

/** The settings with a text grammar: all but the rounds themselves (--state, whose FILE syntax is the recorders'). */
export type GrammarSetting = Exclude<SettingName, 'state'>;

/** Every analysis setting that has a text form, by its name in AnalysisOptions. */
export const SETTINGS = { frames, key, minAgreement, minSupport, handle, device } as const satisfies { [N in GrammarSetting]: SettingGrammar<NonNullable<AnalysisOptions[N]>> };

type SettingValue<N extends GrammarSetting> = (typeof SETTINGS)[N] extends SettingGrammar<infer T> ? T : never;

/** A setting's text that its grammar does not accept: data, worded by each shell for its audience. */
export class SettingError extends InputError {
  constructor(
    readonly setting: GrammarSetting,
    readonly text: string,
    readonly expected: string,
  ) {
    super(`${setting} '${text}' is not understood; use ${expected}`);
    this.name = 'SettingError';
  }
}

export function parseSetting<N extends GrammarSetting>(name: N, text: string): SettingValue<N> {
  const grammar = SETTINGS[name] as unknown as SettingGrammar<SettingValue<N>>;
  const value = grammar.parse(text);
  if (value === null) throw new SettingError(name, text, grammar.expected);
  return value;
}

/** The text settings as stored in a session (frames, key, minAgreement, minSupport, ...). */
export type StoredSettings = Record<string, string | number | boolean | null | undefined>;

/**
 * Stored settings → analysis options. Settings written by older versions that no longer parse are
 * left out (the analysis then decides them itself) rather than failing the session.
 */
export function optionsFromSettings(stored: StoredSettings): AnalysisOptions {
  const opts: AnalysisOptions = {};
  for (const name of Object.keys(SETTINGS) as GrammarSetting[]) {
    const raw = stored[name];
    if (raw === undefined || raw === null || typeof raw === 'boolean') continue;
    const value = (SETTINGS[name] as SettingGrammar<unknown>).parse(String(raw));
    if (value !== null) (opts as Record<string, unknown>)[name] = value;
  }
  return opts;
}
