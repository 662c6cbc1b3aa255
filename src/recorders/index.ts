// The registry of round sources: every source behind the RoundSource interface. To add one: one
// line in SOURCES with a lazy import, so that a source's heavy dependencies (noble, child
// processes) load only when it is chosen.
import type { SourceEntry } from './source.js';

export type { SourceContext, SourceEntry } from './source.js';

export const SOURCES: SourceEntry[] = [
  {
    id: 'import',
    label: 'Import capture files (btsnoop, PacketLogger, pcap/pcapng, text exports)',
    create: async (c) => new (await import('./import.js')).ImportSource({ extract: c.extract, cwd: c.cwd }),
  },
  {
    id: 'sim',
    label: 'Simulated BMS (demo)',
    hidden: true,
    create: async (c) => new (await import('./sim.js')).SimSource(c),
  },
  { id: 'adb', label: 'Android phone over USB (adb): the phone\'s HCI snoop log, cut per round', create: async (c) => new (await import('./adb.js')).AdbSource({ extract: c.extract, outDir: c.capturesDir, env: c.env }) },
  { id: 'btmon', label: 'Linux: record with btmon (BlueZ; needs root or CAP_NET_RAW)', create: async (c) => new (await import('./btmon.js')).BtmonSource({ extract: c.extract, outDir: c.capturesDir, env: c.env }) },
  { id: 'gatt', label: 'Direct GATT: the tool connects to the BMS and sends the app\'s queries itself (close the vendor app)', create: async (c) => (await import('./gatt.js')).gattSourceFor(c.session) },
  { id: 'folder', label: 'Watch a folder for each round\'s capture (PacketLogger, Wireshark)', create: async (c) => new (await import('./folder.js')).FolderSource({ extract: c.extract, cwd: c.cwd }) },
];

export function findSource(id: string): SourceEntry | undefined {
  return SOURCES.find((s) => s.id === id);
}
