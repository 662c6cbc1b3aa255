// Grouping messages of one stream by a key. The automatic key splits by length and by leading
// bytes of low cardinality (frame types), but never by a byte that only separates the states.
import { hexNum, toHex } from '../hex.js';
import type { KeyOption, Message } from './types.js';

export interface MessageGroup {
  key: string;
  messages: Message[];
}

/** Leading byte positions examined for the key (after the marker, when there is one). */
const KEY_POSITIONS = 6;
/** A feature with more distinct values than this is data, not a frame type. */
const MAX_TYPES = 16;

type Feature = { name: string; get: (m: Message) => number; label?: (v: number) => string };

function lengthFeature(): Feature {
  return { name: 'length', get: (m) => m.bytes.length };
}

function requestFeature(msgs: Message[]): Feature {
  const ids = new Map<string, number>();
  const names: string[] = [];
  for (const m of msgs) {
    const k = m.request ?? 'none';
    if (!ids.has(k)) {
      ids.set(k, names.length);
      names.push(k);
    }
  }
  return { name: 'request', get: (m) => ids.get(m.request ?? 'none')!, label: (v) => names[v]! };
}

function byteFeature(p: number): Feature {
  return { name: `b${p}`, get: (m) => (p < m.bytes.length ? m.bytes[p]! : -1) };
}

function split(msgs: Message[], f: Feature): Map<number, Message[]> {
  const out = new Map<number, Message[]>();
  for (const m of msgs) {
    const v = f.get(m);
    let l = out.get(v);
    if (!l) out.set(v, (l = []));
    l.push(m);
  }
  return out;
}

/** Every message has the same value of the feature. */
function oneValue(msgs: Message[], f: Feature): boolean {
  if (msgs.length === 0) return true;
  const v = f.get(msgs[0]!);
  for (const m of msgs) if (f.get(m) !== v) return false;
  return true;
}

/** Distinct values of a byte feature (-1..255), counted without building classes; stops early. */
function distinctBytes(msgs: Message[], f: Feature): number {
  const seen = new Uint8Array(257);
  let n = 0;
  for (const m of msgs) {
    const v = f.get(m) + 1;
    if (!seen[v]) {
      seen[v] = 1;
      if (++n > MAX_TYPES) return n;
    }
  }
  return n;
}

/** True when most messages carry a value that occurs (almost) only in their own state. */
function separatesStates(classes: Map<number, Message[]>): boolean {
  let exclusive = 0;
  let total = 0;
  const states = new Set<string>();
  for (const l of classes.values()) {
    const c = new Map<string, number>();
    for (const m of l) {
      c.set(m.state, (c.get(m.state) ?? 0) + 1);
      states.add(m.state);
    }
    const top = Math.max(...c.values());
    if (top / l.length >= 0.9) exclusive += l.length;
    total += l.length;
  }
  return states.size >= 2 && exclusive / total >= 0.9;
}

/** The one state whose messages these are (≥ 90%), or null when they come from several. */
function stateOf(l: Message[]): string | null {
  const c = new Map<string, number>();
  for (const m of l) c.set(m.state, (c.get(m.state) ?? 0) + 1);
  for (const [s, n] of c) if (n >= l.length * 0.9) return s;
  return null;
}

/** Per position: modal value and its share, over a sample of messages. */
function profile(msgs: Message[], len: number): { mode: Int16Array; share: Float64Array } {
  const sample = msgs.length > 2000 ? msgs.filter((_, i) => i % Math.ceil(msgs.length / 2000) === 0) : msgs;
  const mode = new Int16Array(len).fill(-1);
  const share = new Float64Array(len);
  const counts = new Uint32Array(256);
  for (let p = 0; p < len; p++) {
    counts.fill(0);
    let n = 0;
    for (const m of sample) {
      if (p < m.bytes.length) {
        counts[m.bytes[p]!]!++;
        n++;
      }
    }
    let best = 0;
    for (let v = 1; v < 256; v++) if (counts[v]! > counts[best]!) best = v;
    mode[p] = n ? best : -1;
    share[p] = n ? counts[best]! / n : 0;
  }
  return { mode, share };
}

