// The report as markdown for a maintainer's issue: device and GATT, the app's queries, rounds
// per state, the candidate table, hex views with the bits marked, the decoder rule, notes.
import type { CandidateResult, GroupResult } from '../analysis/types.js';
import { hex0x } from '../hex.js';
import { describeBits, hexView, markedBits } from '../analysis/view.js';
import { candidateValue, isSingleBit, maskOf, prefixWords } from '../session/finding.js';
import { markdownCode, markdownText } from '../text-safe.js';
import type { Report } from './report.js';

const MAX_CANDIDATES = 15;

/** Text from a capture, a session or the user, inline in the report: it cannot add markdown or HTML. */
const cell = markdownText;

function hexWords(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(' ');
}

/**
 * A hex view of one message of the group (analysis/view hexView), 16 bytes a row, candidate bytes
 * in brackets, then per marked byte its bits with the candidate bits in brackets and what each
 * state has there.
 */
export function markedHexView(group: GroupResult, marks: CandidateResult[]): string {
  const g = group;
  const ranked = marks;
  const rows = hexView(g, ranked);
  const lines = rows.map((r) => `${String(r.offset).padStart(4, ' ')}: ${r.segments.map((seg) => (seg.mask ? `[${seg.hex.toUpperCase()}]` : ` ${seg.hex.toUpperCase()} `)).join('').trimEnd()}`);
  const bytes = Buffer.from(g.example, 'hex');
  for (const c of ranked) {
    const v = bytes[c.byte];
    const mask = Number.parseInt(maskOf(c), 16);
    const here = v === undefined ? '?' : isSingleBit(c) ? String((v >> c.bit) & 1) : candidateValue(c, v & mask);
    const bits = v === undefined ? '' : ` = ${markedBits(v, mask)}`;
    lines.push(`      ${describeBits(c)}: byte ${v === undefined ? '?' : `0x${v.toString(16).padStart(2, '0').toUpperCase()}`}${bits}, ${here} here; ${Object.entries(c.values).map(([s, x]) => `${s}: ${candidateValue(c, x)}`).join(', ')}${c.label ? ` [${c.label}]` : ''}`);
  }
  return lines.join('\n');
}

