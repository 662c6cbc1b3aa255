// The phone and the computer disagree about the time (often by seconds, sometimes by hours when
// the log is written in local time). Rounds are cut by the clock that stamped the log, so we
// read the phone's clock and keep how far it is from ours and how sure we are.

/** Microseconds since 1970 from `date +%s.%N[/%z]` output; null when it is not a time. */
export function parseDeviceDate(text: string): { us: number; fractional: boolean; tzOffsetUs: number | null } | null {
  const m = /^\s*(\d{9,11})(?:\.(\d+|%?N))?(?:\/([+-])(\d{2}):?(\d{2}))?\s*$/.exec(text);
  if (!m) return null;
  const seconds = Number(m[1]);
  // Old toolbox `date` prints "%N" or "N" literally: then we only have whole seconds.
  const frac = m[2] && /^\d+$/.test(m[2]) ? m[2] : null;
  const us = seconds * 1e6 + (frac ? Math.round(Number(`0.${frac}`) * 1e6) : 0);
  const tzOffsetUs = m[3] ? (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 3600 + Number(m[5]) * 60) * 1e6 : null;
  return { us, fractional: frac !== null, tzOffsetUs };
}

export interface ClockReading {
  /** The device's time (µs since 1970) at the host time `hostUs`. */
  deviceUs: number;
  hostUs: number;
  /** How far off the reading may be: half the round trip, plus a second without fractions. */
  uncertaintyUs: number;
  /** The device's offset from UTC (µs), when it said. */
  tzOffsetUs: number | null;
}

/**
 * Reads a device clock once. `read` returns the device's `date` output; the host time is taken
 * before and after, and the reading is placed at the midpoint.
 */
export async function readDeviceClock(read: () => Promise<string>, hostNowUs: () => number = hostNow): Promise<ClockReading> {
  const before = hostNowUs();
  const text = await read();
  const after = hostNowUs();
  const parsed = parseDeviceDate(text.trim());
  if (!parsed) throw new Error(`the device's date answer "${text.trim().slice(0, 60)}" is not a time`);
  return {
    deviceUs: parsed.us,
    hostUs: Math.round((before + after) / 2),
    uncertaintyUs: Math.round((after - before) / 2) + (parsed.fractional ? 0 : 1_000_000),
    tzOffsetUs: parsed.tzOffsetUs,
  };
}

export function hostNow(): number {
  return Date.now() * 1000;
}

/** Device time minus host time, µs. */
export function clockOffsetUs(r: ClockReading): number {
  return r.deviceUs - r.hostUs;
}

/** "2.4 s ahead", "1 h 0 min behind", "in step" — for notes. */
export function describeOffset(us: number): string {
  const a = Math.abs(us) / 1e6;
  if (a < 0.05) return 'in step with this computer';
  const side = us > 0 ? 'ahead of' : 'behind';
  const size = a < 120 ? `${a.toFixed(1)} s` : a < 7200 ? `${Math.round(a / 60)} min` : `${(a / 3600).toFixed(1)} h`;
  return `${size} ${side} this computer`;
}

export interface TimeWindow {
  fromUs: number;
  toUs: number;
}

/** Keeps the items stamped inside the window (inclusive); items without a time are dropped. */
export function insideWindow<T extends { t: number | null }>(items: T[], w: TimeWindow): T[] {
  return items.filter((x) => x.t !== null && x.t >= w.fromUs && x.t <= w.toUs);
}

export function shiftWindow(w: TimeWindow, byUs: number): TimeWindow {
  return { fromUs: w.fromUs + byUs, toUs: w.toUs + byUs };
}
