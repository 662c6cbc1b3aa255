// `bms-wizard inspect CAPTURE...`: the ATT conversation of captures, as text, JSON Lines or a summary.
import { CaptureError, InputError } from '../errors.js';
import { classicOnlySentence } from '../hci/classic.js';
import { extractAttFromFile } from '../hci/extract-file.js';
import type { AttEvent, Micros } from '../model.js';
import { outputWidth, terminalColumns, wrapForTerminal } from '../table-layout.js';
import { visible } from '../text-safe.js';
import { settingFlags, settingsFromFlags } from './analysis-flags.js';
import type { Command, CommandContext, OptionValues } from './command.js';
import { JsonEventWriter } from './inspect-json.js';
import { eventLine, summaryJson, summaryLines } from './inspect-view.js';

/** Collects output lines and writes them in blocks: one write per line would dominate the time. */
class Output {
  private parts: string[] = [];
  private size = 0;
  /** --json events, written as bytes (flushed before any line that follows them). */
  readonly json: JsonEventWriter;
  constructor(private readonly stream: NodeJS.WritableStream) {
    this.json = new JsonEventWriter((b) => void stream.write(b));
  }
  line(s: string): void {
    this.json.flush();
    this.parts.push(s);
    this.size += s.length + 1;
    if (this.size > 1 << 16) this.flush();
  }
  flush(): void {
    this.json.flush();
    if (!this.parts.length) return;
    this.stream.write(this.parts.join('\n') + '\n');
    this.parts = [];
    this.size = 0;
  }
}

/** Events are a stream, not a table: in a pipe each stays one line (grep sees whole events) unless COLUMNS asks for a width. */
function eventWidth(ctx: CommandContext): number {
  return terminalColumns(ctx.stdout) || ctx.env.COLUMNS ? outputWidth(ctx.stdout, ctx.env) : Infinity;
}

async function inspectFile(path: string, v: { json: boolean; summary: boolean; absolute: boolean; device: string | null; handle: number | null; width: number; eventWidth: number; columns: number }, out: Output, ctx: CommandContext): Promise<boolean> {
  const wanted = (e: AttEvent): boolean => (v.device === null || (e.peer !== null && e.peer === v.device)) && (v.handle === null || e.handle === v.handle);
  let shown = 0;
  // A file name is outside text: escaped before it reaches the terminal.
  const shownPath = visible(path);
  // The human view names the file before its first event (not before: the file may not be a capture).
  const header = (): void => {
    if (!v.json && shown === 0) out.line(wrapForTerminal(`# ${shownPath}`, v.columns));
  };
  const onEvent = v.summary
    ? undefined
    : (e: AttEvent, start: Micros): void => {
        if (!wanted(e)) return;
        header();
        shown++;
        if (v.json) out.json.event(e, start);
        else out.line(eventLine(e, { absolute: v.absolute, start }, v.eventWidth));
      };
  const { capture, result } = await extractAttFromFile(path, {
    hash: false,
    keepEvents: false,
    // Each event is printed before the next is decoded: its value need not be copied.
    copyValues: false,
    ...(onEvent ? { onEvent } : {}),
  });
  const connections = result.connections.filter((c) => v.device === null || c.peer === v.device);
  const conns = new Set(connections.map((c) => c.conn));
  const handles = result.handles.filter((h) => conns.has(h.conn) && (v.handle === null || h.handle === v.handle));
  if (v.summary) {
    if (v.json) out.line(summaryJson(capture, result, connections, handles));
    else summaryLines(capture, result, connections, handles, { absolute: v.absolute, start: result.start }, v.width, (line) => out.line(wrapForTerminal(line, v.columns)));
  } else if (!v.json) {
    header();
    out.line(wrapForTerminal(`# ${capture.formatName}, ${capture.variant}, ${capture.records} records, ${result.connections.length} connection(s), ${shown} of ${result.counts.attWithValue} event(s) shown`, v.columns));
  }
  out.flush();
  for (const w of result.warnings) ctx.stderr.write(`warning: ${shownPath}: ${w}\n`);
  const classic = classicOnlySentence(result.counts);
  if (classic) ctx.stderr.write(`warning: ${shownPath}: ${classic}\n`);
  if (!v.summary && shown === 0 && (v.device !== null || v.handle !== null) && result.counts.attWithValue > 0) {
    const peers = [...new Set(result.connections.map((c) => c.peer).filter((p) => p))];
    ctx.stderr.write(`warning: ${shownPath}: no event matched the filter (${result.counts.attWithValue} events; peers: ${peers.join(', ') || 'unknown'})\n`);
  }
  if (capture.damage) {
    const d = capture.damage;
    let msg = /[.!?]$/.test(d.message) ? d.message : `${d.message}.`;
    if (!d.detail.hint) msg += ' The records before it were read; copy or export the capture again to get the rest.';
    ctx.stderr.write(`error: ${msg}\n`);
    return false;
  }
  return true;
}

