// Text for `inspect`: one line per ATT event, JSON Lines, and the per-file summary.
import type { CaptureInfo } from '../capture/read.js';
import { asciiText, hex0x, spacedHex, toHex } from '../hex.js';
import type { ExtractResult, HandleInfo } from '../hci/types.js';
import type { AttEvent, Connection, Micros } from '../model.js';
import { recordLines, tableRenderer, wrapWords } from '../table-layout.js';
import { visible } from '../text-safe.js';


/** 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC; captures store their own clock), or '-' without a clock. */
export function formatTime(t: Micros): string {
  if (t === null) return '-';
  const ms = Math.floor(t / 1000);
  const iso = new Date(ms).toISOString(); // 2024-01-21T19:22:04.492Z
  const micros = String(Math.floor(t) % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros}`;
}

/** How times are shown: seconds since the capture's first record (as windows count them), or the clock. */
export interface TimeBase {
  absolute: boolean;
  start: Micros;
}

/** Seconds since the capture start: '    44.812345' (tshark's default), or '-' without a clock. */
export function formatSeconds(t: Micros, start: Micros): string {
  if (t === null || start === null) return '-';
  return ((t - start) / 1e6).toFixed(6);
}

function when(t: Micros, base: TimeBase): string {
  return base.absolute ? formatTime(t).padEnd(26) : formatSeconds(t, base.start).padStart(13);
}

/**
 * The human text of one event: time, connection/device, direction, operation, handle (+UUID), hex,
 * text; one line when it fits `width`, else the facts broken between them and the value in rows of
 * whole bytes with their text (a terminal then never breaks a byte or a word).
 */
export function eventLine(e: AttEvent, base: TimeBase, width = Infinity): string {
  const dir = e.dir === 'app-to-device' ? 'app→dev' : 'dev→app';
  const handle = e.uuid ? `${hex0x(e.handle, 4)} (${e.uuid})` : hex0x(e.handle, 4);
  const time = when(e.t, base);
  const one = `#${String(e.record).padEnd(6)} ${time} conn ${String(e.conn).padEnd(2)} ${(e.peer ?? '-').padEnd(17)}  ${dir}  ${e.op.padEnd(26)} ${handle.padEnd(14)} ${spacedHex(e.value)}  |${asciiText(e.value)}|`;
  if (one.length <= width) return one;
  const lines = recordLines(`#${e.record}`, [time.trim(), `conn ${e.conn}`, e.peer ?? '-', dir, e.op, handle], width, VALUE_INDENT);
  const per = [32, 16, 8, 4].find((n) => VALUE_INDENT + 4 * n + 3 <= width) ?? 4;
  for (let o = 0; o < e.value.length; o += per) {
    const chunk = e.value.subarray(o, o + per);
    lines.push(`${' '.repeat(VALUE_INDENT)}${spacedHex(chunk).padEnd(3 * per - 1)}  |${asciiText(chunk)}|`);
  }
  return lines.join('\n');
}

/** Where the continuation lines of a narrow event start. */
const VALUE_INDENT = 8;

/** One JSON line with exactly the documented fields. */
export function eventJson(e: AttEvent, start: Micros): string {
  return JSON.stringify({
    record: e.record,
    t: e.t,
    conn: e.conn,
    peer: e.peer,
    dir: e.dir,
    op: e.op,
    opcode: e.opcode,
    handle: e.handle,
    uuid: e.uuid,
    value: toHex(e.value),
    rel: e.t === null || start === null ? null : (e.t - start) / 1e6,
  });
}

export function fileHeader(c: CaptureInfo): string {
  return `# ${c.file === null ? '(buffer)' : visible(c.file)}: ${c.formatName}, ${c.variant}, ${c.records} records, ${c.bytes} bytes`;
}

function span(k: Connection, base: TimeBase): string {
  if (base.absolute) return `${formatTime(k.start)} → ${formatTime(k.end)}`;
  return k.start === null || base.start === null ? 'no time' : `${formatSeconds(k.start, base.start)}..${formatSeconds(k.end, base.start)} s`;
}

/** Events per connection, in one pass over the handles (a scan per connection is quadratic). */
function eventsByConn(handles: HandleInfo[]): Map<number, number> {
  const byConn = new Map<number, number>();
  for (const h of handles) {
    let n = byConn.get(h.conn) ?? 0;
    // (for…in: Object.values builds an array per handle, and a summary may have 100 000 of them)
    for (const op in h.counts) n += h.counts[op]!;
    byConn.set(h.conn, n);
  }
  return byConn;
}

