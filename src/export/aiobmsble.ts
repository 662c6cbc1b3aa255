// `export --format aiobmsble`: a draft aiobmsble plugin (the BMS class with UUIDs and matcher, the
// frame check, the decoded finding), its test replaying the recorded frames at their captured
// fragment boundaries, and the docs page. The decode part is pure Python, so it runs without
// aiobmsble and bleak; the header says what was and was not checked.
import type { ChecksumParams } from '../analysis/checksums.js';
import { decodeNumber } from '../analysis/encodings.js';
import { hex0x, hexNum, toHex } from '../hex.js';
import type { DecoderModel, RecordedFrame } from './decoder-model.js';

export interface ExportFile {
  path: string;
  data: string;
}

/** A Python string literal: printable ASCII kept, everything else escaped. */
export function pyString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c < 0x7f && ch !== '"' && ch !== '\\') out += ch;
    else out += c <= 0xff ? `\\x${hexNum(c)}` : c <= 0xffff ? `\\u${hexNum(c, 4)}` : `\\U${hexNum(c, 8)}`;
  }
  return `${out}"`;
}

/** Printable ASCII for comments and docstrings. */
function plain(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/"""/g, "'''");
}


/** aiobmsble's helper for the algorithm, where one fits (basebms.crc_modbus, crc_xmodem, crc_sum). */
function aiobmsbleHelper(name: string): string | null {
  switch (name) {
    case 'crc16-modbus':
      return 'crc_modbus';
    case 'crc16-xmodem':
      return 'crc_xmodem';
    case 'sum8':
      return 'crc_sum';
    default:
      return null;
  }
}

function pyChecksum(p: ChecksumParams): string[] {
  switch (p.kind) {
    case 'sum': {
      const m = p.width === 8 ? '0xFF' : '0xFFFF';
      const post = p.post === 'none' ? `s & ${m}` : p.post === 'neg' ? `-s & ${m}` : p.post === 'not' ? `~s & ${m}` : '(0x10000 - (s & 0xFFFF)) & 0xFFFF';
      return [`    s = sum(data)`, `    return ${post}`];
    }
    case 'xor':
      return ['    x = 0', '    for b in data:', '        x ^= b', '    return x'];
    case 'crc': {
      const m = p.width === 8 ? '0xFF' : '0xFFFF';
      const top = p.width === 8 ? '0x80' : '0x8000';
      return [
        `    crc = ${hex0x(p.init, 4)}`,
        '    for b in data:',
        p.reflected ? '        crc ^= b' : p.width === 8 ? '        crc ^= b' : '        crc ^= b << 8',
        '        for _ in range(8):',
        p.reflected
          ? `            crc = (crc >> 1) ^ ${hex0x(p.poly, 4)} if crc & 1 else crc >> 1`
          : `            crc = ((crc << 1) ^ ${hex0x(p.poly, 4)}) & ${m} if crc & ${top} else (crc << 1) & ${m}`,
        `    return crc ^ ${hex0x(p.xorout, 4)}`,
      ];
    }
  }
}

/** BMSSample keys aiobmsble has for switches; other findings get a TODO. */
function sampleKey(name: string): string | null {
  const n = name.toLowerCase();
  if (/dis-?charg|dsg/.test(n)) return 'dischrg_mosfet';
  if (/charg|chg/.test(n)) return 'chrg_mosfet';
  if (/balanc/.test(n)) return 'balancer';
  if (/heat/.test(n)) return 'heater';
  return null;
}

function matcherName(name: string | null): string | null {
  if (!name) return null;
  const stem = name.replace(/[-_ ]?[0-9a-f]{3,}$/i, '');
  return stem.length >= 2 ? `${stem}*` : null;
}

const MAX_CASES_PER_STATE = 12;

function cases(m: DecoderModel): RecordedFrame[] {
  const out: RecordedFrame[] = [];
  const per = new Map<string, number>();
  for (const f of m.frames) {
    if (!f.ofFinding) continue;
    const n = per.get(f.state) ?? 0;
    if (n >= MAX_CASES_PER_STATE) continue;
    per.set(f.state, n + 1);
    out.push(f);
  }
  return out;
}

/** What running the draft's test gave: the python3 output line, or why it did not run. */
export type DraftCheck = { ran: true; ok: boolean; output: string } | { ran: false; why: string };

/** Frames holding accepted readings (a few per reading) with the values the readings' rules give. */
function readingCases(m: DecoderModel): [RecordedFrame, Record<string, number | number[]>][] {
  const out: [RecordedFrame, Record<string, number | number[]>][] = [];
  for (const r of m.readings) {
    const start = Buffer.from(r.startsWith, 'hex');
    const enc = r.size === 1 ? r.type : `${r.type}${r.le ? 'le' : 'be'}`;
    const frames = m.frames.filter((f) => Buffer.from(f.bytes).subarray(0, start.length).equals(start) && f.bytes.length >= r.offset + r.size * r.count).slice(0, 6);
    for (const f of frames) {
      const values = Array.from({ length: r.count }, (_, k) => decodeNumber(enc, f.bytes, r.offset + k * r.size)! * r.scale + r.add);
      out.push([f, { [r.id]: r.count > 1 ? values : values[0]! }]);
    }
  }
  return out;
}

export function aiobmsbleDraft(m: DecoderModel, generatedBy: string, check?: DraftCheck): ExportFile[] {
  const f = m.field!;
  const mod = `${identifierOf(m)}_bms`;
  const r = m.rule;
  const c = m.checksum;
  const helper = c ? aiobmsbleHelper(c.algorithm.name) : null;
  const key = sampleKey(f.name);
  const recorded = cases(m);
  const states = [...new Set(recorded.map((x) => x.state))];
  const svc = m.uuids.service ?? '0000';
  const rx = m.uuids.notify ?? '0000';
  const tx = m.uuids.write ?? rx;
  const adv = matcherName(m.deviceName);
  const what = `${recorded.length} recorded frame${recorded.length === 1 ? '' : 's'} (${states.join(', ')}) fed to FrameAssembler at their captured fragment boundaries`;
  const checked = !check
    ? `not yet: tests/test_${identifierOf(m)}_bms.py replays ${what}; run it with python3 (no aiobmsble needed).`
    : check.ran
      ? check.ok
        ? `when exported, python3 ran tests/test_${identifierOf(m)}_bms.py: decode() and checksum_ok() on ${what} gave the accepted value of each state (${plain(check.output)}).`
        : `when exported, python3 ran tests/test_${identifierOf(m)}_bms.py and it FAILED (${plain(check.output)}): do not trust this draft.`
      : `the test was not run when exported (${plain(check.why)}); it replays ${what}.`;
  const notChecked = 'The BMS class itself was not run (it needs aiobmsble, bleak and the device), the matcher was not tried against real advertisements, ruff/mypy/codespell were not run, and no command was written to a device.';

  const py: string[] = [];
  py.push(
    `"""Module to support ${plain(m.target)} on a BMS (draft written by ${plain(generatedBy)}, session ${plain(m.sessionId)}).`,
    '',
    'Project: aiobmsble, https://pypi.org/p/aiobmsble/',
    'License: Apache-2.0, http://www.apache.org/licenses/',
    '',
    `Checked: ${checked}`,
    `Not checked: ${notChecked}`,
    m.family ? `Known family: the frames match ${plain(m.family.name)}; an existing plugin may already decode this device.` : 'Known family: none of bms-wizard\'s table matched.',
    '"""',
    '',
    'import struct',
    'from typing import Final',
    '',
    '',
    '# ---- pure part: frames and the decoded finding (runs without aiobmsble and bleak) ----',
    '',
    `HEAD: Final[bytes] = bytes.fromhex(${pyString(r.marker ?? '')})  # start of frame ('' = any)`,
    `LENGTH: Final = ${r.length ? `(${r.length.offset}, ${r.length.size}, ${r.length.le ? '"little"' : '"big"'}, ${r.length.add})  # (offset, size, byte order, add): frame length = field + add` : 'None'}`,
    `FIXED: Final = ${r.fixed ?? 'None'}`,
    `FIXED_BY_TYPE: Final = ${r.fixedByType ? `{${[...r.fixedByType].map(([t, n]) => `${hex0x(t)}: ${n}`).join(', ')}}` : 'None'}`,
    `FINDING_START: Final[bytes] = bytes.fromhex(${pyString(m.frame.startsWith)})`,
    `FINDING_LENGTH: Final = ${m.frame.length ?? 'None'}`,
    c ? `CHECKSUM: Final = (${c.from}, ${c.fromEnd}, ${c.algorithm.size}, ${c.le ? '"little"' : '"big"'})  # ${plain(c.algorithm.name)}: (from, bytes after the field, size, byte order)` : 'CHECKSUM: Final = None',
    '',
    '',
    'def _expected(buf: bytes) -> int | None:',
    '    if LENGTH is not None:',
    '        off, size, order, add = LENGTH',
    '        if len(buf) < off + size:',
    '            return None',
    '        return int.from_bytes(buf[off : off + size], order) + add',
    '    if FIXED_BY_TYPE is not None and HEAD and len(buf) > len(HEAD):',
    '        n = FIXED_BY_TYPE.get(buf[len(HEAD)])',
    '        if n is not None:',
    '            return n',
    '    return FIXED',
    '',
    '',
    'class FrameAssembler:',
    '    """Joins notifications into frames (the rule bms-wizard learnt: ' + plain(m.ruleText) + ')."""',
    '',
    '    def __init__(self) -> None:',
    '        self._buf = b""',
    '',
    '    def feed(self, data: bytes) -> list[bytes]:',
    '        """Add one notification; return the frames it completes."""',
    '        out: list[bytes] = []',
    '        counted = LENGTH is not None or FIXED is not None or FIXED_BY_TYPE is not None',
    '        if HEAD:',
    '            need = _expected(self._buf)',
    '            waiting = bool(self._buf) and need is not None and len(self._buf) < need',
    '            if data.startswith(HEAD) and not waiting:',
    '                if self._buf and not counted:',
    '                    out.append(self._buf)',
    '                self._buf = b""',
    '            elif not self._buf and not data.startswith(HEAD):',
    '                return out',
    '        self._buf += data',
    '        if not counted:',
    '            if not HEAD:',
    '                out.append(self._buf)',
    '                self._buf = b""',
    '            return out',
    '        while True:',
    '            need = _expected(self._buf)',
    '            if need is None or need < 1 or len(self._buf) < need:',
    '                return out',
    '            out.append(self._buf[:need])',
    '            self._buf = self._buf[need:]',
    '            if self._buf and HEAD and not self._buf.startswith(HEAD):',
    '                self._buf = b""',
    '                return out',
    '',
    '',
  );
  if (c) {
    py.push(`def checksum(data: bytes) -> int:`, `    """${plain(c.algorithm.name)}${helper ? ` (the same as aiobmsble's basebms.${helper})` : ''}."""`, ...pyChecksum(c.algorithm.params), '', '');
  }
  py.push(
    'def checksum_ok(frame: bytes) -> bool:',
    '    """True when the frame\'s checksum verifies (or the protocol has none)."""',
    '    if CHECKSUM is None:',
    '        return True',
    '    start, after, size, order = CHECKSUM',
    '    at = len(frame) - after - size',
    '    if at <= start:',
    '        return False',
    ...(c ? ['    return checksum(frame[start:at]) == int.from_bytes(frame[at : at + size], order)'] : ['    return True']),
    '',
    '',
    'def decode(frame: bytes) -> dict[str, bool | int] | None:',
    `    """The accepted finding: byte ${f.byte}, mask ${hex0x(f.mask)} (${Object.entries(f.values).map(([s, v]) => `${v} = ${plain(s)}`).join(', ')}); None for other frames."""`,
    '    if not frame.startswith(FINDING_START) or (FINDING_LENGTH is not None and len(frame) != FINDING_LENGTH):',
    '        return None',
    `    if len(frame) <= ${f.byte} or not checksum_ok(frame):`,
    '        return None',
    f.single
      ? `    return {${pyString(f.id)}: bool(frame[${f.byte}] & ${hex0x(f.mask)})}`
      : `    return {${pyString(f.id)}: (frame[${f.byte}] & ${hex0x(f.mask)}) >> ${f.bit}}`,
    '',
    '',
    '# Accepted readings: (name, frame start, offset, size, type, byte order, scale, add, count); value = raw * scale + add.',
    'READINGS: Final = [',
    ...m.readings.map((r) => `    (${pyString(r.id)}, bytes.fromhex(${pyString(r.startsWith)}), ${r.offset}, ${r.size}, ${pyString(r.type)}, ${r.le ? '"little"' : '"big"'}, ${r.scale}, ${r.add}, ${r.count}),  # ${plain(r.name)} in ${plain(r.unit)}`),
    ']',
    '',
    '',
    'def read_readings(frame: bytes) -> dict[str, float | list[float]]:',
    '    """The accepted readings found in this frame (cell arrays as lists)."""',
    '    out: dict[str, float | list[float]] = {}',
    '    for name, start, offset, size, kind, order, scale, add, count in READINGS:',
    '        if not frame.startswith(start) or len(frame) < offset + size * count:',
    '            continue',
    '        values = []',
    '        for k in range(count):',
    '            raw = frame[offset + k * size : offset + (k + 1) * size]',
    '            if kind == "f32":',
    '                num = struct.unpack("<f" if order == "little" else ">f", raw)[0]',
    '            else:',
    '                num = int.from_bytes(raw, order, signed=kind.startswith("i"))',
    '            values.append(num * scale + add)',
    '        out[name] = values if count > 1 else values[0]',
    '    return out',
    '',
    '',
    '# ---- the aiobmsble plugin (needs aiobmsble and bleak; remove the guard when merging) ----',
    '',
    'try:',
    '    from bleak.backends.characteristic import BleakGATTCharacteristic',
    '    from bleak.backends.device import BLEDevice',
    '    from bleak.uuids import normalize_uuid_str',
    '',
    '    from aiobmsble import BMSInfo, BMSSample, MatcherPattern',
    `    from aiobmsble.basebms import BaseBMS${helper ? `, ${helper}` : ''}`,
    'except ImportError:  # pragma: no cover - the pure part above is usable alone',
    '    BaseBMS = None  # type: ignore[assignment,misc]',
    '',
    'if BaseBMS is not None:',
    '',
    '    class BMS(BaseBMS):',
    `        """${plain(m.target)} BMS (draft)."""`,
    '',
    `        INFO: BMSInfo = {"default_manufacturer": "unknown", "default_model": ${pyString(m.deviceName ?? 'BMS')}}  # TODO: fill in`,
    '',
    '        def __init__(self, ble_device: BLEDevice, keep_alive: bool = True, secret: str = "", logger_name: str = "") -> None:',
    '            """Initialize private BMS members."""',
    '            super().__init__(ble_device, keep_alive, secret, logger_name)',
    '            self._assembler = FrameAssembler()',
    '            self._msg: bytes = b""',
    '',
    '        @staticmethod',
    '        def matcher_dict_list() -> list[MatcherPattern]:',
    '            """Provide BluetoothMatcher definition."""',
    adv
      ? `            return [MatcherPattern(local_name=${pyString(adv)}, service_uuid=BMS.uuid_services()[0], connectable=True)]  # from the recorded device name; check it is unique`
      : '            return [MatcherPattern(service_uuid=BMS.uuid_services()[0], connectable=True)]  # TODO: add the advertised name',
    '',
    '        @staticmethod',
    '        def uuid_services() -> tuple[str, ...]:',
    '            """Return list of 128-bit UUIDs of services required by BMS."""',
    `            return (normalize_uuid_str(${pyString(svc)}),)`,
    '',
    '        @staticmethod',
    '        def uuid_rx() -> str:',
    '            """Return 16-bit UUID of characteristic that provides notification/read property."""',
    `            return ${pyString(rx)}`,
    '',
    '        @staticmethod',
    '        def uuid_tx() -> str:',
    '            """Return 16-bit UUID of characteristic that provides write property."""',
    `            return ${pyString(tx)}`,
    '',
    '        def _notification_handler(self, _sender: BleakGATTCharacteristic, data: bytearray) -> None:',
    '            """Join notifications into frames; keep the last valid frame of the finding\'s kind."""',
    '            for frame in self._assembler.feed(bytes(data)):',
    helper && c
      ? `                if not self._check_integrity(frame, ${helper}, slice(${c.from}, len(frame) - ${c.fromEnd + c.algorithm.size}), slice(len(frame) - ${c.fromEnd + c.algorithm.size}, len(frame) - ${c.fromEnd} or None)${c.algorithm.size === 2 ? `, ${c.le ? '"little"' : '"big"'}` : ''}):`
      : '                if not checksum_ok(frame):',
    '                    continue',
    '                if decode(frame) is not None:',
    '                    self._msg = frame',
    '                    self._msg_event.set()',
    '',
    '        async def _async_update(self) -> BMSSample:',
    '            """Update battery status information."""',
    `            # TODO: send the app's query to uuid_tx() if the BMS does not stream, e.g. await self._await_msg(bytes.fromhex("..."))`,
    '            await self._wait_event()',
    '            values = decode(self._msg) or {}',
    key
      ? `            return {${pyString(key)}: bool(values.get(${pyString(f.id)}))}  # TODO: add voltage, current, SoC (required to qualify as a BMS)`
      : `            return {}  # TODO: map ${plain(f.id)} to a BMSSample key; add voltage, current, SoC`,
    '',
  );

  const test: string[] = [
    `"""Test the ${plain(m.target)} draft with frames recorded by bms-wizard (session ${plain(m.sessionId)}).`,
    '',
    'Each case is one frame as its notifications arrived (the captured fragment boundaries) and',
    'the value the accepted finding gives for the state it was recorded in.',
    '"""',
    '',
    'try:',
    `    from aiobmsble.bms.${mod} import FrameAssembler, checksum_ok, decode, read_readings`,
    'except ImportError:  # the draft next to this file, before it is merged',
    `    from ${mod} import FrameAssembler, checksum_ok, decode, read_readings  # type: ignore[no-redef]`,
    '',
    '# (state, notifications as hex, expected value)',
    'RECORDED: list[tuple[str, list[str], bool | int]] = [',
    ...recorded.map((x) => `    (${pyString(x.state)}, [${x.fragments.map((b) => pyString(toHex(b))).join(', ')}], ${f.single ? (f.values[x.state] ? 'True' : 'False') : f.values[x.state]}),`),
    ']',
    '',
    '',
    '# (notifications as hex, expected readings) for frames that hold accepted readings',
    'RECORDED_READINGS: list[tuple[list[str], dict[str, float | list[float]]]] = [',
    ...readingCases(m).map(([x, want]) => `    ([${x.fragments.map((b) => pyString(toHex(b))).join(', ')}], {${Object.entries(want).map(([k, v]) => `${pyString(k)}: ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`).join(', ')}}),`),
    ']',
    '',
    '',
    'def replay(fragments: list[str]) -> list[bytes]:',
    '    asm = FrameAssembler()',
    '    return [frame for part in fragments for frame in asm.feed(bytes.fromhex(part))]',
    '',
    '',
    'def test_recorded_frames() -> None:',
    '    """Every recorded frame reassembles, verifies and decodes to its state\'s value."""',
    '    assert RECORDED',
    '    for state, fragments, expected in RECORDED:',
    '        frames = replay(fragments)',
    '        assert len(frames) == 1, (state, fragments)',
    '        assert checksum_ok(frames[0]), (state, fragments)',
    `        assert decode(frames[0]) == {${pyString(f.id)}: expected}, (state, fragments)`,
    '',
    '',
    ...(m.readings.length
      ? [
          'def test_recorded_readings() -> None:',
          '    """Every accepted reading decodes from the recorded frames to the value its rule gives."""',
          '    assert RECORDED_READINGS',
          '    for fragments, expected in RECORDED_READINGS:',
          '        frames = replay(fragments)',
          '        assert len(frames) == 1, fragments',
          '        got = read_readings(frames[0])',
          '        for name, want in expected.items():',
          '            values = got[name] if isinstance(got[name], list) else [got[name]]',
          '            wants = want if isinstance(want, list) else [want]',
          '            assert len(values) == len(wants) and all(abs(a - b) < 1e-6 for a, b in zip(values, wants)), (name, got[name], want)',
          '',
          '',
        ]
      : []),
    ...(c
      ? [
          'def test_damaged_frame_is_refused() -> None:',
          '    """A frame with the finding\'s byte changed fails its checksum and does not decode."""',
          '    _, fragments, _ = RECORDED[0]',
          '    frame = bytearray(replay(fragments)[0])',
          `    frame[${f.byte}] ^= ${hex0x(f.mask)}`,
          '    assert not checksum_ok(bytes(frame))',
          '    assert decode(bytes(frame)) is None',
          '',
          '',
        ]
      : []),
    'if __name__ == "__main__":  # runs without pytest too',
    '    test_recorded_frames()',
    ...(m.readings.length ? ['    test_recorded_readings()'] : []),
    ...(c ? ['    test_damaged_frame_is_refused()'] : []),
    '    print(f"ok: {len(RECORDED)} recorded frames decoded")',
    '',
  ];

  const doc: string[] = [
    `# ${plain(m.target)} (draft from bms-wizard)`,
    '',
    `Frames on the notify characteristic \`${plain(rx)}\` of service \`${plain(svc)}\`${m.uuids.write ? `; the app writes to \`${plain(tx)}\`` : ''}.`,
    `Frames are cut as bms-wizard learnt: \`${plain(m.ruleText)}\`${c ? `; checksum ${plain(c.algorithm.name)} from byte ${c.from}, ${c.fromEnd} byte(s) before the end` : ''}.`,
    m.family ? `The frames match the known family ${plain(m.family.name)}.` : '',
    '',
    `## Frames starting \`${m.frame.startsWith}\`${m.frame.length ? ` (${m.frame.length} bytes)` : ''}`,
    '| Value | Offset | Length | Conversion |',
    '|-------|--------|--------|------------|',
    `| ${plain(key ?? f.id)} | ${f.byte} | 1 | ${f.single ? `bit mask ${hex0x(f.mask)}: ${Object.entries(f.values).map(([s, v]) => `${v} = ${plain(s)}`).join(', ')}` : `(byte & ${hex0x(f.mask)}) >> ${f.bit}`} |`,
    '',
    `${checked} ${notChecked}`,
    '',
  ];
  return [
    { path: `aiobmsble/bms/${mod}.py`, data: py.join('\n') },
    { path: `tests/test_${mod}.py`, data: test.join('\n') },
    { path: `docs/${mod}.md`, data: doc.join('\n') },
  ];
}

function identifierOf(m: DecoderModel): string {
  const base = (m.deviceName ?? m.target).toLowerCase().replace(/[-_ ]?[0-9a-f]{3,}$/i, '').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(base) ? base.slice(0, 24) : `bms_${base.slice(0, 20) || 'draft'}`;
}
