// ASCII protocols (AT commands, ASCII hex): the text under the hex in the wizard, beside it in
// analyze, and a digit that changes named as such ("'1' → '3'"), not only as "bit 1 (0x02)".
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { asciiDigitChange, asciiRow, hexView, holdsText } from '../src/analysis/view.js';
import { loadCaptures } from '../src/recorders/files.js';
import { groupHexView } from '../src/wizard/view.js';
import { makeStyle } from '../src/wizard/style.js';
import { CORPUS, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';
import { runCli } from './helpers/cli.js';

const plain = makeStyle(false);

describe('asciiDigitChange', () => {
  const ack = Buffer.from('+ACK:OKFCG=0,1,1,1,1,0', 'latin1');
  it("a bit that turns an ASCII digit into another: \"'1' → '3'\" in the order of the states", () => {
    expect(asciiDigitChange({ kind: 'bit', byte: 19, mask: '0x02', values: { locked: 0, unlocked: 1 } }, ack, ['locked', 'unlocked'])).toBe("'1' → '3'");
    expect(asciiDigitChange({ kind: 'bit', byte: 19, mask: '0x02', values: { locked: 0, unlocked: 1 } }, ack, ['unlocked', 'locked'])).toBe("'3' → '1'");
    expect(asciiDigitChange({ kind: 'byte', byte: 11, mask: '0x03', values: { a: 0x30, b: 0x32 } }, ack, ['a', 'b'])).toBe("'0' → '2'");
  });
  it('nothing when a state\'s byte is not a digit (binary frames, letters, separators)', () => {
    expect(asciiDigitChange({ kind: 'bit', byte: 18, mask: '0x02', values: { a: 0, b: 1 } }, ack, ['a', 'b'])).toBeNull(); // ',' ↔ '.'
    expect(asciiDigitChange({ kind: 'bit', byte: 19, mask: '0x80', values: { a: 0, b: 1 } }, ack, ['a', 'b'])).toBeNull(); // '1' ↔ 0xb1
    expect(asciiDigitChange({ kind: 'byte', byte: 0, mask: '0xff', values: { a: 0x01, b: 0x0f } }, Buffer.from([1]), ['a', 'b'])).toBeNull();
  });
});

describe('text rows', () => {
  it('each character under its byte, dots for the others; only messages that hold text get one', () => {
    const line = { offset: 0, segments: [...Buffer.from('AT\r\n', 'latin1')].map((b, i) => ({ hex: b.toString(16).padStart(2, '0'), byte: i, mask: 0, rank: null, label: null })) };
    expect(asciiRow(line, 3)).toBe('A  T  .  .');
    expect(asciiRow(line, 4, 1)).toBe(' A   T   .   .');
    expect(holdsText(Buffer.from('+ACK:OKFCG=0,1', 'latin1').toString('hex'))).toBe(true);
    expect(holdsText('dd0300a6001d0577')).toBe(false);
  });
});

describe.skipIf(!HAVE_CORPUS)('the NovaX scooter (ASCII AT commands)', () => {
  const file = join(CORPUS, 'novax_escooter.btsnoop');
  const args = ['--state', `locked=${file}@#725..#736`, '--state', `unlocked=${file}@#1029..#1045`];

  it("analyze names the lock digit and shows the text; without colour the byte is in [brackets]", async () => {
    // 160 columns: 16 bytes a row with their text and marks beside them.
    const { code, out } = await runCli(['analyze', ...args, '--min-support', '1'], { COLUMNS: '160' });
    expect(code).toBe(0);
    expect(out).toMatch(/^ {4}16 {3}2c {2}31 {2}2c \[31\] 2c .* {2},1,1,0,1,1,0,0,2 {3}← 19:0x02 \(ASCII digit '1' → '3'\)$/m);
    expect(out).toMatch(/^ {5}0 .* {2}\+ACK:OKFCG=0,1,1$/m);
  });

  it('the wizard\'s hex view puts the text under the bytes and names the digit', async () => {
    const { rounds, context } = await loadCaptures(args.filter((_, i) => i % 2 === 1));
    const r = analyze(rounds, { minSupport: 1, learnFrom: context });
    const top = r.candidates[0]!;
    const g = r.groups.find((x) => x.id === top.group)!;
    const lines = groupHexView(g, r.candidates, ['locked', 'unlocked'], plain);
    const row = lines.findIndex((l) => /^ {6}16 /.test(l));
    expect(lines[row]).toContain('[31]');
    expect(lines[row + 1]!.trimEnd()).toBe(`${' '.repeat(9)}${[...',1,1,0,1,1,0,0,2'].map((ch) => ` ${ch}`.padEnd(4)).join('').trimEnd()}`);
    expect(lines.join('\n')).toMatch(/byte 19 = 0x31 = .*#1 bit 1: locked 0, unlocked 1 \(ASCII digit '1' → '3'\)/);
    expect(hexView(g, r.candidates).length).toBeGreaterThan(1);
  });
});

if (!HAVE_CORPUS) it.skip(SKIP_REASON, () => undefined);
