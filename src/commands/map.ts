// `bms-wizard map`: per group, the table maintainers draw by hand (one row per byte offset).
import { outputWidth, terminalColumns, wrapForTerminal } from '../table-layout.js';
import { InputError } from '../errors.js';
import { visible } from '../text-safe.js';
import { stringList, type Command, type CommandContext, type OptionValues } from './command.js';
import { settingFlags, settingsFromFlags } from './analysis-flags.js';
import { loadShownRounds } from './fields.js';

const MAP_SETTINGS = ['device', 'handle', 'frames', 'key'] as const;

export const command: Command = {
  name: 'map',
  summary: 'the frame map: per group, one row per byte with what it looks like (constant, counter, checksum, number…)',
  usage: "bms-wizard map CAPTURE... [--round FILE='13.28V 80%'] [options]",
  help: `Each CAPTURE (FILE, FILE@12.5..20 or FILE@#100..#300) is one round; a few frames of the rounds are
shown side by side. Each byte range says what it looks like: constant, counter, checksum (with the
algorithm), length, flags, number (with its likely byte order), text, or a field: give rounds with the
values the app showed (--round, as for 'bms-wizard fields') and the fields found are named in the map.

Options:
  --round FILE=VALUES     a round with what the app showed (repeatable; see bms-wizard fields --help)
  --group ID              only this group (g1, g2, … as listed)
  --columns N             frames shown side by side (default 4)
${''}  --device, --handle, --frames, --key   as for analyze
  --json                  the same as JSON

Examples:
  bms-wizard map capture.btsnoop
  bms-wizard map --round a.btsnoop='13.28V 80%' --round b.btsnoop='13.31V 81%' --group g1`,
  options: {
    round: { type: 'string', multiple: true },
    group: { type: 'string' },
    columns: { type: 'string' },
    ...settingFlags(MAP_SETTINGS),
    json: { type: 'boolean' },
  },
  async run(values: OptionValues, positionals: string[], ctx: CommandContext): Promise<number> {
    const args = [...positionals, ...stringList(values.round)];
    if (args.length === 0) throw new InputError('no capture given; use bms-wizard map CAPTURE (or --round FILE=VALUES)');
    const colsText = typeof values.columns === 'string' ? values.columns : '4';
    if (!/^\d+$/.test(colsText) || Number(colsText) < 1 || Number(colsText) > 12) throw new InputError(`--columns '${visible(colsText)}' must be a whole number from 1 to 12`);
    const { options } = settingsFromFlags(values, MAP_SETTINGS);
    // A positional capture may not carry values: "FILE" alone, even with '=' in a window-less name, is a file.
    const { rounds, context, shown, warnings } = await loadShownRounds(args, positionals.length);
    for (const w of warnings) ctx.stderr.write(`warning: ${w}\n`);
    const { frameMap } = await import('../analysis/readings.js');
    const result = frameMap(rounds, shown, { ...options, learnFrom: context }, Number(colsText));
    const want = typeof values.group === 'string' ? values.group : null;
    const groups = want ? result.groups.filter((g) => g.group === want) : result.groups;
    if (want && groups.length === 0) throw new InputError(`no group '${visible(want)}' in these captures; the groups are ${result.groups.map((g) => g.group).join(', ') || 'none'}`);
    if (values.json) ctx.stdout.write(JSON.stringify({ device: result.device, groups }, null, 2) + '\n');
    else {
      const { mapLines } = await import('../analysis/map-view.js');
      const out = [`Device ${result.device ?? '(no address in the captures)'}`, ''];
      for (const g of groups) out.push(...mapLines(g, outputWidth(ctx.stdout, ctx.env)), '');
      ctx.stdout.write(wrapForTerminal(out.join('\n'), terminalColumns(ctx.stdout)));
    }
    return 0;
  },
};