/** "start 2024-01-21 19:22:04.492000 UTC, duration 57.3 s (windows FILE@A..B count seconds from the start)". */
export function spanLine(r: Pick<ExtractResult, 'start' | 'end'>): string {
  if (r.start === null || r.end === null) return 'no timestamps (windows need record numbers: FILE@#FROM..#TO)';
  return `start ${formatTime(r.start)} UTC, duration ${((r.end - r.start) / 1e6).toFixed(1)} s (windows FILE@A..B count seconds from the start)`;
}

/**
 * The --summary text of one capture laid out for `width`, given to `line` line by line: a log with
 * 25 000 connections never becomes one string of tens of MB (and its copies) in memory.
 */
export function summaryLines(c: CaptureInfo, r: ExtractResult, connections: Connection[], handles: HandleInfo[], base: TimeBase, width: number, line: (s: string) => void): void {
  const out = { push: (...lines: string[]): void => lines.forEach((s) => line(s)) };
  out.push(fileHeader(c), `# ${spanLine(r)}`);
  const devices = new Map<string, { name: string | null; conns: number[] }>();
  for (const k of connections) {
    // Without connection events (ACL-only logs, text exports) the address is not in the capture.
    const key = k.peer ?? 'address not in the capture';
    const d = devices.get(key) ?? { name: null, conns: [] };
    d.name ??= k.name;
    d.conns.push(k.conn);
    devices.set(key, d);
  }
  out.push('', `Devices (${devices.size}):`);
  for (const [key, d] of devices) {
    const facts = [...(d.name ? [`"${visible(d.name)}"`] : []), `connection${d.conns.length > 1 ? 's' : ''} ${d.conns.join(', ')}`];
    for (const l of recordLines(key, facts, width - 2, 4)) out.push(`  ${l}`);
  }
  out.push('', `Connections (${connections.length}):`);
  const events = eventsByConn(handles);
  for (const k of connections) {
    const name = k.name ? ` "${visible(k.name)}"` : '';
    // Text exports have no link id (0); air captures use the access address.
    const link = k.link > 0xffff ? `access address ${hex0x(k.link, 8)}` : k.link > 0 ? `handle ${hex0x(k.link, 4)}` : '';
    const facts = [...(link ? [link] : []), `${k.peer ?? 'peer unknown'}${name}`, `records ${k.firstRecord}–${k.lastRecord}`, span(k, base), `${events.get(k.conn) ?? 0} events`];
    for (const l of recordLines(`#${k.conn}`, facts, width - 2, 4)) out.push(`  ${l}`);
  }
  out.push('', `Handles (${handles.length}):`);
  if (handles.length) {
    const rows = [['conn', 'handle', 'service', 'uuid', 'properties', 'events']];
    for (const h of handles) {
      let counts = '';
      for (const op in h.counts) counts += `${counts === '' ? '' : ', '}${op} ${h.counts[op]}`;
      rows.push([String(h.conn), hex0x(h.handle, 4), h.service ?? '-', h.uuid ?? '-', h.properties.join(',') || '-', counts || '-']);
    }
    // The counts per operation wrap; too narrow for that, each handle is a record.
    const render = tableRenderer(rows, { width, indent: 2, header: true, columns: [{ align: 'right' }, {}, {}, {}, {}, { wrap: true }] });
    for (let i = 0; i < rows.length; i++) out.push(...render(i));
  }
  const k = r.counts;
  const others = Object.entries(k.otherChannels).map(([name, n]) => `${name} ${n}`).join(', ');
  out.push(
    '',
    'Counts:',
    ...[
      `packets ${k.packets}, HCI commands ${k.hciCommands}, HCI events ${k.hciEvents}, ACL/LL data ${k.acl}, ATT PDUs ${k.att}, ATT values ${k.attWithValue}`,
      `other channels: ${others || 'none'}`,
      `encrypted ${k.encrypted}, bad CRC ${k.badCrc}, orphan fragments ${k.orphanFragments}`,
    ].flatMap((l) => wrapWords(l, width - 4).map((x, i) => `${i ? '    ' : '  '}${x}`)),
  );
}

/** The --summary --json object of one capture. */
export function summaryJson(c: CaptureInfo, r: ExtractResult, connections: Connection[], handles: HandleInfo[]): string {
  return JSON.stringify({
    file: c.file,
    format: c.format,
    variant: c.variant,
    records: c.records,
    bytes: c.bytes,
    damage: c.damage ? c.damage.message : null,
    start: r.start,
    end: r.end,
    duration: r.start === null || r.end === null ? null : (r.end - r.start) / 1e6,
    connections,
    handles,
    counts: r.counts,
    warnings: r.warnings,
  });
}
