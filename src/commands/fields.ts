// `bms-wizard fields`: rounds with the values the app showed → the fields that hold them.
import { terminalColumns, wrapForTerminal } from '../table-layout.js';
import { InputError } from '../errors.js';
import { visible } from '../text-safe.js';
import type { Round } from '../model.js';
import { stringList, type Command, type CommandContext, type OptionValues } from './command.js';
import { loadCaptures } from '../recorders/files.js';
import { settingFlags, settingsFromFlags } from './analysis-flags.js';

const FIELDS_SETTINGS = ['device', 'handle', 'frames', 'key'] as const;

/**
 * One round per argument: the connections of its capture (window) joined, as the app showed one set of
 * values. The first `plain` arguments are capture names only (no values after '=').
 */
export async function loadShownRounds(args: string[], plain = 0): Promise<{ rounds: Round[]; context: Round[]; shown: import('../analysis/shown.js').ShownValue[][]; warnings: string[] }> {
  const { parseRoundArg } = await import('../analysis/shown.js');
  const parsed = args.map((a, i) => (i < plain ? { file: a, shown: [] } : parseRoundArg(a, i)));
  const { rounds: byConn, context, warnings } = await loadCaptures(parsed.map((p, i) => `round${i + 1}=${p.file}`));
  const rounds: Round[] = parsed.map((_, i) => {
    const parts = byConn.filter((r) => r.state === `round${i + 1}`);
    return { state: `round${i + 1}`, index: 1, source: parts[0]!.source, events: parts.flatMap((r) => r.events) };
  });
  return { rounds, context, shown: parsed.map((p) => p.shown), warnings };
}

export const command: Command = {
  name: 'fields',
  summary: 'find the fields that hold the values the app showed (voltage, current, SoC, temperatures, cells)',
  usage: "bms-wizard fields --round FILE='13.28V 80% -2.5A 21.3C' [--round FILE@#100..#300='13.31V 81% -2.4A 21.5C'] [options]",
  help: `Options:
  --round FILE=VALUES     one round: a capture (FILE@12.5..20 seconds or FILE@#100..#300 records for a
                          part) and the values the app showed during it, space-separated, each a number with
                          an optional unit (V, mV, A, mA, %, °C or C, K, Ah, mAh, W, Wh) and an optional name
                          (soc=80%). The i-th value of every round is the same reading. Repeat for more rounds:
                          one is enough, more pin the fields down.
  --device ADDR           the device to analyse (default: the peer with most traffic)
  --handle H              only this attribute handle (17 or 0x0011)
  --frames MODE           auto (default), none, request, marker:HEX, gap:MS: how values are joined into frames
  --key MODE              auto (default), prefix:N, request, length, handle: how frames are grouped
  --limit N               candidates shown per reading (default 5; --json lists all)
  --json                  machine-readable result

A field matches a round when the value it decodes (raw × scale + add) rounds to the value shown in most
of the round's frames. Every group and offset is tried: u8…u32 and signed, both byte orders, float32,
BCD, ASCII decimal and hex; scales 0.001…1000 and BMS offsets (0.1 K, +40 °C, 30000 for currents).
Places where chance would match as often are not listed. With a pack voltage among the values, runs
of cell voltages summing to it are listed as cell arrays.

Examples:
  bms-wizard fields --round a.btsnoop='13.28V 80% -2.5A 21.3C' --round b.btsnoop='13.31V 81% -2.4A 21.5C'
  bms-wizard fields --round log.btsnoop@#100..#300='soc=57% 53.12V' --json`,
  options: {
    round: { type: 'string', multiple: true },
    ...settingFlags(FIELDS_SETTINGS),
    limit: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values: OptionValues, positionals: string[], ctx: CommandContext): Promise<number> {
    if (positionals.length) throw new InputError(`unexpected argument '${visible(positionals[0]!)}'; give each round as --round FILE='13.28V 80%'`);
    const args = stringList(values.round);
    if (args.length === 0) throw new InputError("no rounds given; use --round FILE='13.28V 80% -2.5A' (repeat for more rounds)");
    const limitText = typeof values.limit === 'string' ? values.limit : '5';
    if (!/^\d+$/.test(limitText) || Number(limitText) < 1) throw new InputError(`--limit '${visible(limitText)}' must be a whole number of candidates, at least 1`);
    const { options } = settingsFromFlags(values, FIELDS_SETTINGS);
    const { rounds, context, shown, warnings } = await loadShownRounds(args);
    if (shown.every((s) => s.length === 0)) throw new InputError("no values given; write what the app showed after the capture: --round FILE='13.28V 80%'");
    for (const w of warnings) ctx.stderr.write(`warning: ${w}\n`);
    const { findFields } = await import('../analysis/readings.js');
    const result = findFields(rounds, shown, { ...options, learnFrom: context });
    if (values.json) ctx.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      const { fieldsReport } = await import('./fields-view.js');
      ctx.stdout.write(wrapForTerminal(fieldsReport(result, Number(limitText)), terminalColumns(ctx.stdout)));
    }
    return 0;
  },
};
