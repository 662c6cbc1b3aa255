// Small numeric helpers that stay safe for arrays of any size (no argument spreading).

export function maxLength(xs: readonly { length: number }[]): number {
  let m = 0;
  for (const x of xs) if (x.length > m) m = x.length;
  return m;
}

export function minLength(xs: readonly { length: number }[]): number {
  let m = Infinity;
  for (const x of xs) if (x.length < m) m = x.length;
  return xs.length ? m : 0;
}
