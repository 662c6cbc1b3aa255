// Sentences about a known family for every shell (analyze, the wizard, the report).
import type { KnownProtocol } from './context.js';
import { describeMeaning } from './documented.js';

/** "looks like JBD / Xiaoxiang (36-byte dd 03 … 77 frames, checksum valid in 51/51, service ff00)". */
export function knownSentence(k: KnownProtocol): string {
  return `looks like ${k.match.name} (${k.match.evidence})`;
}

/** One line per candidate on a documented field, with its rank ("#1 JBD byte 24 bit 1 is documented as …"). */
export function documentedLines(k: KnownProtocol, ranked: { group: string; byte: number; mask: string }[]): string[] {
  return k.documented.map((m) => {
    const rank = ranked.findIndex((c) => c.group === m.group && c.byte === m.byte && c.mask === m.mask);
    return `${rank >= 0 ? `#${rank + 1} ` : ''}${describeMeaning(k.family.short, m)}`;
  });
}

export interface KnownJson {
  family: string;
  name: string;
  score: number;
  evidence: string;
  supportedBy: string[];
  documented: { group: string; byte: number; mask: string; field: string; text: string }[];
}

/** The family and the documented meanings as JSON (analyze --json, the report's JSON). */
export function knownJson(k: KnownProtocol, ranked: { group: string; byte: number; mask: string }[]): KnownJson {
  return {
    family: k.match.family,
    name: k.match.name,
    score: k.match.score,
    evidence: k.match.evidence,
    supportedBy: k.match.supportedBy,
    documented: k.documented.map((m) => ({ group: m.group, byte: m.byte, mask: m.mask, field: m.field, text: documentedLines({ ...k, documented: [m] }, ranked)[0]! })),
  };
}
