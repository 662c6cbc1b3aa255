// Captures of classic Bluetooth (BR/EDR) profiles: serial ports (RFCOMM/SPP), audio, HID. Many
// older BMS speak SPP; such a capture has no BLE GATT for the tool to analyse, and must say so.
import type { ExtractCounts } from './types.js';

/** Classic profile channels (as counted by channelName) and what they carry, for the user. */
const CLASSIC: Record<string, string> = {
  RFCOMM: 'classic serial port, SPP',
  AVDTP: 'classic audio',
  AVCTP: 'classic remote control',
  'AVCTP browsing': 'classic remote control',
  BNEP: 'classic networking',
  'HID control': 'classic HID',
  'HID interrupt': 'classic HID',
  'SCO/audio': 'classic voice audio',
};

/**
 * "the capture holds 6114 RFCOMM (classic serial port, SPP) packets and no BLE GATT values;
 * bms-wizard analyses BLE GATT traffic only" — or null when the capture has ATT values or no
 * classic profile traffic (then the usual "no traffic" advice fits).
 */
export function classicOnlySentence(counts: ExtractCounts): string | null {
  if (counts.attWithValue > 0) return null;
  const seen = Object.entries(counts.otherChannels)
    .filter(([name, n]) => CLASSIC[name] !== undefined && n > 0)
    .sort((a, b) => b[1] - a[1]);
  if (seen.length === 0) return null;
  const parts = seen.map(([name, n]) => `${n} ${name} (${CLASSIC[name]})`);
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `the capture holds ${list} packets and no BLE GATT values; bms-wizard analyses BLE GATT (ATT) traffic only`;
}
