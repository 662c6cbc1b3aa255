// The visual report: one self-contained HTML file (no network, no external scripts or fonts) with,
// per group, a heatmap of how often each byte/bit changes, the per-state bit view, the states'
// representative frames side by side with the differing bits marked and checksums checked, and
// the candidates plotted over time; then the finding, the decoder rule, the device and the rounds.
import { hex0x } from '../hex.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HEAT_STEPS } from '../analysis/heat-level.js';
import { bitStateOf, type HeatmapModel } from '../analysis/heatmap.js';
import type { Label } from '../analysis/types.js';
import type { Report } from './report.js';
import { ABSENT_COLOUR, BIT_STATE_COLOURS, CHECKSUM_BAD, CHECKSUM_OK, HEAT_COLOURS, STATE_COLOURS, stateColour } from './heat-colours.js';
import { PAGE_SCRIPT } from './html-script.js';
import { htmlText as esc } from '../text-safe.js';
import type { GroupView, Representative } from './report-groups.js';

const LABEL_COLOURS: Record<Label, string> = { checksum: '#2ca25f', counter: '#9e9ac8', length: '#6baed6', number: '#fdae6b', chance: '#bdbdbd' };
const SERIES_COLOURS = ['#e41a1c', '#377eb8', '#4daf4a', '#984ea3', '#ff7f00'];

export interface HtmlInput {
  report: Report;
  views: GroupView[];
  /** States shown (the session's, with frames). */
  states: string[];
  /** "on #2" for a round index of the analysis input. */
  roundName: (round: number) => string;
}

/** Share 0..1 as one byte (250 = every frame), 255 where no frame reaches the cell. */
function quantise(shares: Float32Array): string {
  const q = new Uint8Array(shares.length);
  for (let i = 0; i < shares.length; i++) q[i] = Number.isNaN(shares[i]!) ? 255 : Math.round(shares[i]! * 250);
  return Buffer.from(q).toString('base64');
}

function rowsOf(model: HeatmapModel, states: string[], roundName: (r: number) => string): (string | number)[][] {
  return model.rows.map((r) => [Math.max(0, states.indexOf(r.state)), r.round, roundName(r.round), r.frames]);
}

/** Per state, one character a bit (byte 0 bit 7 first): 1, 0, x (varies) or - (absent). */
function perStateRows(model: HeatmapModel, states: string[]): string[] {
  return states.map((s) => {
    let out = '';
    for (let b = 0; b < model.width; b++) for (let k = 7; k >= 0; k--) out += bitStateOf(model.perState[s]?.[b], k) ?? '-';
    return out;
  });
}

function pageGroup(v: GroupView, states: string[], roundName: (r: number) => string): unknown {
  return {
    id: v.detail.group.id,
    width: v.bytes.width,
    rows: rowsOf(v.bytes, states, roundName),
    byteCells: quantise(v.bytes.byteShare),
    bitRows: rowsOf(v.bits, states, roundName),
    bitCells: quantise(v.bits.bitShare),
    perState: perStateRows(v.bytes, states),
    candidates: v.candidates.map((c) => ({ byte: c.byte, bits: c.bits })),
    labels: v.detail.group.labels.filter((l) => l.byte < v.bytes.width),
    plot: v.plot,
  };
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}