/** Different frame types differ at many stable positions; states differ at a few (the switch, a checksum). */
function differentStructures(classes: Map<number, Message[]>, skip: number, minDiff: number): boolean {
  const lists = [...classes.values()].filter((l) => l.length >= 2);
  if (lists.length < 2) return false;
  const len = Math.min(...lists.map(longestMessage));
  const profiles = lists.map((l) => profile(l, len));
  const need = Math.max(minDiff, Math.ceil(len * 0.05));
  let pairs = 0;
  let alike = 0;
  for (let i = 0; i < profiles.length; i++) {
    for (let j = i + 1; j < profiles.length; j++) {
      pairs++;
      let diff = 0;
      for (let p = 0; p < len; p++) {
        if (p === skip) continue;
        const a = profiles[i]!;
        const b = profiles[j]!;
        if (a.share[p]! >= 0.9 && b.share[p]! >= 0.9 && a.mode[p] !== b.mode[p]) diff++;
      }
      if (diff < need) alike++;
    }
  }
  // Most pairs of classes must look like different frame types (two close types may share a layout).
  return alike * 2 < pairs || (pairs === 1 && alike === 0);
}

interface Part {
  msgs: Message[];
  desc: string[];
  /** Data reached: later leading bytes are not examined. */
  done: boolean;
}

/** Splits msgs feature by feature; a feature that only tells the states apart is not used. */
function autoPartition(msgs: Message[], features: Feature[], markerLength: number): Part[] {
  let parts: Part[] = [{ msgs, desc: [], done: false }];
  for (const f of features) {
    const next: Part[] = [];
    for (const part of parts) {
      if (part.done) {
        next.push(part);
        continue;
      }
      if (f.name.startsWith('b') && distinctBytes(part.msgs, f) > MAX_TYPES) {
        // Data, not a type field: skip building the classes (the common case on long captures).
        next.push({ msgs: part.msgs, desc: [...part.desc, `${f.name}=*`], done: true });
        continue;
      }
      // One value for every message (the usual case on long captures): no copy of the list to find out.
      if (oneValue(part.msgs, f)) {
        next.push(part);
        continue;
      }
      const classes = split(part.msgs, f);
      const isLength = f.name === 'length';
      if (f.name === 'request') {
        // Answers to different requests are different things; a request carrying a counter or a
        // timestamp (many distinct values) is not a key.
        const few = classes.size <= MAX_TYPES && [...classes.values()].every((l) => l.length >= 2 || part.msgs.length <= 20);
        if (!few) {
          next.push(part);
          continue;
        }
        // A request seen in one state only (the switch command itself, 'set on' / 'set off') must
        // not keep its answers from the other state's: such answers are pooled, and later features
        // (length, leading bytes) tell their structures apart.
        // Only requests alike (same length, same first two bytes: one command with another value)
        // are pooled; requests for other records or with other arguments stay apart.
        const pools = new Map<string, { states: Set<string>; lists: [number, Message[]][] }>();
        for (const [v, l] of [...classes.entries()].sort((a, b) => a[0] - b[0])) {
          const st = stateOf(l);
          const req = f.label!(v);
          if (st === null || req.length < 6) {
            next.push({ msgs: l, desc: [...part.desc, `request=${req}`], done: false });
            continue;
          }
          const k = `${req.length}:${req.slice(0, 4)}`;
          let pool = pools.get(k);
          if (!pool) pools.set(k, (pool = { states: new Set(), lists: [] }));
          pool.states.add(st);
          pool.lists.push([v, l]);
        }
        for (const pool of pools.values()) {
          if (pool.states.size >= 2) {
            const msgs = pool.lists.flatMap(([, l]) => l).sort((a, b) => a.round - b.round || a.record - b.record);
            next.push({ msgs, desc: [...part.desc, `request=${f.label!(pool.lists[0]![0]).slice(0, 4)}…(per state)`], done: false });
          } else for (const [v, l] of pool.lists) next.push({ msgs: l, desc: [...part.desc, `request=${f.label!(v)}`], done: false });
        }
        continue;
      }
      // Lengths are always kept apart (a bit at one offset means nothing across layouts) unless there
      // are very many (text protocols); a leading byte with many values or singletons is data.
      const tooMany = isLength
        ? classes.size > 4 * MAX_TYPES
        : classes.size > MAX_TYPES || [...classes.values()].some((l) => l.length === 1 && part.msgs.length > 20);
      const skip = isLength ? -1 : Number(f.name.slice(1));
      // Length classes are kept apart unless the length only tells the states apart; a leading byte
      // splits only when its classes are different structures (frame types), not values of a field.
      // Near the start (a header) two differing stable bytes suffice, unless the byte tells the states apart.
      const apart = separatesStates(classes);
      const minDiff = apart ? 4 : isLength || skip - markerLength < 3 ? 2 : 4;
      const keep = !tooMany && ((isLength && !apart) || differentStructures(classes, skip, minDiff));
      if (!keep) {
        next.push({ msgs: part.msgs, desc: [...part.desc, `${f.name}=*`], done: tooMany && !isLength });
        continue;
      }
      for (const [v, l] of [...classes.entries()].sort((a, b) => a[0] - b[0])) {
        const val = isLength ? String(v) : v < 0 ? '-' : hexNum(v);
        next.push({ msgs: l, desc: [...part.desc, `${f.name}=${val}`], done: false });
      }
    }
    parts = next;
  }
  return parts;
}

