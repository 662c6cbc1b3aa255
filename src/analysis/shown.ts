// The one grammar for values an app showed: "13.28V 80% -2.5A 21.3C", "soc=80%", "3.312 V".
// Used by `fields`, `analyze --find` and the wizard's "what did the app show?" question.
import { InputError } from '../errors.js';
import { visible } from '../text-safe.js';

/** What a unit measures: decides which BMS-typical encodings are tried (temperature offsets, current offsets). */
export type Quantity = 'voltage' | 'current' | 'percent' | 'temperature' | 'capacity' | 'power' | 'energy' | 'number';

export interface ShownValue {
  /** The number and unit as typed, without the name ("80%" of "soc=80%"). */
  text: string;
  /** `soc` of `soc=80%`, or null. */
  name: string | null;
  value: number;
  /** Digits after the decimal point: the app rounded to this precision. */
  decimals: number;
  /** Half a unit of the last digit shown: 13.28 → 0.005; whole numbers → 0.5. */
  tolerance: number;
  /** Canonical unit ('V', 'mV', 'A', 'mA', '%', '°C', 'K', 'Ah', 'mAh', 'W', 'Wh') or '' for none. */
  unit: string;
  quantity: Quantity;
  /** The number as typed without sign padding (for the ASCII search). */
  digits: string;
}

const UNITS: Record<string, { unit: string; quantity: Quantity }> = {
  v: { unit: 'V', quantity: 'voltage' },
  mv: { unit: 'mV', quantity: 'voltage' },
  a: { unit: 'A', quantity: 'current' },
  ma: { unit: 'mA', quantity: 'current' },
  '%': { unit: '%', quantity: 'percent' },
  c: { unit: '°C', quantity: 'temperature' },
  '°c': { unit: '°C', quantity: 'temperature' },
  '°': { unit: '°C', quantity: 'temperature' },
  k: { unit: 'K', quantity: 'temperature' },
  ah: { unit: 'Ah', quantity: 'capacity' },
  mah: { unit: 'mAh', quantity: 'capacity' },
  w: { unit: 'W', quantity: 'power' },
  wh: { unit: 'Wh', quantity: 'energy' },
  '': { unit: '', quantity: 'number' },
};

const UNIT_LIST = 'V, mV, A, mA, %, °C (or C), K, Ah, mAh, W, Wh or none';
const VALUE = /^(?:([A-Za-z_][\w.-]*)=)?([-+]?\d+(?:[.,]\d+)?)\s*([a-zA-Z%°]*)$/;

/** One value: "13.28V", "soc=80%", "-2,5 A", "21.3°C". `what` names it in errors ("value 2 of round 1"). */
export function parseShownValue(text: string, what = 'the value'): ShownValue {
  const t = text.trim();
  const m = VALUE.exec(t);
  if (!m) throw new InputError(`${what} '${visible(text)}' is not a number with an optional unit and name; write e.g. 13.28V, 80%, -2.5A, 21.3C or soc=80%`);
  const number = m[2]!.replace(',', '.');
  const u = UNITS[m[3]!.toLowerCase()];
  if (!u) throw new InputError(`${what} '${visible(text)}' has the unit '${m[3]}', which is not known; use ${UNIT_LIST}`);
  const decimals = /\.(\d+)$/.exec(number)?.[1]!.length ?? 0;
  return {
    text: t.slice(m[1] ? m[1].length + 1 : 0),
    name: m[1] ?? null,
    value: Number(number),
    decimals,
    tolerance: 0.5 * 10 ** -decimals,
    unit: u.unit,
    quantity: u.quantity,
    digits: number.replace(/^\+/, ''),
  };
}

/** A line of values separated by spaces; a unit written apart ("13.28 V") belongs to the number before it. */
export function parseShownValues(line: string, what = 'round'): ShownValue[] {
  const tokens = line.trim().split(/\s+/).filter((x) => x.length > 0);
  const joined: string[] = [];
  for (const tok of tokens) {
    const prev = joined[joined.length - 1];
    if (prev !== undefined && /^[a-zA-Z%°]+$/.test(tok) && /\d$/.test(prev) && UNITS[tok.toLowerCase()]) joined[joined.length - 1] = prev + tok;
    else joined.push(tok);
  }
  return joined.map((tok, i) => parseShownValue(tok, `value ${i + 1} of ${what}`));
}

/** Shown values of several rounds, checked to line up: the i-th value of every round is the same reading. */
export function checkShownRounds(rounds: ShownValue[][]): void {
  const first = rounds.findIndex((r) => r.length > 0);
  if (first < 0) return;
  const ref = rounds[first]!;
  rounds.forEach((r, i) => {
    if (r.length === 0) return;
    if (r.length !== ref.length) {
      throw new InputError(`round ${i + 1} gives ${r.length} value${r.length === 1 ? '' : 's'} but round ${first + 1} gives ${ref.length}; give the same readings in the same order in every round`);
    }
    r.forEach((v, k) => {
      if (v.unit !== ref[k]!.unit) {
        throw new InputError(`value ${k + 1} of round ${i + 1} ('${v.text}') is in '${v.unit || 'no unit'}' but in round ${first + 1} it is '${ref[k]!.text}'; the i-th value of every round is the same reading, in one unit`);
      }
      if (v.name !== null && ref[k]!.name !== null && v.name !== ref[k]!.name) {
        throw new InputError(`value ${k + 1} is named '${ref[k]!.name}' in round ${first + 1} but '${v.name}' in round ${i + 1}; keep the readings in the same order`);
      }
    });
  });
}

/** `--round FILE[@window]=VALUES`: the capture of one round and what the app showed during it (the first '=' splits). */
export function parseRoundArg(arg: string, index: number): { file: string; shown: ShownValue[] } {
  const eq = arg.indexOf('=');
  const file = (eq < 0 ? arg : arg.slice(0, eq)).trim();
  if (!file) throw new InputError(`--round '${visible(arg)}' names no capture; write --round FILE='13.28V 80%'`);
  const shown = eq < 0 ? [] : parseShownValues(arg.slice(eq + 1), `round ${index + 1}`);
  return { file, shown };
}
