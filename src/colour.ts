// Whether a stream gets colour, decided in this one place for every shell (no-color.org:
// NO_COLOR set to a non-empty value turns colour off; FORCE_COLOR other than 0 turns it on;
// TERM=dumb and streams that are not terminals get none).

export function colourEnabled(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return Boolean((stream as { isTTY?: boolean }).isTTY);
}
