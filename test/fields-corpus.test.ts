// `fields` on real captures with published layouts (skipped without ../shared/captures). Each round
// is one frame of the capture (a record window holding it); the values "shown" are that frame decoded
// with the published layout and rounded as the vendor apps round. The documented field must come first.
import { describe, expect, it } from 'vitest';
import { frameGroups } from '../src/analysis/analyze.js';
import { findFields, type FieldsResult } from '../src/analysis/readings.js';
import { loadCaptures } from '../src/recorders/files.js';
import { loadShownRounds } from '../src/commands/fields.js';
import { corpusFile, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';

if (!HAVE_CORPUS) console.warn(SKIP_REASON);

type Field = { offset: number; size: number; type: string; endian: 'be' | 'le' | null; scale: number; add: number };

/**
 * Rounds of `count` frames chosen from the capture (spread over it, preferring frames whose shown
 * values differ), each as the record window from the frame to the next frame of its kind.
 */
async function fieldsOnFrames(name: string, isFrame: (b: Buffer) => boolean, show: (b: Buffer) => string, count: number): Promise<{ res: FieldsResult; frames: Buffer[] }> {
  const file = corpusFile(name);
  const { rounds } = await loadCaptures([`all=${file}`]);
  const all = frameGroups(rounds)
    .groups.flatMap((g) => g.messages)
    .filter((m) => isFrame(Buffer.from(m.bytes)))
    .sort((a, b) => a.record - b.record);
  // Greedy: each next frame is the one showing most values not shown yet (a user records rounds when
  // the numbers on the screen have changed); then frames spread over the capture.
  const picked: number[] = [];
  const seen = new Set<string>();
  const shows = all.map((m) => show(Buffer.from(m.bytes)).split(' '));
  while (picked.length < count) {
    let best = -1;
    let gain = 0;
    for (let i = 0; i + 1 < all.length; i++) {
      if (picked.includes(i)) continue;
      const g = shows[i]!.filter((v, k) => !seen.has(`${k}:${v}`)).length;
      if (g > gain) [best, gain] = [i, g];
    }
    if (best < 0) break;
    picked.push(best);
    shows[best]!.forEach((v, k) => seen.add(`${k}:${v}`));
  }
  for (let i = 0; i + 1 < all.length && picked.length < count; i += Math.max(1, Math.floor(all.length / count))) if (!picked.includes(i)) picked.push(i);
  picked.sort((a, b) => a - b);
  const args = picked.map((i) => `${file}@#${all[i]!.record}..#${all[i + 1]!.record - 1}=${show(Buffer.from(all[i]!.bytes))}`);
  const { rounds: shownRounds, context, shown } = await loadShownRounds(args);
  return { res: findFields(shownRounds, shown, { learnFrom: context }), frames: picked.map((i) => Buffer.from(all[i]!.bytes)) };
}

const top = (res: FieldsResult, k: number) => res.readings[k]!.candidates[0];
const fixed = (x: number, d: number): string => x.toFixed(d);

describe.skipIf(!HAVE_CORPUS)('fields on jbd_sp04s034_l4s_200a_b_u.btsnoop (JBD basic info 0x03, cell voltages 0x04)', () => {
  // Layout: bms-tools JBD_REGISTER_MAP.md (copied in FurTrader/OverkillSolarBMS
  // Comm_Protocol_Documentation/JBD_REGISTER_MAP.md), register 0x03 "Basic Info": payload offset 0 pack
  // voltage U16 10 mV, 2 current S16 10 mA, 0x13 RSOC %, 0x17… NTC temperatures in 0.1 K (−2731); the
  // payload follows dd 03 00 len, so frame offset = payload offset + 4; big-endian. Register 0x04: cell
  // voltages U16 mV. The Xiaoxiang app shows 2 decimals for V, whole %, one decimal °C.
  const isBasic = (b: Buffer) => b[0] === 0xdd && b[1] === 0x03 && b.length === 36;
  const show = (b: Buffer) => `${fixed(b.readUInt16BE(4) / 100, 2)}V soc=${b[23]}% ${fixed((b.readUInt16BE(27) - 2731) / 10, 1)}C`;
  it('pack voltage, SoC and the first temperature are the documented fields', async () => {
    const { res } = await fieldsOnFrames('jbd_sp04s034_l4s_200a_b_u.btsnoop', isBasic, show, 3);
    const want: Field[] = [
      { offset: 4, size: 2, type: 'u16', endian: 'be', scale: 0.01, add: 0 },
      { offset: 23, size: 1, type: 'u8', endian: null, scale: 1, add: 0 },
      { offset: 27, size: 2, type: 'u16', endian: 'be', scale: 0.1, add: -273.1 },
    ];
    want.forEach((w, k) => expect(top(res, k)).toMatchObject({ ...w, prefix: expect.stringMatching(/^dd03/) }));
  });
  it('the cell array of the 0x04 frame sums to the pack voltage', async () => {
    const isCells = (b: Buffer) => b[0] === 0xdd && b[1] === 0x04 && b.length === 15;
    // The cell frame alone: its sum is the pack voltage the app shows (13.70 V in this capture).
    const { res } = await fieldsOnFrames('jbd_sp04s034_l4s_200a_b_u.btsnoop', isCells, (b) => `${fixed([4, 6, 8, 10].reduce((s, o) => s + b.readUInt16BE(o), 0) / 1000, 2)}V`, 2);
    expect(res.cells[0]).toMatchObject({ offset: 4, count: 4, type: 'u16', endian: 'be', scale: 0.001, unit: 'V' });
  });
});

describe.skipIf(!HAVE_CORPUS)('fields on jk_b1a20s15p_sw1007.btsnoop (JK02_24S cell info, discharging)', () => {
  // Layout: syssi/esphome-jk-bms components/jk_bms_ble/jk_bms_ble.cpp (decode_jk02_cell_info_, offset 0 for
  // JK02_24S): cells u16 le ×0.001 V from byte 6; 118 battery voltage u32 le ×0.001 V; 126 current
  // i32 le ×0.001 A (negative = discharging); 130/132 temperatures 1 and 2 i16 le ×0.1 °C; 141 SoC u8 %
  // (docs/protocol-design-ble.md gives the JK02_32S positions, 32 bytes later). The JK app shows V and A
  // with 2 decimals, °C with 1.
  const isCellInfo = (b: Buffer) => b.length >= 300 && b.readUInt32BE(0) === 0x55aaeb90 && b[4] === 0x02;
  const show = (b: Buffer) => `${fixed(b.readUInt32LE(118) / 1000, 2)}V ${fixed(b.readInt32LE(126) / 1000, 2)}A ${fixed(b.readInt16LE(132) / 10, 1)}C soc=${b[141]}%`;
  // Temperature 1 (25.0 °C) and SoC (97 %) are constant in this capture; temperature 2 moves (23.5/23.6).
  it('pack voltage, a negative current and temperature 2 are the documented fields; the constant SoC is at chance level', async () => {
    const { res, frames } = await fieldsOnFrames('jk_b1a20s15p_sw1007.btsnoop', isCellInfo, show, 4);
    expect(frames.every((b) => b.readInt32LE(126) < 0)).toBe(true);
    expect(top(res, 0)).toMatchObject({ offset: 118, size: 4, type: 'u32', endian: 'le', scale: 0.001, add: 0 });
    expect(top(res, 1)).toMatchObject({ offset: 126, size: 4, type: 'i32', endian: 'le', scale: 0.001, add: 0 });
    expect(top(res, 2)).toMatchObject({ offset: 132, size: 2, type: 'i16', endian: 'le', scale: 0.1, add: 0 });
    // 97 % in every frame: one constant byte among 300 is what chance gives (≈1.2 hits expected), so the
    // documented byte is not claimed as a match; it is listed among the places at chance level. (The
    // remaining capacity, u32 le ×0.001 Ah at 142, also reads 97 in every frame of this 100 Ah pack.)
    const soc = res.readings[3]!;
    expect(soc.candidates.some((c) => c.offset === 141)).toBe(false);
    expect(soc.chanceLevel[0]).toMatchObject({ offset: 141, size: 1, type: 'u8', scale: 1, add: 0 });
    expect(res.cells[0]).toMatchObject({ offset: 6, type: 'u16', endian: 'le', scale: 0.001, unit: 'V' });
  });
});

describe.skipIf(!HAVE_CORPUS)('fields on seplos_v2_1101-10E-SP76-16S.btsnoop (Seplos telemetry 0x61, charging)', () => {
  // Layout: syssi/esphome-seplos-bms components/seplos_bms/seplos_bms.cpp on_telemetry_data_: cell count,
  // then cells u16 be ×0.001 V, the temperature count, temperatures u16 be (raw − 2731) × 0.1 °C, then
  // current i16 be ×0.01 A, total voltage u16 be ×0.01 V, residual capacity, custom count, capacity,
  // SoC u16 be ×0.1 %. The BLE frame 7e 14 00 61 … holds that telemetry with the cell count (0x10 = 16) at
  // byte 9, so cells start at 10, temperatures at 43, current at 55, voltage at 57 and SoC at 64 (the 16
  // cells sum to the total voltage, which checks the alignment).
  const isTelemetry = (b: Buffer) => b.length === 116 && b.readUInt32BE(0) === 0x7e140061 && b[9] === 16;
  const show = (b: Buffer) => `${fixed(b.readUInt16BE(57) / 100, 2)}V ${fixed(b.readInt16BE(55) / 100, 2)}A ${fixed(b.readUInt16BE(64) / 10, 1)}% ${fixed((b.readUInt16BE(43) - 2731) / 10, 1)}C`;
  it('pack voltage, a positive current, SoC, temperature and the cells are the documented fields', async () => {
    const { res, frames } = await fieldsOnFrames('seplos_v2_1101-10E-SP76-16S.btsnoop', isTelemetry, show, 4);
    expect(frames.every((b) => b.readInt16BE(55) > 0)).toBe(true);
    expect(top(res, 0)).toMatchObject({ offset: 57, size: 2, type: 'u16', endian: 'be', scale: 0.01, add: 0 });
    expect(top(res, 1)).toMatchObject({ offset: 55, size: 2, type: 'i16', endian: 'be', scale: 0.01, add: 0 });
    expect(top(res, 2)).toMatchObject({ offset: 64, size: 2, type: 'u16', endian: 'be', scale: 0.1, add: 0 });
    expect(top(res, 3)).toMatchObject({ offset: 43, size: 2, type: 'u16', endian: 'be', scale: 0.1, add: -273.1 });
    expect(res.cells[0]).toMatchObject({ offset: 10, count: 16, type: 'u16', endian: 'be', scale: 0.001, unit: 'V' });
  });
});

describe.skipIf(!HAVE_CORPUS)('fields on daly_balancer_switch.btsnoop (Daly real-time registers, d2 03 7c)', () => {
  // Layout: syssi/esphome-daly-bms docs/protocol-register-map.md (D2 column): registers from 0x0000,
  // big-endian words after d2 03 <byte count>, so register r sits at byte 3 + 2r: cells 0x0000… raw ×0.001 V,
  // temperature 1 0x0020 raw − 40 °C, total voltage 0x0028 raw ×0.1 V (current 0x0029 and SoC 0x002A
  // are 0 in every frame of this capture, so they cannot be told from other zeros). The app shows the
  // voltage with one decimal and whole degrees.
  const isStatus = (b: Buffer) => b.length === 129 && b[0] === 0xd2 && b[1] === 0x03 && b[2] === 0x7c;
  const reg = (b: Buffer, r: number) => b.readUInt16BE(3 + 2 * r);
  const show = (b: Buffer) => `${fixed(reg(b, 0x28) / 10, 1)}V ${reg(b, 0x20) - 40}C`;
  it('pack voltage and the 16 cells are the documented registers (temperature 1 among equal places)', async () => {
    const { res } = await fieldsOnFrames('daly_balancer_switch.btsnoop', isStatus, show, 2);
    // Register 0x26 holds the same 533 (53.3 V) as 0x28 in every frame of this firmware: the data cannot
    // tell them apart, so both head the list with one score and the documented 0x28 is one of them.
    const volts = res.readings[0]!.candidates.slice(0, 2);
    expect(volts.map((c) => c.offset).sort()).toEqual([3 + 2 * 0x26, 3 + 2 * 0x28]);
    expect(volts[0]!.score).toBe(volts[1]!.score);
    for (const c of volts) expect(c).toMatchObject({ size: 2, type: 'u16', endian: 'be', scale: 0.1, add: 0 });
    // 28 °C is one byte 0x44 in every frame, and 0x44 also stands in registers 0x2d/0x2e (max/min
    // temperature) and elsewhere: whole degrees that never move are no evidence of place, so only
    // that the documented register is among the places found is checked.
    const temps = [...res.readings[1]!.candidates, ...res.readings[1]!.chanceLevel];
    expect(temps.some((c) => (c.offset === 3 + 2 * 0x20 && c.size === 2) || (c.offset === 4 + 2 * 0x20 && c.size === 1))).toBe(true);
    expect(res.cells[0]).toMatchObject({ offset: 3, count: 16, type: 'u16', endian: 'be', scale: 0.001, unit: 'V' });
  });
});

describe.skipIf(!HAVE_CORPUS)('fields on ant_ble16zmub.btsnoop (ANT status 7e a1 11, charging)', () => {
  // Layout: patman15/BMS_BLE-HA custom_components/bms_ble/plugins/ant_bms.py (aiobmsble's ANT plugin):
  // cell count at byte 9, cells u16 le ×0.001 V from byte 34, temperature count at byte 8, then the
  // fields moved by (temperatures + cells) × 2: voltage u16 le ×0.01 V at 38, current i16 le ×0.1 A at
  // 40, SoC u16 le % at 42. Here 2 temperatures and 16 cells: voltage at 74, current at 76. The app
  // shows V with 2 decimals and A with 1.
  const isStatus = (b: Buffer) => b.length === 152 && b[0] === 0x7e && b[1] === 0xa1 && b[2] === 0x11 && b[8] === 2 && b[9] === 16;
  const show = (b: Buffer) => `${fixed(b.readUInt16LE(74) / 100, 2)}V ${fixed(b.readInt16LE(76) / 10, 1)}A`;
  it('pack voltage, current and the 16 cells are the documented fields', async () => {
    const { res, frames } = await fieldsOnFrames('ant_ble16zmub.btsnoop', isStatus, show, 4);
    expect(new Set(frames.map((b) => b.readInt16LE(76))).size).toBeGreaterThan(1);
    expect(top(res, 0)).toMatchObject({ offset: 74, size: 2, type: 'u16', endian: 'le', scale: 0.01, add: 0 });
    expect(top(res, 1)).toMatchObject({ offset: 76, size: 2, type: 'i16', endian: 'le', scale: 0.1, add: 0 });
    expect(res.cells[0]).toMatchObject({ offset: 34, count: 16, type: 'u16', endian: 'le', scale: 0.001, unit: 'V' });
  });
});

describe.skipIf(!HAVE_CORPUS)('fields on lumentree_inverter.btsnoop (Lumentree holding registers 0–94)', () => {
  // Layout: syssi/esphome-lumentree docs/protocol-design.md, "Device Parameter Registers": register 11
  // battery voltage ÷100 V, 12 discharge current ÷100 A, 50 battery SoC %; the answer 01 03 be … holds
  // register r at byte 3 + 2r, big-endian. SoC is 98 % in every frame (one byte, chance level); the IGBT
  // temperature (register 24, (raw − 1000)/10) is not a BMS encoding and is left out.
  const isStatus = (b: Buffer) => b.length === 195 && b[0] === 0x01 && b[1] === 0x03 && b[2] === 0xbe;
  const reg = (b: Buffer, r: number) => b.readUInt16BE(3 + 2 * r);
  const show = (b: Buffer) => `${fixed(reg(b, 11) / 100, 2)}V ${fixed(((reg(b, 12) << 16) >> 16) / 100, 2)}A`;
  it('battery voltage and current are the documented registers', async () => {
    const { res } = await fieldsOnFrames('lumentree_inverter.btsnoop', isStatus, show, 4);
    expect(top(res, 0)).toMatchObject({ offset: 3 + 2 * 11, size: 2, type: 'u16', endian: 'be', scale: 0.01, add: 0 });
    expect(top(res, 1)).toMatchObject({ offset: 3 + 2 * 12, size: 2, endian: 'be', scale: 0.01, add: 0 });
  });
});