/** "(frame[24] & 0x02) != 0  → discharge switch on" per state, for a one-bit finding with two values. */
export function decoderCode(offset: number, mask: string, values: Record<string, number>, name: string, selector?: string): string[] | null {
  const m = Number.parseInt(mask, 16);
  const entries = Object.entries(values);
  if (!(m > 0 && (m & (m - 1)) === 0) || entries.length !== 2 || new Set(entries.map(([, v]) => v)).size !== 2) return null;
  const tests = entries.map(([state, v]) => `(frame[${offset}] & ${mask}) ${v ? '!=' : '=='} 0  →  ${name} ${state}`);
  // The frame first: the bit means nothing in the device's other frames.
  return selector ? [`for the ${selector.replace(/`/g, '')}:`, ...tests.map((t) => `  ${t}`)] : tests;
}

export function reportMarkdown(r: Report): string {
  const out: string[] = [];
  const t = r.target;
  out.push(`# BMS protocol finding: ${cell(t.name)}`, '');
  out.push(`Made with bms-wizard ${r.tool.version} (session \`${markdownCode(r.session.id)}\`, ${cell(r.session.updated.slice(0, 10))}${r.session.demo ? ', **simulated BMS (demo)**' : ''}${r.redacted ? ', addresses redacted' : ''}).`, '');

  if (r.accepted) {
    out.push('## Finding', '', `- ${r.accepted.rule}`, `- handle ${hex0x(r.accepted.handle, 4)}, group ${r.accepted.group}, byte ${r.accepted.byte} bit ${r.accepted.bit} (mask ${r.accepted.mask}); bytes count from 0 at the frame start, bit 0 is the least significant bit`, '');
    const d = r.decoder;
    if (d) {
      out.push('| Frame (handle, starts with, length) | Offset | Size | Mask | Values |', '|---|---|---|---|---|');
      out.push(`| ${hex0x(d.frame.handle, 4)}, \`${prefixWords(d.frame.startsWith, 8)}\`, ${d.frame.length ?? '?'} bytes | ${d.offset} | ${d.size} | ${d.mask} | ${Object.entries(d.values).map(([s, v]) => `${s}: ${v}`).join(', ')} |`, '');
      const code = decoderCode(d.offset, d.mask, d.values, t.name, d.frame.selector);
      if (code) out.push('In a decoder:', '', '```', ...code, '```', '');
    }
  } else {
    out.push('## Finding', '', '_No candidate accepted yet._', '');
  }

  if (r.known) {
    const k = r.known;
    out.push('## Known protocol', '', `The device's frames look like **${k.name}** (${k.evidence}; score ${k.score.toFixed(2)}). Decoded by: ${k.supportedBy.join('; ')}.`, '');
    if (k.documented.length) {
      out.push('What the family documents at the candidates:', '');
      for (const d of k.documented) out.push(`- ${cell(d.text)}`);
      out.push('');
    }
  }

  out.push('## Device', '');
  out.push(`- Name: ${cell(r.device.name ?? 'unknown')}`, `- Address: ${cell(r.device.address ?? 'unknown')}`);
  if (r.device.gatt && r.device.gatt.length > 0) {
    out.push('', '| Service | Characteristic | Handle | Properties | Name |', '|---|---|---|---|---|');
    for (const s of r.device.gatt) {
      for (const c of s.characteristics) {
        out.push(`| ${s.uuid} | ${c.uuid} | ${c.handle === null ? '' : hex0x(c.handle, 4)} | ${c.properties.join(', ')} | ${cell(c.name ?? s.name ?? '')} |`);
      }
    }
  } else {
    out.push('- GATT table: not explored (run `bms-wizard explore` to add it)');
  }
  out.push('');

  out.push('## Commands the app wrote', '');
  if (r.queries.length === 0) out.push('_None seen: the device streams without requests, or only notifications were kept._');
  else {
    const stateCount = Object.keys(r.states).length;
    // A write in the rounds of some states only sets something (the switch); one in every state asks.
    const kind = (q: (typeof r.queries)[number]): string => (stateCount > 1 && q.states.length < stateCount ? `set command (only in ${q.states.map((x) => cell(x)).join(', ')})` : 'query (every state)');
    out.push('| Handle | UUID | Operation | Value | Times | Kind |', '|---|---|---|---|---|---|');
    for (const q of r.queries.slice(0, 20)) out.push(`| ${hex0x(q.handle, 4)} | ${q.uuid ?? ''} | ${q.op} | \`${hexWords(q.value)}\` | ${q.count} | ${kind(q)} |`);
    if (r.queries.length > 20) out.push('', `_…and ${r.queries.length - 20} more distinct writes._`);
  }
  if (r.readingRules.length) {
    out.push('## Readings', '', 'value = raw × scale + add; bytes count from 0 at the frame start. Checked against what the app showed in each round.', '');
    out.push('| Reading | Frame (handle, starts with, length) | Offset | Size | Type | Byte order | Scale | Add | Unit | Shown → decoded |', '|---|---|---|---|---|---|---|---|---|---|');
    r.readingRules.forEach((d, i) => {
      const a = r.readings[i]!;
      const per = a.shown.map((s, k) => `${cell(s || '–')} → ${a.decoded[k] ?? '–'}`).join('<br>');
      out.push(`| ${cell(d.name)}${d.count ? ` (${d.count} cells)` : ''} | ${hex0x(d.frame.handle, 4)}, \`${prefixWords(d.frame.startsWith, 8)}\`, ${d.frame.length ?? '?'} bytes | ${d.offset} | ${d.size}${d.count ? ` × ${d.count}` : ''} | ${d.type} | ${d.endian ?? '–'} | ${d.scale} | ${d.add} | ${cell(d.unit || '–')} | ${per} |`);
    });
    out.push('');
  }

  out.push('');

  out.push('## Rounds', '', `Method: for each state, set the ${t.name} in the app, verify it by restarting the app, then record ${t.roundsPerState} rounds (restart the app, open the page with the switch, do not touch it).`, '');
  for (const [state, setup] of Object.entries(t.setup ?? {})) out.push(`- State \`${markdownCode(state)}\`: ${cell(setup)}`);
  if (t.setup && Object.keys(t.setup).length > 0) out.push('');
  const anyShown = Object.values(r.states).some((s) => s.rounds.some((x) => x.shown.length > 0));
  out.push(`| State | Round | Source | Files | Part of the files | Connections | From device | To device | Warnings |${anyShown ? ' App showed |' : ''}`, `|---|---|---|---|---|---|---|---|---|${anyShown ? '---|' : ''}`);
  for (const [state, s] of Object.entries(r.states)) {
    for (const round of s.rounds) {
      const files = round.files.map((f) => `\`${markdownCode(f.path)}\` (sha256 ${cell(f.sha256.slice(0, 12))}…)`).join('<br>');
      out.push(`| ${cell(state)} | ${round.index} | ${cell(round.source)} | ${files} | ${round.part ? `\`${markdownCode(round.part)}\`` : 'whole file'} | ${round.connections} | ${round.messages.fromDevice} | ${round.messages.toDevice} | ${cell(round.warnings.join('; '))} |${anyShown ? ` ${cell(round.shown.join(' ') || '–')} |` : ''}`);
    }
  }
  out.push('');

  const a = r.analysis;
  out.push('## Analysis', '');
  if (!a) out.push('_Not run yet._', '');
  else {
    const settings = Object.entries(a.settings).map(([k, v]) => cell(`${k}=${String(v)}`)).join(', ');
    out.push(`Settings: ${settings || 'defaults'}. Messages per state: ${Object.entries(a.result.states).map(([s, x]) => `${s} ${x.messages}`).join(', ')}.`, '');
    const groups = new Map<string, GroupResult>(a.result.groups.map((g) => [g.id, g]));
    const cands = a.result.candidates.slice(0, MAX_CANDIDATES);
    if (cands.length === 0) out.push('No bit is constant within each state and different between them.', '');
    else {
      // The states the analysis compared (a state added since has no column until it runs again).
      const states = t.states.filter((st) => st in a.result.states);
      out.push(`| # | Group | Frame start | Byte | Bit | Mask | ${states.map(cell).join(' | ')} | Support | Agreement | Label |`, `|---|---|---|---|---|---|${states.map(() => '---|').join('')}---|---|---|`);
      cands.forEach((c, i) => {
        const g = groups.get(c.group);
        out.push(`| ${i + 1} | ${c.group} | ${g ? `\`${prefixWords(g.prefix, 4)}\`` : ''} | ${c.byte} | ${c.bits.join(',')} | ${maskOf(c)} | ${states.map((s) => candidateValue(c, c.values[s])).join(' | ')} | ${states.map((s) => c.support[s] ?? 0).join('/')} | ${c.agreement.toFixed(2)} | ${c.label ?? ''} |`);
      });
      if (a.result.candidates.length > cands.length) out.push('', `_…and ${a.result.candidates.length - cands.length} more candidates in the JSON export._`);
      out.push('', '### Hex views', '', 'One message of each group with candidates; candidate bytes in [brackets], offsets in decimal from the frame start; under it each candidate byte in binary (bit 7 … bit 0) with the candidate bits in [brackets].', '');
      const byGroup = new Map<string, CandidateResult[]>();
      for (const c of cands) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c]);
      for (const [id, marks] of byGroup) {
        const g = groups.get(id);
        if (!g) continue;
        out.push(`Group ${id}: handle ${hex0x(g.handle, 4)}, ${g.dir}, ${g.length} bytes, key ${g.key}, frames ${g.frames}, messages ${Object.entries(g.messages).map(([s, n]) => `${s} ${n}`).join(', ')}`, '', '```', markedHexView(g, marks), '```', '');
      }
    }
  }

  out.push('## Notes', '', r.notes.trim() === '' ? '_None._' : r.notes.trim().split('\n').map(cell).join('  \n'), '');
  return out.join('\n');
}