export const command: Command = {
  name: 'inspect',
  summary: 'show the ATT conversation of captures (btsnoop, PacketLogger, pcap/pcapng, text exports)',
  usage: 'bms-wizard inspect CAPTURE... [--json] [--summary] [--absolute-time] [--device ADDR] [--handle H]',
  help: `Reads each capture (the format is recognised by content, not by name) and prints every ATT
operation that carries a value: time, connection and device, direction, operation, handle (with
its UUID when the capture shows GATT discovery), the value in hex and as text (printable ASCII,
'.' for other bytes). Times are seconds since the capture's first record, as tshark shows them
and as windows (FILE@12.5..20) count them; --absolute-time shows the capture's clock instead.
An event is one line when it fits the terminal; else its facts come first and its value follows in
rows of whole bytes. In a pipe or a file an event is always one line (for grep), unless COLUMNS is set.

Options:
  --json           JSON Lines, one event a line: record, t (µs since the Unix epoch, or null),
                   conn, peer, dir, op, opcode, handle, uuid, value (lowercase hex), rel
                   (seconds since the capture's first record, or null).
                   Several captures: the lines of each file follow in the order given; record and
                   conn count within each file.
  --summary        start and duration, devices, connections, handles (UUIDs, properties, counts
                   per operation) and packet counts instead of the events (with --json: one JSON
                   object per file; start and end in µs, duration in seconds)
  --absolute-time  the capture's clock (UTC) instead of seconds since its start
  --device ADDR    only this peer address (aa:bb:cc:dd:ee:ff, any case)
  --handle H       only this ATT handle (0x12 or 18)

Data goes to stdout, warnings to stderr. A capture that is damaged part-way prints what comes
before the damage, then says where it stopped; the exit code is then 2.`,
  options: {
    json: { type: 'boolean' },
    summary: { type: 'boolean' },
    'absolute-time': { type: 'boolean' },
    ...settingFlags(['device', 'handle']),
  },
  async run(values: OptionValues, positionals: string[], ctx: CommandContext): Promise<number> {
    if (positionals.length === 0) throw new InputError("inspect needs at least one capture file: 'bms-wizard inspect CAPTURE'");
    const { options } = settingsFromFlags(values, ['device', 'handle']);
    const device = options.device ?? null;
    const handle = options.handle ?? null;
    const v = { json: Boolean(values.json), summary: Boolean(values.summary), absolute: Boolean(values['absolute-time']), device, handle, width: outputWidth(ctx.stdout, ctx.env), eventWidth: eventWidth(ctx), columns: terminalColumns(ctx.stdout) };
    const out = new Output(ctx.stdout);
    let ok = true;
    for (const path of positionals) {
      try {
        if (!(await inspectFile(path, v, out, ctx))) ok = false;
      } catch (err) {
        out.flush();
        if (!(err instanceof CaptureError) || positionals.length === 1) throw err;
        // With several files, one unreadable file does not hide the others.
        ctx.stderr.write(`error: ${err.message}\n`);
        ok = false;
      }
    }
    return ok ? 0 : 2;
  },
};