/** The states' representative frames, bytes in rows of 8 with their bits; differing bits marked. */
function sideBySide(v: GroupView): string {
  const reps = v.representatives;
  if (reps.length === 0) return '';
  const width = Math.max(...reps.map((r) => r.bytes.length));
  const candidateBits = new Set(v.candidates.flatMap((c) => c.bits.map((b) => c.byte * 8 + b)));
  const differs = (byte: number, bit: number): boolean => new Set(reps.map((r) => (r.bytes[byte] === undefined ? '-' : (r.bytes[byte]! >> bit) & 1))).size > 1;
  const cell = (r: Representative, byte: number): string => {
    const x = r.bytes[byte];
    if (x === undefined) return '<td class="byte absent"></td>';
    const sum = r.checksum && r.checksum.at.includes(byte) ? (r.checksum.ok ? ' sum-ok' : ' sum-bad') : '';
    let bits = '';
    for (let k = 7; k >= 0; k--) {
      const cls = [(x >> k) & 1 ? 'one' : 'zero', differs(byte, k) ? 'diff' : '', candidateBits.has(byte * 8 + k) ? 'cand' : ''].filter(Boolean).join(' ');
      bits += `<i class="${cls}">${(x >> k) & 1}</i>`;
    }
    return `<td class="byte${sum}" title="byte ${byte} = 0x${hexByte(x)}"><b>${hexByte(x)}</b><span class="bits">${bits}</span></td>`;
  };
  const out: string[] = ['<table class="side"><thead><tr><th>byte</th>'];
  for (const r of reps) out.push(`<th>${esc(r.state)} <small>(${r.same} of ${r.of} frames${r.checksum ? `, checksum ${r.checksum.ok ? 'valid' : 'INVALID'}` : ''})</small></th>`);
  out.push('</tr></thead><tbody>');
  for (let b = 0; b < width; b++) {
    if (!reps.some((r) => r.bytes[b] !== undefined && reps.some((o) => o.bytes[b] !== r.bytes[b])) && !v.candidates.some((c) => c.byte === b) && width > 24) continue;
    out.push(`<tr><th>${b}</th>${reps.map((r) => cell(r, b)).join('')}</tr>`);
  }
  out.push('</tbody></table>');
  if (width > 24) out.push('<p class="hint">Only the bytes that differ between the states (and the candidates) are listed; the heatmap shows all of them.</p>');
  return out.join('');
}

function groupSection(v: GroupView): string {
  const g = v.detail.group;
  const msgs = Object.entries(g.messages).map(([s, n]) => `${esc(s)} ${n}`).join(', ');
  const sum = v.checksumValid ? ` · checksum ${esc(g.checksum ?? '')}: <span class="${v.checksumValid.ok === v.checksumValid.of ? 'ok' : 'bad'}">valid in ${v.checksumValid.ok}/${v.checksumValid.of} frames</span>` : '';
  const cands = v.candidates.length
    ? `<ol class="cands">${v.candidates.slice(0, 8).map((c) => `<li>byte ${c.byte} ${c.kind === 'bit' ? `bit ${c.bit}` : `bits ${c.bits.join(',')}`} (mask ${esc(c.mask)}): ${Object.entries(c.values).map(([s, x]) => `${esc(s)} ${x}`).join(', ')}${c.label ? ` <em>[${esc(c.label)}]</em>` : ''}</li>`).join('')}</ol>`
    : '<p>No candidate in this group.</p>';
  const title = `Group ${esc(g.id)}: handle ${hex0x(g.handle, 4)}, ${esc(g.dir)}, ${g.length} bytes, starts <code>${esc(g.prefix.slice(0, 16))}</code>`;
  // Groups without a candidate are folded: there to look at, not in the way.
  const [open, close] = v.candidates.length || v.plot?.readings.length ? [`<h2>${title}</h2>`, ''] : [`<details><summary><h2>${title} <small>(no candidate)</small></h2></summary>`, '</details>'];
  return `<section class="group" id="group-${esc(g.id)}">
${open}
<p>Frames: ${esc(g.frames)} · key ${esc(g.key)} · messages ${msgs}${sum}</p>
<h3>Heatmap <small>(rows: ${v.bytes.frames} frames in time order, ${v.bytes.rows.length} rows; left bands: state, round)</small></h3>
<p class="controls"><label><input type="checkbox" class="bits"> bits</label> <label><input type="checkbox" class="linear"> linear scale</label> <label><input type="checkbox" class="hide-known"> hide labelled bytes</label> <span class="status"></span></p>
<div class="scroll"><canvas class="heatmap"></canvas></div>
<h3>Per state <small>(each bit: <span class="sw" style="background:${BIT_STATE_COLOURS['1']}"></span> always 1, <span class="sw" style="background:${BIT_STATE_COLOURS['0']}"></span> always 0, <span class="sw" style="background:${BIT_STATE_COLOURS.x}"></span> varies; outlined: candidates)</small></h3>
<div class="scroll"><canvas class="per-state"></canvas></div>
<h3>Side by side</h3>
${sideBySide(v)}
<h3>Candidates</h3>
${cands}
${v.plot?.series.length ? '<h3>Candidates over time <small>(drag to zoom, double-click to reset; state bands behind)</small></h3><div class="plot"></div>' : ''}
${v.plot?.readings.length ? '<h3>Readings over time <small>(the decoded value of each frame; rings: what the app showed in the round)</small></h3><div class="plot-readings"></div>' : ''}
${close}</section>`;
}

