// Small helpers that stay safe for arrays of any size (no argument spreading).

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

/** Items by key, in order of first appearance (one array per key, items in input order). */
export function groupBy<T, K>(xs: Iterable<T>, key: (x: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    let l = out.get(k);
    if (!l) out.set(k, (l = []));
    l.push(x);
  }
  return out;
}
