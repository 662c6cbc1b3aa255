// Text captures with pathological lines: runs of thousands of spaces and lines of tens of
// thousands of hex tokens, placed into each text reader's own lines (fixed seed, bounded budget).
// Each case runs in a worker with a hang guard: every reader parses such lines in linear time and
// ends in packets or one located error (the cases named below took from 8 s to hours before).
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusFile, HAVE_CORPUS } from './helpers/capture-corpus.js';
import { ensureDist } from './helpers/dist.js';
import { type Case, prng, runCases, wrong } from './helpers/fuzz-cases.js';

beforeAll(() => ensureDist(), 180_000);

const sp = (n: number): string => ' '.repeat(n);
const PL_ATT = 'Nov 12 13:46:21.626  ATT Receive      0x0055  00:00:00:00:00:00  Handle Value Notification - Handle:0x0012 - Value: D203 0414 0306 00EE AE  ';
const WS_HEAD = 'No.     Time           Source                Destination           Info\n    476 48.209799      a b Rcvd x\n\nFrame 476: 12 bytes on wire (96 bits), 12 bytes captured (96 bits)\n';
const HEXLINES = '+ 0.465628 <- 33353030303030303030303030304130\n+ 0.495326 <- 393230313030334630303633\n';
const NRF = 'nRF Connect, 2024-01-02\nBMS\nV\t10:00:00.000\tConnecting to 00:11:22:33:44:55\nI\t10:00:00.100\tNotification received from ff01, value: (0x) 01-02\n';

/** Text of one of each text format, small and valid, to plant long runs into. */
const SEEDS: Array<{ name: string; text: string }> = [
  { name: 'packetlogger', text: `${PL_ATT}\n${PL_ATT.replace('Receive', 'Send   ').replace('Handle Value Notification', 'Write Command')}\n` },
  { name: 'wireshark', text: `${WS_HEAD}\n0000  02 02 20 07 00 03 00 04 00 02 f7 00               .. .........\n` },
  { name: 'hexdump', text: '0000  02 02 20 07 00 03 00 04  00 02 f7 00   .. .........\n0010  01 02\n' },
  { name: 'hexlines', text: HEXLINES },
  { name: 'nrfconnect', text: NRF },
];

/** What is planted: long space runs, long token runs (one and two spaces apart), long dash runs. */
const RUNS = [sp(5000), sp(50_000), '00 '.repeat(80_000), '41  '.repeat(40_000), ' - '.repeat(20_000), '\t'.repeat(20_000), `[${sp(5000)}`, `(${sp(5000)}`];

/** Every seed with each run planted at random places of random lines (fixed seed). */
function planted(perRun: number): Case[] {
  const rand = prng(4242);
  const cases: Case[] = [];
  for (const seed of SEEDS) {
    const lines = seed.text.split('\n');
    for (const [r, run] of RUNS.entries()) {
      for (let i = 0; i < perRun; i++) {
        const l = rand(Math.max(1, lines.length - 1));
        const at = rand(lines[l]!.length + 1);
        const copy = [...lines];
        copy[l] = copy[l]!.slice(0, at) + run + copy[l]!.slice(at);
        cases.push({ label: `${seed.name}: run #${r} (${run.length} chars) planted in line ${l + 1} at ${at}`, bytes: Buffer.from(copy.join('\n')) });
      }
    }
  }
  return cases;
}

describe('text readers read pathological lines in linear time', () => {
  it('a PacketLogger L2CAP line with 5 000 spaces in its brackets, ATT fields 50 000 spaces apart', async () => {
    const cases: Case[] = [
      { label: 'l2cap brackets', bytes: Buffer.from(`${PL_ATT}\nNov 12 13:46:21.626  L2CAP Receive  0x0055  00:00:00:00:00:00  Channel ID: 0x0004  Length: 0x0010 [${sp(5000)}x\n`) },
      { label: 'att fields', bytes: Buffer.from(`${PL_ATT}\nNov 12 13:46:21.626  ATT Receive      0x0055  00:00:00:00:00:00  Handle Value Notification ${sp(50_000)}x\n`) },
    ];
    const outcomes = await runCases(cases);
    expect(cases.map((c, i) => wrong(c, outcomes[i], 0)).filter(Boolean)).toEqual([]);
    for (const o of outcomes) expect(o.format).toBe('packetlogger-text');
    expect(outcomes[0]!.packets).toBe(1);
  }, 60_000);

  it('a Wireshark text line of 200 000 spaces between two words', async () => {
    const c: Case = { label: 'wireshark spaces', bytes: Buffer.from(`${WS_HEAD}x${sp(200_000)}y\n`) };
    const [o] = await runCases([c]);
    expect(wrong(c, o, 0)).toBeNull();
    expect(o!.format).toBe('wireshark-text');
  }, 60_000);

  it('a hex dump line of 80 000 tokens, two spaces apart (no ASCII column)', async () => {
    const c: Case = { label: 'dump tokens', bytes: Buffer.from(`0000  ${'41  '.repeat(80_000)}\n`) };
    const [o] = await runCases([c]);
    expect(wrong(c, o, 0)).toBeNull();
    expect(o!.format).toBe('hexdump-text');
  }, 60_000);

  it(`every text format with ${RUNS.length} kinds of long runs planted at 4 random places each (seed 4242): no hang, no exception`, async () => {
    const cases = planted(4);
    const outcomes = await runCases(cases);
    expect(cases.map((c, i) => wrong(c, outcomes[i], c.bytes!.length)).filter(Boolean).slice(0, 8)).toEqual([]);
  }, 300_000);

  it.skipIf(!HAVE_CORPUS)('the corpus text files with a 20 000-space run planted in 12 lines each (seed 77)', async () => {
    const names = ['daly_dsg_onoff.packetlogger.txt', 'novax_escooter_OnlyLocking.wireshark.txt', 'ecoflow_delta2_labelled_hexdumps.txt', 'smartbottle_M1_nrfconnect_EXCERPT.txt', 'lumentree_inverter.annotated.txt'].filter((n) => existsSync(corpusFile(n)));
    const rand = prng(77);
    const cases: Case[] = [];
    for (const name of names) {
      const lines = readFileSync(corpusFile(name), 'utf8').split('\n');
      for (let i = 0; i < 12; i++) {
        const l = rand(lines.length);
        const at = rand(lines[l]!.length + 1);
        const copy = [...lines];
        copy[l] = copy[l]!.slice(0, at) + sp(20_000) + copy[l]!.slice(at);
        cases.push({ label: `${name} line ${l + 1} at ${at}`, bytes: Buffer.from(copy.join('\n')) });
      }
    }
    const outcomes = await runCases(cases);
    expect(cases.map((c, i) => wrong(c, outcomes[i], c.bytes!.length)).filter(Boolean).slice(0, 8)).toEqual([]);
  }, 300_000);
});
