// Sentences for the analysis' notes and problems (data from analyze()). The sentences are the
// same for every audience; only the names of the settings differ, so each shell passes its own
// SettingWords: `analyze` names its flags, the wizard its menu entries.
import { hex0x } from '../hex.js';
import type { AnalysisNote, AnalysisProblem, SettingName } from './types.js';

export interface SettingWords {
  /** A setting with a value: "--min-support 1", "minimum messages per state 1 (analysis settings)". */
  set(name: SettingName, value: string | number): string;
  /** A pointer to other values of these settings: "try other --frames/--key settings". */
  tryOther(names: SettingName[]): string;
  /** How to give the rounds of two states: "give --state on=… --state off=…". */
  giveStates: string;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function peerList(peers: (string | null)[]): string {
  return peers.map((p) => p ?? 'unnamed').join(', ') || 'none named';
}

export function wordNote(n: AnalysisNote, w: SettingWords): string {
  switch (n.code) {
    case 'weak-differences': {
      const e = n.example;
      return `${n.count} difference${plural(n.count, ' was', 's were')} seen in fewer than ${n.minSupport} messages of a state (e.g. ${e.group} byte ${e.byte} mask ${e.mask}) and ${plural(n.count, 'is', 'are')} not ranked: record more rounds, or rank ${plural(n.count, 'it', 'them')} with ${w.set('minSupport', n.rankWith)}`;
    }
    case 'state-without-traffic':
      return `state ${n.state} has no traffic from the device: check the captures of that state`;
    case 'state-few-rounds':
      return `state ${n.state} has only ${n.rounds} round: record at least 2 (3 is better) so that bits that merely drift can be told apart`;
    case 'key-splits-states':
      return `no group has messages in more than one state: the key splits the states apart (try ${w.set('key', 'auto')} or ${w.set('key', 'length')})`;
    case 'only-labelled-bits':
      return 'only labelled bits (checksums, counters, lengths, parts of numbers) differ between the states: the switch may not have changed, or it is not reported in this traffic';
    case 'no-bit':
      return `no bit is constant within each state and different between them: check that the switch really changed between the rounds, or ${w.tryOther(['frames', 'key'])}`;
    case 'low-support':
      return `support is low (${n.support} message${plural(n.support, '', 's')} in a state for the best candidate): record more rounds`;
    case 'equal-ranks':
      return `${n.count} candidates rank equally: a third state (or a round where only this switch changes) would separate them`;
    case 'round-left-out': {
      const why =
        n.reason === 'empty'
          ? 'it holds no ATT values'
          : n.reason === 'other-devices'
            ? `its ${n.values} value${plural(n.values, '', 's')} come${plural(n.values, 's', '')} from other devices (${peerList(n.peers)})`
            : 'the device sent nothing on the asked handle there';
      return `round ${n.state} #${n.index} is left out of the analysis: ${why}; check or redo that round`;
    }
    case 'values-left-out': {
      const parts: string[] = [];
      if (n.otherDevices) parts.push(`${n.otherDevices} value${plural(n.otherDevices, '', 's')} of other devices (${peerList(n.peers)})`);
      if (n.otherHandles) parts.push(`${n.otherHandles} value${plural(n.otherHandles, '', 's')} of the device on other handles`);
      return `left out of the analysed rounds: ${parts.join(' and ')}`;
    }
    case 'shared-input':
      return `rounds ${n.a.state} #${n.a.index} and ${n.b.state} #${n.b.index} read the same part of one capture${n.records ? ` (records #${n.records.from}..#${n.records.to})` : ''}: the switch cannot differ between them; give each window to one state only`;
    case 'near-miss':
      return `round ${n.state} #${n.index} disagrees with every other round on ${n.bits} bit${plural(n.bits, '', 's')} that would otherwise separate the states (e.g. ${n.example.group} byte ${n.example.byte} mask ${n.example.mask}): check that round (recorded in the other state? the same window given to two states?) and redo it`;
    case 'bits-together': {
      const names = n.bits.map((b) => `${b.group} byte ${b.byte} ${plural(b.bits.length, 'bit', 'bits')} ${b.bits.join('+')} (${b.mask})`);
      return `these ${n.bits.length} bits move together in every round (${names.join(', ')}): a third state, or a round where only the switch changes, can separate them`;
    }
    case 'worded':
      return n.text;
    case 'framing-close':
      return `the frames of handle ${hex0x(n.handle, 4)} (${n.dir}) were a close call: ${n.chosen} (evidence ${n.chosenScore.toFixed(2)}) against ${n.runnerUp} (${n.runnerUpScore.toFixed(2)}); if the answer looks wrong, try ${w.set('frames', n.setting)}`;
  }
}

export function wordProblem(p: AnalysisProblem, w: SettingWords): string {
  switch (p.code) {
    case 'min-agreement-range':
      return `${w.set('minAgreement', p.value)} is out of range; give a share between 0.5 (exclusive) and 1`;
    case 'min-support-whole':
      return `${w.set('minSupport', p.value)} must be a whole number of at least 1`;
    case 'too-few-states':
      return `at least two states are needed to compare (got ${p.states.length ? p.states.join(', ') : 'none'}); ${w.giveStates}`;
    case 'handle-without-values':
      return `handle ${p.handle} (${hex0x(p.handle, 4)}) carries no values of the device in these captures`;
  }
}

/** Plain names, for callers without a shell of their own (benchmarks, the error's default message). */
export const PLAIN_WORDS: SettingWords = {
  set: (name, value) => `${SETTING_TITLES[name]} ${value}`,
  tryOther: (names) => `try other settings (${names.map((n) => SETTING_TITLES[n]).join(', ')})`,
  giveStates: 'give rounds of two states',
};

/** What each setting is, in words a menu can show. */
export const SETTING_TITLES: Record<SettingName, string> = {
  frames: 'framing',
  key: 'grouping',
  minAgreement: 'minimum agreement',
  minSupport: 'minimum messages per state',
  state: 'state',
  handle: 'handle',
  device: 'device',
};
