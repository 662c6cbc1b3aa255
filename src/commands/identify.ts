// `bms-wizard identify CAPTURE...`: is the device a known BMS family (a rebrand of a supported one)?
import { identifyRounds, type IdentifyResult } from '../analysis/known/identify.js';
import { extractWithinBudget, roundsFromCapture } from '../recorders/files.js';
import { terminalColumns, wrapForTerminal } from '../table-layout.js';
import { InputError } from '../errors.js';
import type { Round } from '../model.js';
import type { Command } from './command.js';

/** The human sentence for a result: "looks like JBD (…evidence…)" or "none of the N known families". */
export function identifySentence(r: IdentifyResult): string {
  if (r.matches.length === 0) {
    return `none of the ${r.families} known families: the device's ${r.deviceFrames} frame${r.deviceFrames === 1 ? '' : 's'} match no family's framing and checksum (or no GATT traffic was found)`;
  }
  const [best, ...rest] = r.matches;
  const lines = [`looks like ${best!.name} (${best!.evidence}); score ${best!.score.toFixed(2)}`];
  lines.push(`  decoded by: ${best!.supportedBy.join('; ')}`);
  for (const m of rest) lines.push(`also fits ${m.name} (${m.evidence}); score ${m.score.toFixed(2)}`);
  return lines.join('\n');
}

/** The --json shape: {"matches": [{family, name, score, frames, checksumValid, uuids, supportedBy}]}. */
export function identifyJson(r: IdentifyResult): string {
  const matches = r.matches.map((m) => ({
    family: m.family,
    name: m.name,
    score: m.score,
    frames: m.frames,
    checksumValid: m.checksumValid,
    uuids: m.uuids,
    supportedBy: m.supportedBy,
  }));
  return JSON.stringify({ matches }) + '\n';
}

export const command: Command = {
  name: 'identify',
  summary: 'tell whether the device in captures speaks a known BMS protocol (JBD, JK, Daly, ANT, …)',
  usage: 'bms-wizard identify CAPTURE... [--json]',
  help: `Reads the captures, picks the device as analyze does, reassembles its frames with each known
family's documented framing and checks every frame: start, length, end and checksum. A family
matches when its checksum verifies on most of the frames that start like its frames (families
without a checksum also need their GATT UUIDs in the capture). Prints the best match with its
evidence, e.g. "looks like JBD / Xiaoxiang (36-byte dd 03 … 77 frames, checksum valid in 51/51,
service ff00)", and the integrations that decode it; or "none of the N known families".

Options:
  --json   {"matches": [{"family", "name", "score", "frames", "checksumValid", "uuids",
           "supportedBy"}]}, best first, empty when nothing matches. checksumValid is null
           for families whose frames carry no checksum.`,
  options: { json: { type: 'boolean' } },
  async run(values, positionals, ctx) {
    if (positionals.length === 0) throw new InputError("identify needs at least one capture file: 'bms-wizard identify CAPTURE'");
    const rounds: Round[] = [];
    const discovered: { peer: string | null; uuids: string[] }[] = [];
    // The analysis' door: compact events, and one sentence for captures beyond what the heap holds.
    const kept = { values: 0 };
    for (const path of positionals) {
      const { capture, events, result } = await extractWithinBudget(path, undefined, kept);
      if (capture.damage) ctx.stderr.write(`warning: ${capture.damage.message}${/[.!?]$/.test(capture.damage.message) ? '' : '.'} Only the records before it are checked.\n`);
      for (const h of result.handles) discovered.push({ peer: h.peer, uuids: [h.service, h.uuid].filter((u): u is string => u !== null) });
      rounds.push(...roundsFromCapture('capture', events, { kind: 'file', files: [] }));
    }
    const r = identifyRounds(rounds, { discovered });
    ctx.stdout.write(values.json ? identifyJson(r) : wrapForTerminal(identifySentence(r), terminalColumns(ctx.stdout)) + '\n');
    return 0;
  },
};
