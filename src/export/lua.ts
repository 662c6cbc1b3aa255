// `export --format lua`: a Wireshark Lua dissector for the device's frames. It registers for the
// device's ATT handles, joins notifications into frames with the rule the analysis used, checks the
// checksum, and shows the accepted finding as a field (a boolean with the state names for a bit).
import type { ChecksumParams } from '../analysis/checksums.js';
import { ATT_INDICATION, ATT_NOTIFICATION, ATT_READ_BLOB_RSP, ATT_READ_RSP, ATT_WRITE_CMD, ATT_WRITE_REQ } from '../att.js';
import { hex0x } from '../hex.js';
import type { DecoderModel } from './decoder-model.js';

/** A Lua string literal (text as UTF-8, or raw bytes): every byte outside printable ASCII (and quote, backslash) as \ddd. */
export function luaString(text: string | Uint8Array): string {
  let out = '"';
  for (const b of typeof text === 'string' ? Buffer.from(text, 'utf8') : text) {
    out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${b.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** Text for a Lua comment line: printable ASCII only. */
function comment(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}


/** The checksum as Lua code: a function of the frame (a Lua string) and the range [from, to). */
function luaChecksum(p: ChecksumParams): string {
  switch (p.kind) {
    case 'sum': {
      const m = p.width === 8 ? '0xff' : '0xffff';
      const post = p.post === 'none' ? 's' : p.post === 'neg' ? `band(-s, ${m})` : p.post === 'not' ? `band(bnot(s), ${m})` : `band(0x10000 - band(s, 0xffff), 0xffff)`;
      return `function(b, from, to) local s = 0 for i = from + 1, to do s = s + b:byte(i) end s = band(s, ${m}) return ${post} end`;
    }
    case 'xor':
      return 'function(b, from, to) local x = 0 for i = from + 1, to do x = bxor(x, b:byte(i)) end return x end';
    case 'crc': {
      const top = p.width === 8 ? '0x80' : '0x8000';
      const m = p.width === 8 ? '0xff' : '0xffff';
      const feed = p.reflected
        ? `c = bxor(c, b:byte(i)) for _ = 1, 8 do if band(c, 1) ~= 0 then c = bxor(rshift(c, 1), ${hex0x(p.poly, 4)}) else c = rshift(c, 1) end end`
        : `c = bxor(c, ${p.width === 8 ? 'b:byte(i)' : 'lshift(b:byte(i), 8)'}) for _ = 1, 8 do if band(c, ${top}) ~= 0 then c = band(bxor(lshift(c, 1), ${hex0x(p.poly, 4)}), ${m}) else c = band(lshift(c, 1), ${m}) end end`;
      return `function(b, from, to) local c = ${hex0x(p.init, 4)} for i = from + 1, to do ${feed} end return bxor(c, ${hex0x(p.xorout, 4)}) end`;
    }
  }
}

export function luaDissector(m: DecoderModel, generatedBy: string): string {
  const f = m.field!;
  const states = Object.entries(f.values);
  const onState = states.find(([, v]) => v !== 0)?.[0] ?? states[0]![0];
  const offState = states.find(([, v]) => v === 0)?.[0] ?? states[1]?.[0] ?? 'other';
  const r = m.rule;
  const c = m.checksum;
  const lines: string[] = [];
  lines.push(
    `-- Wireshark dissector for the frames of a BMS, written by ${comment(generatedBy)} from session ${comment(m.sessionId)}${m.demo ? ' (simulated BMS, demo)' : ''}.`,
    `-- Finding: ${comment(m.target)} = byte ${f.byte} mask ${hex0x(f.mask)} of frames starting ${m.frame.startsWith}${m.frame.length ? `, ${m.frame.length} bytes` : ''} on handle ${hex0x(m.handle, 4)}.`,
    `-- Frames are joined from ATT values as the analysis cut them: ${comment(m.ruleText)}.`,
    c ? `-- Checksum (checked on frames of the finding's kind): ${comment(c.algorithm.name)} of bytes ${c.from}.. up to the field ${c.fromEnd} byte(s) before the end${c.algorithm.size === 2 ? (c.le ? ', little-endian' : ', big-endian') : ''}.` : '-- Checksum: none found by the analysis.',
    m.family ? `-- Known family: ${comment(m.family.name)}.` : '-- Known family: none matched.',
    ...m.readings.map((r) => `-- Reading: ${comment(r.name)} = bytes ${r.offset}..${r.offset + r.size * r.count - 1} ${r.type}${r.size > 1 ? (r.le ? ' le' : ' be') : ''} x ${r.scale} + ${r.add} ${comment(r.unit)}${r.count > 1 ? ` (${r.count} values)` : ''}.`),
    ...m.skippedReadings.map((t) => `-- Not decoded here (text, BCD or another handle): ${comment(t)}.`),
    '-- Use: tshark -r CAPTURE -X lua_script:THIS_FILE -Y bmswizard  (or copy it to the Wireshark plugins folder)',
    '',
    'local bit = bit32 or bit',
    'local band, bor, bxor, bnot, lshift, rshift = bit.band, bit.bor, bit.bxor, bit.bnot, bit.lshift, bit.rshift',
    '',
    `local proto = Proto("bmswizard", ${luaString(`BMS frame (bms-wizard: ${m.target})`)})`,
    'local F = {',
    '  frame = ProtoField.bytes("bmswizard.frame", "Frame"),',
    '  length = ProtoField.uint16("bmswizard.length", "Frame length"),',
    '  parts = ProtoField.uint16("bmswizard.parts", "ATT values joined"),',
    '  checksum_ok = ProtoField.bool("bmswizard.checksum_ok", "Checksum valid"),',
  );
  if (f.single) {
    lines.push(`  ${f.id} = ProtoField.bool(${luaString(`bmswizard.${f.id}`)}, ${luaString(f.name)}, 8, { ${luaString(f.values[onState]! !== 0 ? onState : offState)}, ${luaString(f.values[onState]! !== 0 ? offState : onState)} }, ${hex0x(f.mask)}),`);
  } else {
    const vs = states.map(([s, v]) => `[${v}] = ${luaString(s)}`).join(', ');
    lines.push(`  ${f.id} = ProtoField.uint8(${luaString(`bmswizard.${f.id}`)}, ${luaString(f.name)}, base.HEX, { ${vs} }, ${hex0x(f.mask)}),`);
  }
  for (const r of m.readings) {
    const label = r.count > 1 ? `${r.name} (${r.unit}, ${r.count} values)` : `${r.name}${r.unit ? ` (${r.unit})` : ''}`;
    lines.push(`  ${r.id} = ProtoField.double(${luaString(`bmswizard.${r.id}`)}, ${luaString(label)}),`);
  }
  lines.push('}', `proto.fields = { F.frame, F.length, F.parts, F.checksum_ok, ${[f.id, ...m.readings.map((r) => r.id)].map((id) => `F.${id}`).join(', ')} }`, '');
  const readTvb = (r: DecoderModel['readings'][number]): string =>
    r.type === 'f32' ? (r.le ? 'le_float' : 'float') : r.type.startsWith('i') ? (r.le ? 'le_int' : 'int') : r.le ? 'le_uint' : 'uint';
  const readingsLua = m.readings.map(
    (r) => `  { field = F.${r.id}, starts = ${luaString(Buffer.from(r.startsWith, 'hex'))}, offset = ${r.offset}, size = ${r.size}, count = ${r.count}, read = "${readTvb(r)}", scale = ${r.scale}, add = ${r.add} },`,
  );
  lines.push(
    'local bad_checksum = ProtoExpert.new("bmswizard.bad_checksum", "Checksum does not verify", expert.group.CHECKSUM, expert.severity.WARN)',
    'proto.experts = { bad_checksum }',
    'local att_opcode = Field.new("btatt.opcode")',
    'local att_handle = Field.new("btatt.handle")',
    '',
    `local FRAME_HANDLE = ${hex0x(m.handle, 4)}`,
    `local MARKER = ${r.marker ? luaString(Buffer.from(r.marker, 'hex')) : 'nil'}`,
    `local LENGTH = ${r.length ? `{ offset = ${r.length.offset}, size = ${r.length.size}, le = ${r.length.le}, add = ${r.length.add} }` : 'nil'}`,
    `local FIXED = ${r.fixed ?? 'nil'}`,
    `local FIXED_BY_TYPE = ${r.fixedByType ? `{ ${[...r.fixedByType].map(([t, n]) => `[${t}] = ${n}`).join(', ')} }` : 'nil'}`,
    `local BY_REQUEST = ${r.request}`,
    `local GAP_S = ${r.gapMs === null ? 'nil' : r.gapMs / 1000}`,
    `local STARTS = ${luaString(Buffer.from(m.frame.startsWith, 'hex'))}`,
    `local FINDING_LENGTH = ${m.frame.length ?? 'nil'}`,
    '-- Accepted readings: value = raw * scale + add.',
    'local READINGS = {',
    ...readingsLua,
    '}',
    c ? `local CHECKSUM = { from = ${c.from}, from_end = ${c.fromEnd}, size = ${c.algorithm.size}, le = ${c.le}, compute = ${luaChecksum(c.algorithm.params)} }` : 'local CHECKSUM = nil',
    '',
    '-- Reassembly state: the frame being built, and the frames completed by each packet (kept for',
    '-- the second pass and for clicking around in Wireshark).',
    'local building, started, last_t, done',
    'local function reset() building = ""; started = 0; last_t = nil; done = {} end',
    'proto.init = reset',
    'reset()',
    '',
    'local function expected(buf)',
    '  if LENGTH then',
    '    if #buf < LENGTH.offset + LENGTH.size then return nil end',
    '    local v = buf:byte(LENGTH.offset + 1)',
    '    if LENGTH.size == 2 then',
    '      local w = buf:byte(LENGTH.offset + 2)',
    '      if LENGTH.le then v = v + w * 256 else v = v * 256 + w end',
    '    end',
    '    return v + LENGTH.add',
    '  end',
    '  if FIXED_BY_TYPE and MARKER and #buf > #MARKER then',
    '    local n = FIXED_BY_TYPE[buf:byte(#MARKER + 1)]',
    '    if n then return n end',
    '  end',
    '  return FIXED',
    'end',
    '',
    'local function starts_with(s, p) return p ~= nil and s:sub(1, #p) == p end',
    '',
    '-- One ATT value of the frame handle: the frames it completes (each a Lua string).',
    'local function feed(v, t)',
    '  local out = {}',
    '  local function flush() if #building > 0 then out[#out + 1] = { building, started } end building = ""; started = 0 end',
    '  if GAP_S and last_t and t - last_t > GAP_S then flush() end',
    '  last_t = t',
    '  local counted = LENGTH or FIXED or FIXED_BY_TYPE',
    '  if MARKER then',
    '    local need = expected(building)',
    '    local waiting = #building > 0 and need ~= nil and #building < need',
    '    if starts_with(v, MARKER) and not waiting then flush() elseif #building == 0 and not starts_with(v, MARKER) then return out end',
    '  end',
    '  building = building .. v',
    '  started = started + 1',
    '  if counted then',
    '    while true do',
    '      local need = expected(building)',
    '      if need == nil or need < 1 or #building < need then break end',
    '      out[#out + 1] = { building:sub(1, need), started }',
    '      building = building:sub(need + 1)',
    '      started = #building > 0 and 1 or 0',
    '      if #building > 0 and MARKER and not starts_with(building, MARKER) then building = ""; started = 0; break end',
    '    end',
    '  elseif not MARKER and not BY_REQUEST and not GAP_S then',
    '    flush()',
    '  end',
    '  return out',
    'end',
    '',
    'local function checksum_ok(b)',
    '  if not CHECKSUM then return nil end',
    '  local at = #b - CHECKSUM.from_end - CHECKSUM.size',
    '  if at <= CHECKSUM.from then return false end',
    '  local stored = b:byte(at + 1)',
    '  if CHECKSUM.size == 2 then',
    '    if CHECKSUM.le then stored = stored + b:byte(at + 2) * 256 else stored = stored * 256 + b:byte(at + 2) end',
    '  end',
    '  return CHECKSUM.compute(b, CHECKSUM.from, at) == stored',
    'end',
    '',
    'local function show(frame, parts, tree, pinfo)',
    '  local ba = ByteArray.new()',
    '  ba:set_size(#frame)',
    '  for i = 1, #frame do ba:set_index(i - 1, frame:byte(i)) end',
    '  local tvb = ba:tvb("BMS frame")',
    '  local t = tree:add(proto, tvb(), "BMS frame, " .. #frame .. " bytes")',
    '  t:add(F.frame, tvb())',
    '  t:add(F.length, #frame)',
    '  t:add(F.parts, parts)',
    `  if starts_with(frame, STARTS) and (FINDING_LENGTH == nil or #frame == FINDING_LENGTH) and #frame > ${f.byte} then`,
    '    -- The checksum was found on frames of this kind; other kinds may carry another one.',
    '    local ok = checksum_ok(frame)',
    '    if ok ~= nil then',
    '      local item = t:add(F.checksum_ok, ok)',
    '      if not ok then item:add_proto_expert_info(bad_checksum) end',
    '    end',
    `    t:add(F.${f.id}, tvb(${f.byte}, 1))`,
    '  end',
    '  for _, r in ipairs(READINGS) do',
    '    if starts_with(frame, r.starts) and #frame >= r.offset + r.size * r.count then',
    '      for k = 0, r.count - 1 do',
    '        local range = tvb(r.offset + k * r.size, r.size)',
    '        t:add(r.field, range, range[r.read](range) * r.scale + r.add)',
    '      end',
    '    end',
    '  end',
    'end',
    '',
    'function proto.dissector(tvb, pinfo, tree)',
    '  local op = att_opcode()',
    '  local h = att_handle()',
    '  if not op or not h then return 0 end',
    '  op = op.value',
    `  local from_device = ${[ATT_NOTIFICATION, ATT_INDICATION, ATT_READ_RSP, ATT_READ_BLOB_RSP].map((op) => `op == ${hex0x(op)}`).join(' or ')}`,
    '  if not pinfo.visited then',
    '    local frames = {}',
    `    if not from_device and (op == ${hex0x(ATT_WRITE_REQ)} or op == ${hex0x(ATT_WRITE_CMD)}) and BY_REQUEST then`,
    '      if #building > 0 then frames[1] = { building, started } end',
    '      building = ""; started = 0',
    '    elseif from_device and h.value == FRAME_HANDLE and tvb:len() > 0 then',
    '      frames = feed(tvb:raw(), pinfo.abs_ts)',
    '    end',
    '    if #frames > 0 then done[pinfo.number] = frames end',
    '  end',
    '  local frames = done[pinfo.number]',
    '  if frames then',
    '    pinfo.cols.protocol = "BMS"',
    '    for _, fr in ipairs(frames) do show(fr[1], fr[2], tree, pinfo) end',
    '  end',
    '  return tvb:len()',
    'end',
    '',
    'local handles = DissectorTable.get("btatt.handle")',
    ...m.handles.map((h) => `handles:add(${hex0x(h, 4)}, proto)`),
    '',
  );
  return lines.join('\n');
}
