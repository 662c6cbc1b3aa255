// When the data of a drawn protocol cannot tell the switch apart, by rules stated on the frames
// it sent (not on the seed): such a case is shown in the eval table but not counted.

/** Frames of the switch's type, in send order, by the switch's state (random/protocol.ts). */
export interface SwitchFrames {
  on: Uint8Array[];
  off: Uint8Array[];
}

/** Fewer frames than this in a state are no evidence of a constant bit. */
const MIN_FRAMES = 3;

/** The byte's value when the same in every frame, else null. */
function constant(frames: Uint8Array[], at: number): number | null {
  const v = frames[0]![at]!;
  return frames.every((f) => f[at] === v) ? v : null;
}

/** The byte never falls from frame to frame and moves at least once: the low byte of a clock (or a rising number) that did not wrap. */
function clockWithoutWrap(frames: Uint8Array[], at: number): boolean {
  let moved = false;
  for (let i = 1; i < frames.length; i++) {
    const d = frames[i]![at]! - frames[i - 1]![at]!;
    if (d < 0) return false;
    if (d > 0) moved = true;
  }
  return moved;
}

/** Why the data cannot decide the switch at `byte`, or null when it can. */
export function undecidable(frames: SwitchFrames, byte: number): string | null {
  const { on, off } = frames;
  if (on.length < MIN_FRAMES || off.length < MIN_FRAMES) return `the switch's frame was sent ${on.length}× on, ${off.length}× off`;
  // Switch values one apart beside the low byte of a clock that did not wrap within a state: read
  // together they are that clock with its upper byte one tick apart between the recordings, as
  // likely as a switch when nothing orders the recordings in time.
  const a = constant(on, byte);
  const b = constant(off, byte);
  if (a === null || b === null || Math.abs(a - b) !== 1) return null;
  for (const at of [byte - 1, byte + 1]) {
    if (at < 0 || at >= on[0]!.length) continue;
    if (clockWithoutWrap(on, at) && clockWithoutWrap(off, at)) return `the switch's values ${a} / ${b} are one apart beside a clock's low byte (byte ${at}) that did not wrap: a 16-bit clock that ticked between the recordings`;
  }
  return null;
}
