// Clock readings in text exports. Exports print local wall-clock time without a zone, so these
// readings are taken as UTC: differences between packets are exact, the absolute hour may be off
// by the exporter's zone offset.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Month index 0–11 of an English month abbreviation, or -1. */
export function monthIndex(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase());
}

/** µs since the epoch for a UTC date and a time of day "HH:MM:SS[.fraction]"; null when malformed. */
export function utcMicros(year: number, month: number, day: number, timeOfDay: string): number | null {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?$/.exec(timeOfDay);
  if (!m) return null;
  const ms = Date.UTC(year, month, day, Number(m[1]), Number(m[2]), Number(m[3]));
  if (Number.isNaN(ms)) return null;
  return ms * 1000 + fractionMicros(m[4]);
}

/** µs of a decimal fraction of a second given by its digits ("061" → 61000). */
export function fractionMicros(digits: string | undefined): number {
  if (!digits) return 0;
  return Number((digits + '000000').slice(0, 6));
}

/** µs since the epoch for "YYYY-MM-DD HH:MM:SS[.f]" (or with 'T'); null when it is not that. */
export function isoMicros(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,9})?)Z?$/.exec(text);
  if (!m) return null;
  return utcMicros(Number(m[1]), Number(m[2]) - 1, Number(m[3]), m[4]);
}

/** µs since the epoch for "SECONDS.FRACTION" epoch time; null when it is not that. */
export function epochMicros(text: string): number | null {
  const m = /^(\d{9,11})(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 1_000_000 + fractionMicros(m[2]);
}
