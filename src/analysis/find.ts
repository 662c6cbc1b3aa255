// Value search for read-outs: where does "13.28V" or "80%" sit in the messages, and how is it encoded?
import { ENCODINGS, encodingName } from './encodings.js';
import { parseShownValue } from './shown.js';
import { toHex } from '../hex.js';
import type { FindingResult, Message } from './types.js';

export interface ValueQuery {
  text: string;
  value: number;
  /** Half a unit of the last digit given: 13.28 → 0.005; whole numbers match exactly. */
  tolerance: number;
  /** The number as typed, for the ASCII search. */
  digits: string;
}

/** A --find value: the shown-value grammar (analysis/shown.ts), or a raw hex number such as 0x1f. */
export function parseQuery(text: string): ValueQuery {
  const hex = /^0x([0-9a-f]+)$/i.exec(text.trim());
  if (hex) return { text, value: parseInt(hex[1]!, 16), tolerance: 0, digits: String(parseInt(hex[1]!, 16)) };
  const v = parseShownValue(text, '--find');
  return { text, value: v.value, tolerance: v.decimals ? v.tolerance : 0, digits: v.digits };
}

const DECODERS = ENCODINGS.map((e) => ({ name: encodingName(e), size: e.size, read: e.read, float: e.float }));

const SCALES = [1, 10, 100, 1000];
/** Offsets seen in BMS protocols: Daly current (30000 + 10·A), temperatures in 0.1 K (2731) or °C + 40. */
const ADDS = [0, 40, 2731, 30000];

interface Hit {
  group: string;
  offset: number;
  encoding: string;
  scale: number;
  add: number;
  perState: Map<string, number>;
  matches: number;
}

/** Searches every group for each query; returns the best places per query. */
export function findValues(queries: ValueQuery[], groups: { id: string; messages: Message[] }[], limit = 10): FindingResult[] {
  const out: FindingResult[] = [];
  for (const q of queries) {
    const hits = new Map<string, Hit>();
    const ascii = Buffer.from(q.digits, 'latin1');
    let groupTotals = new Map<string, number>();
    for (const g of groups) {
      groupTotals.set(g.id, g.messages.length);
      // Identical messages are searched once, with their count per state.
      const unique = new Map<string, { bytes: Uint8Array; perState: Map<string, number>; n: number }>();
      for (const m of g.messages) {
        const k = toHex(m.bytes);
        let u = unique.get(k);
        if (!u) {
          if (unique.size >= 2000) continue;
          unique.set(k, (u = { bytes: m.bytes, perState: new Map(), n: 0 }));
        }
        u.n++;
        u.perState.set(m.state, (u.perState.get(m.state) ?? 0) + 1);
      }
      const record = (offset: number, encoding: string, scale: number, add: number, u: { perState: Map<string, number>; n: number }): void => {
        const key = `${g.id}/${offset}/${encoding}/${scale}/${add}`;
        let h = hits.get(key);
        if (!h) hits.set(key, (h = { group: g.id, offset, encoding, scale, add, perState: new Map(), matches: 0 }));
        h.matches += u.n;
        for (const [s, n] of u.perState) h.perState.set(s, (h.perState.get(s) ?? 0) + n);
      };
      for (const u of unique.values()) {
        const b = u.bytes;
        for (let o = 0; o < b.length; o++) {
          for (const d of DECODERS) {
            if (o + d.size > b.length) continue;
            const raw = d.read(b, o);
            if (!Number.isFinite(raw)) continue;
            if (d.float) {
              if (Math.abs(raw - q.value) <= Math.max(q.tolerance, Math.abs(q.value) * 1e-6)) record(o, d.name, 1, 0, u);
              continue;
            }
            for (const scale of SCALES) {
              for (const add of ADDS) {
                const x = (raw - add) / scale;
                // The raw integer is exact; the shown value was rounded to the digits given.
                if (Math.abs(x - q.value) <= q.tolerance + 1e-9 && (q.tolerance > 0 || Number.isInteger(x))) record(o, d.name, scale, add, u);
              }
            }
          }
        }
        const at = Buffer.from(b.buffer, b.byteOffset, b.length).indexOf(ascii);
        if (at >= 0 && ascii.length > 0) record(at, 'ascii', 1, 0, u);
      }
    }
    const best = [...hits.values()].sort(
      (a, b) => b.matches / groupTotals.get(b.group)! - a.matches / groupTotals.get(a.group)! || b.matches - a.matches || encodingRank(a) - encodingRank(b),
    );
    for (const h of best.slice(0, limit)) {
      out.push({
        query: q.text,
        group: h.group,
        offset: h.offset,
        encoding: h.encoding,
        scale: h.scale,
        add: h.add,
        matches: h.matches,
        of: groupTotals.get(h.group)!,
        perState: Object.fromEntries(h.perState),
      });
    }
    groupTotals = new Map();
  }
  return out;
}

/** Wider, plainer encodings explain a match better than a single byte or an unusual offset. */
function encodingRank(h: Hit): number {
  const size = /16/.test(h.encoding) ? 0 : /32/.test(h.encoding) ? 1 : 2;
  return size * 10 + (h.add ? 5 : 0) + (h.encoding.startsWith('bcd') ? 3 : 0) + SCALES.indexOf(h.scale);
}
