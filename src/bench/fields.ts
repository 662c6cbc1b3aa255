// Bench section: `fields` on 100 000 messages of 300 bytes with 5 readings (goal: under 2 s, linear).
import { findFields } from '../analysis/readings.js';
import { parseShownValues, type ShownValue } from '../analysis/shown.js';
import type { AttEvent, Round } from '../model.js';
import type { BenchRow, BenchSection } from './table.js';

/**
 * Ten rounds of JK02-like 300-byte frames: 16 cells (u16 le, mV) from byte 6, pack voltage u32 le at
 * 118 (mV), current i32 le at 126 (mA), temperature i16 le at 130 (0.1 °C), SoC at 141, remaining
 * capacity u32 le at 142 (mAh); each round at other values, noise elsewhere. Returns the rounds and
 * what an app would have shown in each.
 */
function makeRounds(messages: number, seed = 11): { rounds: Round[]; shown: ShownValue[][] } {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s >> 8;
  };
  const perRound = Math.ceil(messages / 10);
  const rounds: Round[] = [];
  const shown: ShownValue[][] = [];
  let made = 0;
  for (let r = 0; r < 10; r++) {
    const cells = Array.from({ length: 16 }, () => 3300 + (rnd() % 60));
    const mv = cells.reduce((a, b) => a + b, 0);
    const ma = (r % 2 ? 1 : -1) * (1000 + (rnd() % 20000));
    const t = 150 + (rnd() % 200);
    const soc = 40 + r * 5;
    const mah = 50000 + r * 3000 + (rnd() % 1000);
    const events: AttEvent[] = [];
    for (let i = 0; i < perRound && made < messages; i++, made++) {
      const f = Buffer.alloc(300);
      f.set([0x55, 0xaa, 0xeb, 0x90, 0x02, i & 0xff]);
      cells.forEach((c, k) => f.writeUInt16LE(c + ((i + k) % 3) - 1, 6 + 2 * k));
      for (let k = 38; k < 118; k++) f[k] = rnd() & 0xff;
      f.writeUInt32LE(mv, 118);
      f.writeInt32LE(ma + (i % 5) - 2, 126);
      f.writeInt16LE(t, 130);
      f[141] = soc;
      f.writeUInt32LE(mah, 142);
      for (let k = 150; k < 299; k++) f[k] = rnd() & 0xff;
      let sum = 0;
      for (let k = 0; k < 299; k++) sum += f[k]!;
      f[299] = sum & 0xff;
      events.push({ record: i + 1, t: 1_700_000_000_000_000 + i * 100_000, conn: 1, peer: 'c8:47:8c:00:00:01', dir: 'device-to-app', op: 'Handle Value Notification', opcode: 0x1b, handle: 0x12, uuid: null, value: f });
    }
    rounds.push({ state: `round${r + 1}`, index: 1, source: { kind: 'bench', files: [] }, events });
    shown.push(parseShownValues(`${(mv / 1000).toFixed(2)}V ${(ma / 1000).toFixed(1)}A ${(t / 10).toFixed(1)}C soc=${soc}% ${(mah / 1000).toFixed(1)}Ah`));
  }
  return { rounds, shown };
}

function cpuSeconds(fn: () => void): number {
  const a = process.cpuUsage();
  fn();
  const d = process.cpuUsage(a);
  return (d.user + d.system) / 1e6;
}

/** The documented place of each reading, to check the bench found them. */
const TRUTH = [118, 126, 130, 141, 142];

export const fieldsBench: BenchSection = {
  name: 'fields',
  async run({ log }): Promise<BenchRow[]> {
    const big = makeRounds(100_000);
    const half = makeRounds(50_000);
    const warm = makeRounds(2_000);
    findFields(warm.rounds, warm.shown); // warm up the JIT
    let found = 0;
    const tFull = cpuSeconds(() => {
      const res = findFields(big.rounds, big.shown);
      found = res.readings.filter((r, i) => r.candidates[0]?.offset === TRUTH[i]).length;
    });
    const tHalf = cpuSeconds(() => void findFields(half.rounds, half.shown));
    log(`fields, 100 000 messages, 5 readings: ${tFull.toFixed(2)} s CPU (${found}/5 at their place); 50 000: ${tHalf.toFixed(2)} s`);
    const ratio = tFull / tHalf;
    return [
      { section: 'fields', measure: 'fields on 100 000 messages × 300 bytes, 5 readings (CPU)', value: `${tFull.toFixed(2)} s, ${found}/5 found`, goal: '< 2 s', ok: tFull < 2 && found === 5 },
      { section: 'fields', measure: 'time ratio 100 000 / 50 000 messages', value: ratio.toFixed(2), goal: 'linear (≤ 2.5)', ok: ratio <= 2.5 },
    ];
  },
};
