// One scale for every heatmap (terminal, SVG, HTML): how often a byte or bit changes, in levels.

/** Upper bounds of levels 1..4 (level 5 above the last): roughly logarithmic, so rare changes stay visible. */
export const HEAT_STEPS = [0.02, 0.08, 0.25, 0.6] as const;
export const HEAT_LEVELS = HEAT_STEPS.length + 2;

/** 0: never changes; 1..5: changes in ≤2 %, ≤8 %, ≤25 %, ≤60 %, more of the frames; -1: no frame reaches it. */
export function heatLevel(share: number): number {
  if (Number.isNaN(share)) return -1;
  if (share <= 0) return 0;
  let level = 1;
  for (const step of HEAT_STEPS) {
    if (share <= step) return level;
    level++;
  }
  return level;
}