/** Groups the messages of one stream (one handle and direction). markerLength: bytes of the frame marker. */
export function groupStream(msgs: Message[], option: KeyOption, markerLength = 0): MessageGroup[] {
  const by = (k: (m: Message) => string): MessageGroup[] => {
    const map = new Map<string, Message[]>();
    for (const m of msgs) {
      const key = k(m);
      let l = map.get(key);
      if (!l) map.set(key, (l = []));
      l.push(m);
    }
    return [...map.entries()].map(([key, messages]) => ({ key, messages }));
  };
  switch (option.kind) {
    case 'prefix':
      return by((m) => `prefix:${option.n}=${toHex(m.bytes.subarray(0, option.n))}`);
    case 'length':
      return by((m) => `length=${m.bytes.length}`);
    case 'request':
      return by((m) => `request=${m.request ?? 'none'}`);
    case 'handle':
      return [{ key: 'handle', messages: msgs }];
    case 'auto': {
      const features = [lengthFeature()];
      // Request/response traffic: the request a message answers is part of its key.
      const answered = msgs.filter((m) => m.request !== null).length;
      if (msgs.length > 0 && msgs[0]!.dir === 'device-to-app' && answered >= msgs.length * 0.5) features.unshift(requestFeature(msgs));
      const maxLen = longestMessage(msgs);
      for (let p = markerLength; p < Math.min(maxLen, markerLength + KEY_POSITIONS); p++) features.push(byteFeature(p));
      return autoPartition(msgs, features, markerLength).map((p) => ({
        key: `auto:${p.desc.filter((d) => !d.endsWith('=*') || d.startsWith('length')).join(',') || 'all'}`,
        messages: p.msgs,
      }));
    }
  }
}

/** Hex of the leading bytes every message shares. */
export function commonPrefix(msgs: Message[]): string {
  if (msgs.length === 0) return '';
  const first = msgs[0]!.bytes;
  let n = first.length;
  for (const m of msgs) {
    const b = m.bytes;
    n = Math.min(n, b.length);
    for (let i = 0; i < n; i++) {
      if (b[i] !== first[i]) {
        n = i;
        break;
      }
    }
    if (n === 0) break;
  }
  return toHex(first.subarray(0, n));
}

/** The longest message's length (messages make their bytes' view when read: no array of them). */
function longestMessage(msgs: readonly Message[]): number {
  let n = 0;
  for (const m of msgs) {
    const len = m.bytes.length;
    if (len > n) n = len;
  }
  return n;
}
