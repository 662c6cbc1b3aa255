// Text for `inspect`: one line per ATT event, JSON Lines, and the per-file summary.
import type { CaptureInfo } from '../capture/read.js';
import { spacedHex, toHex } from '../hex.js';
import type { ExtractResult, HandleInfo } from '../hci/types.js';
import type { AttEvent, Connection, Micros } from '../model.js';

const h4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

/** 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC; captures store their own clock), or '-' without a clock. */
export function formatTime(t: Micros): string {
  if (t === null) return '-';
  const ms = Math.floor(t / 1000);
  const iso = new Date(ms).toISOString(); // 2024-01-21T19:22:04.492Z
  const micros = String(Math.floor(t) % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros}`;
}

/** The human line of one event: time, connection/device, direction, operation, handle (+UUID), hex. */
export function eventLine(e: AttEvent): string {
  const dir = e.dir === 'app-to-device' ? 'app→dev' : 'dev→app';
  const handle = e.uuid ? `${h4(e.handle)} (${e.uuid})` : h4(e.handle);
  return `#${String(e.record).padEnd(6)} ${formatTime(e.t).padEnd(26)} conn ${String(e.conn).padEnd(2)} ${(e.peer ?? '-').padEnd(17)}  ${dir}  ${e.op.padEnd(26)} ${handle.padEnd(14)} ${spacedHex(e.value)}`;
}

/** One JSON line with exactly the documented fields. */
export function eventJson(e: AttEvent): string {
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
  });
}

export function fileHeader(c: CaptureInfo): string {
  return `# ${c.file ?? '(buffer)'}: ${c.formatName}, ${c.variant}, ${c.records} records, ${c.bytes} bytes`;
}

function eventsOf(conn: number, handles: HandleInfo[]): number {
  let n = 0;
  for (const h of handles) if (h.conn === conn) for (const v of Object.values(h.counts)) n += v;
  return n;
}

/** The --summary text of one capture. */
export function summaryText(c: CaptureInfo, r: ExtractResult, connections: Connection[], handles: HandleInfo[]): string {
  const out: string[] = [fileHeader(c)];
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
  for (const [key, d] of devices) out.push(`  ${key}${d.name ? `  "${d.name}"` : ''}  connection${d.conns.length > 1 ? 's' : ''} ${d.conns.join(', ')}`);
  out.push('', `Connections (${connections.length}):`);
  for (const k of connections) {
    const name = k.name ? ` "${k.name}"` : '';
    // Text exports have no link id (0); air captures use the access address.
    const link = k.link > 0xffff ? `access address 0x${k.link.toString(16).padStart(8, '0')}  ` : k.link > 0 ? `handle ${h4(k.link)}  ` : '';
    out.push(`  #${k.conn}  ${link}${k.peer ?? 'peer unknown'}${name}  records ${k.firstRecord}–${k.lastRecord}  ${formatTime(k.start)} → ${formatTime(k.end)}  ${eventsOf(k.conn, handles)} events`);
  }
  out.push('', `Handles (${handles.length}):`);
  if (handles.length) {
    const rows = [['conn', 'handle', 'service', 'uuid', 'properties', 'events']];
    for (const h of handles) {
      const counts = Object.entries(h.counts).map(([op, n]) => `${op} ${n}`).join(', ');
      rows.push([String(h.conn), h4(h.handle), h.service ?? '-', h.uuid ?? '-', h.properties.join(',') || '-', counts || '-']);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    for (const row of rows) out.push(`  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd());
  }
  const k = r.counts;
  const others = Object.entries(k.otherChannels).map(([name, n]) => `${name} ${n}`).join(', ');
  out.push(
    '',
    'Counts:',
    `  packets ${k.packets}, HCI commands ${k.hciCommands}, HCI events ${k.hciEvents}, ACL/LL data ${k.acl}, ATT PDUs ${k.att}, ATT values ${k.attWithValue}`,
    `  other channels: ${others || 'none'}`,
    `  encrypted ${k.encrypted}, bad CRC ${k.badCrc}, orphan fragments ${k.orphanFragments}`,
  );
  return out.join('\n') + '\n';
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
    connections,
    handles,
    counts: r.counts,
    warnings: r.warnings,
  });
}