function legend(): string {
  const scale = ['never', '≤2 %', '≤8 %', '≤25 %', '≤60 %', 'more'];
  const heat = HEAT_COLOURS.map((c, i) => `<span class="sw" style="background:${c}"></span>${scale[i]}`).join(' ');
  const labels = (Object.keys(LABEL_COLOURS) as Label[]).map((l) => `<span class="sw" style="background:${LABEL_COLOURS[l]}"></span>${l}`).join(' ');
  return `<p class="legend">How often a byte changes from one frame to the next: ${heat}. Labels (strip above the heatmap): ${labels}. Checksum bytes: <span class="sw" style="background:${CHECKSUM_OK}"></span> verifies, <span class="sw" style="background:${CHECKSUM_BAD}"></span> does not.</p>`;
}

function findingSection(r: Report): string {
  if (!r.accepted) return '<section><h2>Finding</h2><p>No candidate accepted yet.</p></section>';
  const a = r.accepted;
  const d = r.decoder;
  const rule = d
    ? `<table><tr><th>Frame (handle, starts with, length)</th><th>Offset</th><th>Size</th><th>Mask</th><th>Values</th></tr><tr><td>${hex0x(d.frame.handle, 4)}, <code>${esc(d.frame.startsWith)}</code>, ${d.frame.length ?? '?'} bytes</td><td>${d.offset}</td><td>${d.size}</td><td>${esc(d.mask)}</td><td>${Object.entries(d.values).map(([s, v]) => `${esc(s)}: ${v}`).join(', ')}</td></tr></table>`
    : '';
  return `<section><h2>Finding</h2><p><strong>${esc(a.rule)}</strong></p><p>Group ${esc(a.group)}, byte ${a.byte} bit ${a.bit} (mask ${esc(a.mask)}); bytes count from 0 at the frame start, bit 0 is the least significant bit.</p>${rule}</section>`;
}

function deviceSection(r: Report): string {
  const gatt = r.device.gatt?.length
    ? `<table><tr><th>Service</th><th>Characteristic</th><th>Handle</th><th>Properties</th><th>Name</th></tr>${r.device.gatt
        .flatMap((s) => s.characteristics.map((c) => `<tr><td>${esc(s.uuid)}</td><td>${esc(c.uuid)}</td><td>${c.handle === null ? '' : hex0x(c.handle, 4)}</td><td>${esc(c.properties.join(', '))}</td><td>${esc(c.name ?? s.name ?? '')}</td></tr>`))
        .join('')}</table>`
    : '<p>GATT table not explored.</p>';
  return `<section><h2>Device</h2><p>Name: ${esc(r.device.name ?? 'unknown')} · address: ${esc(r.device.address ?? 'unknown')}</p>${gatt}</section>`;
}

