// Classic Bluetooth (BR/EDR: RFCOMM/SPP, audio) captures hold no BLE GATT: every door says so in
// one sentence instead of "0 of 0 events" or "was the capture running?".
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { classicOnlySentence } from '../src/hci/classic.js';
import type { ExtractCounts } from '../src/hci/types.js';
import { ImportSource } from '../src/recorders/import.js';
import { realEngine } from '../src/wizard/engine.js';
import { CORPUS, HAVE_CORPUS, SKIP_REASON } from './helpers/capture-corpus.js';
import { runCli } from './helpers/cli.js';

const counts = (otherChannels: Record<string, number>, attWithValue = 0): ExtractCounts => ({
  packets: 1, hciCommands: 0, hciEvents: 0, acl: 1, att: attWithValue, attWithValue, otherChannels, encrypted: 0, badCrc: 0, orphanFragments: 0,
});

describe('classicOnlySentence', () => {
  it('names the classic channels with their counts, largest first, and that only BLE GATT is analysed', () => {
    const s = classicOnlySentence(counts({ 'L2CAP signalling': 10, SDP: 2, RFCOMM: 296, AVDTP: 4 }))!;
    expect(s).toBe('the capture holds 296 RFCOMM (classic serial port, SPP) and 4 AVDTP (classic audio) packets and no BLE GATT values; bms-wizard analyses BLE GATT (ATT) traffic only');
  });
  it('says nothing when the capture has ATT values, or no classic profile traffic', () => {
    expect(classicOnlySentence(counts({ RFCOMM: 296 }, 5))).toBeNull();
    expect(classicOnlySentence(counts({ 'L2CAP signalling': 3, SMP: 2 }))).toBeNull();
    expect(classicOnlySentence(counts({}))).toBeNull();
  });
});

describe.skipIf(!HAVE_CORPUS)('classic serial captures from the corpus', () => {
  const ant = join(CORPUS, 'ant_model2019_ant24c_rfcomm.btsnoop');
  const leaf = join(CORPUS, 'nissanleaf_leafspy_elm327_rfcomm.btsnoop');

  it('inspect and inspect --summary say the capture is classic serial, not BLE GATT (exit 0: the file is fine)', async () => {
    for (const argv of [[leaf], ['--summary', leaf]]) {
      const { code, err } = await runCli(['inspect', ...argv]);
      expect(code).toBe(0);
      expect(err).toMatch(/nissanleaf_leafspy_elm327_rfcomm\.btsnoop: the capture holds 6114 RFCOMM \(classic serial port, SPP\) packets and no BLE GATT values; bms-wizard analyses BLE GATT \(ATT\) traffic only\n$/);
    }
  });

  it('analyze refuses it in one sentence, exit 2', async () => {
    const { code, out, err } = await runCli(['analyze', '--state', `on=${ant}`, '--state', `off=${leaf}`]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/ant_model2019_ant24c_rfcomm\.btsnoop: the capture holds 296 RFCOMM .* packets and no BLE GATT values/);
  });

  it("the wizard's import refuses it with the same sentence (the wizard then asks again)", async () => {
    const src = new ImportSource({ extract: realEngine.extract, cwd: CORPUS });
    const ui = { info() {}, warn() {}, confirm: async () => false, ask: async () => ant, waitForUser: async () => {}, progress: () => ({ update() {}, stop() {} }) };
    const err = await src.recordRound({ state: 'on', index: 1, roundsPerState: 2, device: null, previous: [] }, ui).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/RFCOMM \(classic serial port, SPP\) packets and no BLE GATT values/);
  });
});

if (!HAVE_CORPUS) it.skip(SKIP_REASON, () => undefined);
