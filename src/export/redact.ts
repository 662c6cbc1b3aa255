// --redact on the data, not on rendered text: addresses are found as the bytes they are (in
// either byte order, since BLE puts them little-endian inside frames) and replaced by placeholders
// of the same length, so hex stays hex and a 16-byte frame stays 16 bytes; in text they are found
// in any spelling (colons, dashes, dots, underscores, spaces or none), and local paths lose their
// folders.

/** The fields of a report or session that hold hex bytes (lowercase, even length). */
const HEX_FIELDS = new Set(['value', 'prefix', 'example', 'startsWith']);
const IS_HEX = /^(?:[0-9a-f]{2})*$/i;
/** Any MAC with ':' or '-' (one separator throughout): addresses the session does not know are still addresses. */
const MAC = /(?<![0-9a-f])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}(?![0-9a-f])/gi;
/** The folders of an absolute path ("/home/user/x/", "C:\\Users\\x\\", "~/x/"); the file name stays. */
const FOLDERS = /(?<![\w.:~/\\])(?:~|[A-Za-z]:)?(?:[\\/][^\s\\/'"`<>|]+)+[\\/](?=[^\s\\/'"`<>|])/g;

export interface Redactor {
  /** Free text: every spelling of every address, and local paths. */
  text(s: string): string;
  /** Hex bytes: the known addresses' bytes, in either order, at byte boundaries. */
  hex(s: string): string;
  /** A report or any JSON-like value, field by field (hex fields as hex, the rest as text). */
  value<T>(v: T): T;
}

interface Known {
  /** 12 lowercase hex digits, as written (most significant byte first). */
  bytes: string;
  n: number;
}

const reverseBytes = (hex: string): string => hex.match(/../g)!.reverse().join('');
const two = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');

/**
 * A redactor for these addresses (the device first, so it is always xx:xx:xx:xx:xx:01). Only
 * well-formed MACs are taken; everything else is ignored.
 */
export function createRedactor(addresses: Array<string | null | undefined>): Redactor {
  const known = new Map<string, Known>();
  const add = (bytes: string): Known => {
    let k = known.get(bytes);
    if (!k) known.set(bytes, (k = { bytes, n: known.size + 1 }));
    return k;
  };
  for (const a of addresses) {
    const b = a?.toLowerCase().replace(/[:-]/g, '');
    if (b && /^[0-9a-f]{12}$/.test(b)) add(b);
  }
  const placeholderText = (k: Known, sep: string): string => ['xx', 'xx', 'xx', 'xx', 'xx', two(k.n)].join(sep);
  const placeholderHex = (k: Known): string => `0000000000${two(k.n)}`;

  /** The known addresses' bytes in `s` replaced, at byte boundaries (or anywhere, for text of unknown alignment). */
  const replaceBytes = (s: string, aligned: boolean): string => {
    if (known.size === 0 || s.length < 12) return s;
    const low = s.toLowerCase();
    const cuts: Array<{ at: number; with: string }> = [];
    for (const k of known.values()) {
      for (const [pattern, replacement] of [[k.bytes, placeholderHex(k)], [reverseBytes(k.bytes), reverseBytes(placeholderHex(k))]] as const) {
        for (let at = low.indexOf(pattern); at >= 0; at = low.indexOf(pattern, at + 1)) if (!aligned || at % 2 === 0) cuts.push({ at, with: replacement });
      }
    }
    if (cuts.length === 0) return s;
    const out = s.split('');
    for (const c of cuts) for (let i = 0; i < 12; i++) out[c.at + i] = c.with[i]!;
    return out.join('');
  };
  const hex = (s: string): string => replaceBytes(s, true);

  /** Each known address in any spelling and either order, with its placeholder in the same spelling. */
  const spellings = (): Array<{ re: RegExp; k: Known; reversed: boolean }> =>
    [...known.values()].flatMap((k) =>
      [false, true].map((reversed) => {
        const pairs = (reversed ? reverseBytes(k.bytes) : k.bytes).match(/../g)!;
        return { re: new RegExp(`(?<![0-9a-f])${pairs[0]}(?<sep>[:\\-._ ]?)${pairs.slice(1).join('\\k<sep>')}(?![0-9a-f])`, 'gi'), k, reversed };
      }),
    );

  const text = (s: string): string => {
    // Hex runs inside text (frame files, "value dd03a4c1…"): as bytes, so they stay hex.
    let out = s.replace(/[0-9a-f]{12,}/gi, (run: string) => replaceBytes(run, run.length % 2 === 0));
    for (const { re, k, reversed } of spellings()) {
      out = out.replace(re, (_m, sep: string) => {
        // Spaced bytes are a hex dump: keep it hex. Other spellings read as an address.
        if (sep === ' ') return (reversed ? reverseBytes(placeholderHex(k)) : placeholderHex(k)).match(/../g)!.join(' ');
        const p = placeholderText(k, sep);
        return reversed ? p.split(sep).reverse().join(sep) : p;
      });
    }
    out = out.replace(MAC, (m, sep: string) => placeholderText(add(m.toLowerCase().replace(/[:-]/g, '')), sep));
    return out.replace(FOLDERS, '');
  };

  const value = <T>(v: T): T => {
    const walk = (x: unknown, key: string | null): unknown => {
      if (typeof x === 'string') return key !== null && HEX_FIELDS.has(key) && IS_HEX.test(x) ? hex(x) : text(x);
      if (Array.isArray(x)) return x.map((y) => walk(y, key));
      if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y, k)]));
      return x;
    };
    return walk(v, null) as T;
  };

  return { text, hex, value };
}
