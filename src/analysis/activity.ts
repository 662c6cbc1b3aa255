// What a byte does from one frame to the next (Cabana's classes): the one-character summary of a
// group that the terminal heatmap shows, computed from a bounded sample of consecutive frames.
import type { GroupStats } from './bits.js';
import { heatLevel } from './heat-level.js';
import { orderedPairs } from './labels.js';
import type { GroupActivity, Message } from './types.js';

/** Cabana's byte classes, plus `state`: constant within each state, different between states. */
export type ByteBehaviour = 'static' | 'state' | 'toggling' | 'rising' | 'falling' | 'noisy';

export interface ChangeCounts {
  /** Consecutive pairs (same round) in which the byte changed, went up, went down. */
  changes: number;
  ups: number;
  downs: number;
  /** Distinct values seen (counted up to 17). */
  distinct: number;
}

export function behaviourOf(c: ChangeCounts & { constant: boolean; differs: boolean }): ByteBehaviour {
  if (c.constant) return c.differs ? 'state' : 'static';
  if (c.changes === 0) return 'static';
  // Mostly one way (a counter that wraps still steps up far more often than down).
  if (c.ups >= c.changes * 0.8 && c.distinct > 2) return 'rising';
  if (c.downs >= c.changes * 0.8 && c.distinct > 2) return 'falling';
  return c.distinct <= 4 ? 'toggling' : 'noisy';
}

/** One character a byte: `.` static, `#` state, `~` toggling, `/` rising, `\` falling, `*` noisy. */
export const BEHAVIOUR_CHARS: Record<ByteBehaviour, string> = { static: '.', state: '#', toggling: '~', rising: '/', falling: '\\', noisy: '*' };

/** The group's activity from up to 4000 consecutive pairs and the per-state value histograms. */
export function groupActivity(msgs: Message[], stats: GroupStats): GroupActivity {
  const pairs = orderedPairs(msgs);
  let kinds = '';
  let levels = '';
  for (let b = 0; b < stats.length; b++) {
    const c: ChangeCounts = { changes: 0, ups: 0, downs: 0, distinct: 0 };
    let n = 0;
    for (const [p, q] of pairs) {
      if (b >= p.bytes.length || b >= q.bytes.length) continue;
      n++;
      if (q.bytes[b] === p.bytes[b]) continue;
      c.changes++;
      if (q.bytes[b]! > p.bytes[b]!) c.ups++;
      else c.downs++;
    }
    const seen = new Set<number>();
    let constant = true;
    const modes = new Set<number>();
    stats.hist.forEach((h, s) => {
      if (stats.present[s]![b] === 0) return;
      let here = 0;
      for (let v = 0; v < 256; v++) {
        if (h[b * 256 + v] === 0) continue;
        here++;
        modes.add(v);
        if (seen.size <= 16) seen.add(v);
      }
      if (here > 1) constant = false;
    });
    c.distinct = seen.size;
    kinds += BEHAVIOUR_CHARS[behaviourOf({ ...c, constant, differs: modes.size > 1 })];
    levels += String(Math.max(0, heatLevel(n ? c.changes / n : 0)));
  }
  return { kinds, levels };
}