function roundsSection(r: Report): string {
  const rows: string[] = [];
  for (const [state, s] of Object.entries(r.states)) {
    for (const round of s.rounds) {
      const files = round.files.map((f) => `<code>${esc(f.path)}</code> <small>sha256 ${esc(f.sha256.slice(0, 12))}…</small>`).join('<br>');
      rows.push(`<tr><td>${esc(state)}</td><td>${round.index}</td><td>${esc(round.source)}</td><td>${files}</td><td>${round.connections}</td><td>${round.messages.fromDevice}</td><td>${round.messages.toDevice}</td><td>${esc(round.warnings.join('; '))}</td></tr>`);
    }
  }
  return `<section><h2>Rounds</h2><table><tr><th>State</th><th>Round</th><th>Source</th><th>Files</th><th>Connections</th><th>From device</th><th>To device</th><th>Warnings</th></tr>${rows.join('')}</table></section>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{font-size:22px}summary h2{display:inline-block;cursor:pointer}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}h3{font-size:15px;margin:14px 0 6px}
small{color:#666;font-weight:normal}code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f4f4f4;padding:0 3px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:2px 6px;vertical-align:top;text-align:left}
.scroll{overflow-x:auto;max-width:100%}canvas{display:block;image-rendering:pixelated}
.sw{display:inline-block;width:11px;height:11px;border:1px solid #999;margin:0 3px 0 8px;vertical-align:middle}
.status{font-family:ui-monospace,monospace;color:#444;margin-left:12px}
table.side td.byte{font-family:ui-monospace,monospace;white-space:nowrap}table.side td.byte b{margin-right:6px}
.bits i{font-style:normal;display:inline-block;width:11px;text-align:center;color:#999}.bits i.one{color:#222}
.bits i.diff{background:#ffe08a}.bits i.cand{outline:2px solid #000;font-weight:bold}
td.sum-ok{background:${CHECKSUM_OK}33}td.sum-bad{background:${CHECKSUM_BAD}44}
.ok{color:${CHECKSUM_OK};font-weight:bold}.bad{color:${CHECKSUM_BAD};font-weight:bold}.hint{color:#666}
`;

/** The page; `uplot` is the inlined plotting library (script and style), read from node_modules. */
export function reportHtml(input: HtmlInput, uplot: { js: string; css: string } = loadUplot()): string {
  const r = input.report;
  const states = input.states;
  const data = {
    states,
    steps: HEAT_STEPS,
    palette: HEAT_COLOURS,
    absent: ABSENT_COLOUR,
    stateColours: STATE_COLOURS,
    bitStateColours: BIT_STATE_COLOURS,
    labelColours: LABEL_COLOURS,
    seriesColours: SERIES_COLOURS,
    groups: input.views.map((v) => pageGroup(v, states, input.roundName)),
  };
  const stateKey = states.map((s, i) => `<span class="sw" style="background:${stateColour(i)}"></span>${esc(s)}`).join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(`bms-wizard report: ${r.target.name}`)}</title>
<style>${uplot.css}</style><style>${STYLE}</style>
</head><body>
<h1>BMS protocol report: ${esc(r.target.name)}</h1>
<p>Made with bms-wizard ${esc(r.tool.version)} · session <code>${esc(r.session.id)}</code> · ${esc(r.session.updated.slice(0, 10))}${r.session.demo ? ' · <strong>simulated BMS (demo)</strong>' : ''}${r.redacted ? ' · addresses redacted' : ''}</p>
<p>States: ${stateKey}</p>
${findingSection(r)}
${legend()}
${input.views.length ? input.views.map(groupSection).join('\n') : '<p>No analysed frames in this session.</p>'}
${deviceSection(r)}
${roundsSection(r)}
<section><h2>Notes</h2><p>${esc(r.notes.trim() || 'None.')}</p></section>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${uplot.js}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}

/** JSON safe inside a <script> element: no '</script>' or '<!--' can end or confuse it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** uPlot (MIT, Leon Sorokin) from node_modules, inlined so the file needs no network. */
export function loadUplot(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const dir = require.resolve('uplot/package.json').replace(/package\.json$/, '');
  const js = readFileSync(`${dir}dist/uPlot.iife.min.js`, 'utf8').replace(/<\/script/gi, '<\\/script');
  return { js: `/*! uPlot, MIT License, (c) Leon Sorokin */\n${js}`, css: readFileSync(`${dir}dist/uPlot.min.css`, 'utf8') };
}
