// The report page's own script (plain browser JavaScript, no network): draws each group's heatmap
// and per-state bit view on canvases from the embedded data, and the plots with the inlined uPlot.
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  function decode(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  // Same scale as the SVG and the terminal (analysis/heat-level): 250 = every frame changes.
  function level(q, linear) {
    if (q === 255) return -1;
    if (q === 0) return 0;
    var share = q / 250;
    if (linear) return Math.min(5, Math.max(1, Math.ceil(share * 5)));
    for (var i = 0; i < data.steps.length; i++) if (share <= data.steps[i]) return i + 1;
    return data.steps.length + 1;
  }
  function colour(l) { return l < 0 ? data.absent : data.palette[l]; }

  function drawHeatmap(g, canvas, bits, linear, hideKnown, status) {
    var cols = bits ? g.width * 8 : g.width;
    var rows = bits ? g.bitRows : g.rows;
    var cells = decode(bits ? g.bitCells : g.byteCells);
    var known = {};
    if (hideKnown) g.labels.forEach(function (l) { known[l.byte] = true; });
    var cw = Math.max(2, Math.min(14, Math.floor(1100 / Math.max(1, cols))));
    var ch = Math.max(2, Math.min(8, Math.floor(480 / Math.max(1, rows.length))));
    var left = 24, top = 30;
    canvas.width = left + cols * cw + 2;
    canvas.height = top + rows.length * ch + 2;
    var ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    for (var r = 0; r < rows.length; r++) {
      ctx.fillStyle = data.stateColours[rows[r][0] % data.stateColours.length];
      ctx.fillRect(0, top + r * ch, 10, ch);
      ctx.fillStyle = rows[r][1] % 2 ? '#bbbbbb' : '#777777';
      ctx.fillRect(12, top + r * ch, 8, ch);
      for (var c = 0; c < cols; c++) {
        // Bits are stored bit 0 first; shown most significant first, as the hex views do.
        var idx = bits ? r * cols + Math.floor(c / 8) * 8 + (7 - (c % 8)) : r * cols + c;
        ctx.fillStyle = known[bits ? Math.floor(c / 8) : c] ? data.absent : colour(level(cells[idx], linear));
        ctx.fillRect(left + c * cw, top + r * ch, cw, ch);
      }
    }
    // Byte offsets every 8 bytes (every byte when expanded to bits), then the labelled bytes: a
    // shaded strip with the label's colour.
    ctx.fillStyle = '#444444';
    ctx.font = '10px sans-serif';
    var perCw = bits ? 8 * cw : cw, every = bits ? 1 : 8;
    while (every * perCw < 24) every *= 2;
    for (var b = 0; b < g.width; b += every) ctx.fillText(String(b), left + b * perCw, 10);
    g.labels.forEach(function (l) {
      ctx.fillStyle = data.labelColours[l.label] || '#999999';
      ctx.fillRect(left + l.byte * perCw, 16, perCw, top - 19);
    });
    ctx.strokeStyle = '#000000';
    ctx.lineWidth = 1.5;
    g.candidates.forEach(function (cand) {
      if (bits) cand.bits.forEach(function (b) { ctx.strokeRect(left + (cand.byte * 8 + 7 - b) * cw, top, cw, rows.length * ch); });
      else ctx.strokeRect(left + cand.byte * cw, top, cw, rows.length * ch);
    });
    canvas.onmousemove = function (ev) {
      var rect = canvas.getBoundingClientRect();
      var c = Math.floor((ev.clientX - rect.left - left) / cw), r = Math.floor((ev.clientY - rect.top - top) / ch);
      if (c < 0 || c >= cols || r < 0 || r >= rows.length) { status.textContent = ''; return; }
      var idx = bits ? r * cols + Math.floor(c / 8) * 8 + (7 - (c % 8)) : r * cols + c;
      var q = cells[idx];
      var where = bits ? 'byte ' + Math.floor(c / 8) + ' bit ' + (7 - (c % 8)) : 'byte ' + c;
      status.textContent = where + ' · ' + data.states[rows[r][0]] + ' round ' + rows[r][2] + ' (' + rows[r][3] + ' frames) · ' +
        (q === 255 ? 'not in these frames' : 'changed in ' + Math.round(q / 2.5) + ' % of the frames');
    };
  }

  function drawPerState(g, canvas) {
    var cols = g.width * 8, cw = Math.max(2, Math.min(14, Math.floor(1100 / Math.max(1, cols)))), ch = 18, left = 90;
    canvas.width = left + cols * cw + 2;
    canvas.height = g.perState.length * ch + 4;
    var ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.font = '12px sans-serif';
    g.perState.forEach(function (row, s) {
      ctx.fillStyle = data.stateColours[s % data.stateColours.length];
      ctx.fillText(data.states[s], 2, s * ch + 13);
      for (var c = 0; c < cols; c++) {
        var v = row.charAt(c);
        ctx.fillStyle = v === '-' ? data.absent : data.bitStateColours[v];
        ctx.fillRect(left + c * cw, s * ch, cw - (c % 8 === 7 ? 1 : 0), ch - 2);
      }
    });
    ctx.strokeStyle = '#000000';
    g.candidates.forEach(function (cand) {
      cand.bits.forEach(function (b) { ctx.strokeRect(left + (cand.byte * 8 + 7 - b) * cw, 0, cw, g.perState.length * ch - 2); });
    });
  }

  // One uPlot chart: 'lines' drawn as lines, 'points' as marks only; state bands behind.
  function chart(p, el, lines, points, yLabel) {
    var series = [{ label: 's' }];
    var values = [p.x];
    lines.forEach(function (s, i) {
      series.push({ label: s.name, stroke: data.seriesColours[i % data.seriesColours.length], width: 1.5, points: { show: p.x.length < 400 } });
      values.push(s.values);
    });
    points.forEach(function (s, i) {
      series.push({ label: s.name, stroke: data.seriesColours[i % data.seriesColours.length], width: 0, paths: function () { return null; }, points: { show: true, size: 9, fill: '#ffffff' } });
      values.push(s.values);
    });
    var opts = {
      width: Math.min(1100, Math.max(480, el.clientWidth || 900)), height: 240, series: series,
      scales: { x: { time: false } },
      axes: [{ label: 'seconds (rounds laid end to end)' }, { label: yLabel }],
      cursor: { drag: { x: true, y: false } },
      hooks: { drawClear: [function (u) {
        var ctx = u.ctx;
        p.bands.forEach(function (b) {
          var x0 = u.valToPos(b.from, 'x', true), x1 = u.valToPos(b.to, 'x', true);
          ctx.fillStyle = data.stateColours[data.states.indexOf(b.state) % data.stateColours.length] + '22';
          ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
        });
      }] },
    };
    new uPlot(opts, values, el);
  }

  function drawPlots(g, root) {
    if (!g.plot || typeof uPlot === 'undefined') return;
    var el = root.querySelector('.plot');
    if (el && g.plot.series.length) chart(g.plot, el, g.plot.series, [], 'value');
    var rel = root.querySelector('.plot-readings');
    if (rel && g.plot.readings.length) chart(g.plot, rel, g.plot.readings, g.plot.marks, 'reading');
  }

  data.groups.forEach(function (g) {
    var root = document.getElementById('group-' + g.id);
    if (!root) return;
    var heat = root.querySelector('canvas.heatmap'), status = root.querySelector('.status');
    var boxes = ['bits', 'linear', 'hide-known'].map(function (c) { return root.querySelector('input.' + c); });
    function redraw() { drawHeatmap(g, heat, boxes[0].checked, boxes[1].checked, boxes[2].checked, status); }
    boxes.forEach(function (b) { b.addEventListener('change', redraw); });
    redraw();
    drawPerState(g, root.querySelector('canvas.per-state'));
    drawPlots(g, root);
  });
  document.body.setAttribute('data-rendered', 'true');
})();
`;
