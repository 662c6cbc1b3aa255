// Round source: a watched folder. PacketLogger (macOS/iOS) and Wireshark users save each round's
// capture by hand; we wait for a new file to appear (fs.watch, with polling as a fallback because
// watch events are unreliable on network and some macOS folders), wait until it stops growing,
// show what it is and use it once the user confirms.
import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { detectFormat, HEAD_BYTES } from '../capture/read.js';
import { CaptureError, InputError } from '../errors.js';
import type { ExtractFile } from '../hci/extract-file.js';
import type { RecordedRound, RoundRequest, RoundSource, SourceUI } from './source.js';
import { visible } from '../text-safe.js';

export interface FolderOptions {
  extract: ExtractFile;
  /** Folder to watch; default: asked, proposing the Downloads folder. */
  folder?: string;
  cwd?: string;
  /** Polling interval (ms). Default 1000. */
  pollMs?: number;
  /** The size must stay the same this long (ms) before the file is used. Default 2000. */
  stableMs?: number;
  /** Give up waiting after this long (ms). Default 30 minutes. */
  timeoutMs?: number;
}

/** The user's Downloads folder (XDG_DOWNLOAD_DIR when set). */
export function defaultDownloads(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DOWNLOAD_DIR;
  return xdg ? xdg.replace(/^\$HOME/, homedir()) : join(homedir(), 'Downloads');
}

/** Names that are still being written by a browser or an editor, or are hidden. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || /\.(crdownload|part|partial|download|tmp|swp)$/i.test(name);
}

type Snapshot = Map<string, string>;

async function snapshot(dir: string): Promise<Snapshot> {
  const map: Snapshot = new Map();
  for (const name of await readdir(dir)) {
    const st = await stat(join(dir, name)).catch(() => null);
    if (st?.isFile()) map.set(name, `${st.size}:${st.mtimeMs}`);
  }
  return map;
}

/** Waits for a file that is not in `known` (or changed since), then for its size to settle. */
export async function waitForNewFile(dir: string, known: Snapshot, o: { pollMs: number; stableMs: number; timeoutMs: number }): Promise<string> {
  const found = await new Promise<string>((resolveFound, reject) => {
    let watcher: FSWatcher | null = null;
    let busy = false;
    let done = false;
    const finish = (err: Error | null, path?: string): void => {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(timer);
      watcher?.close();
      if (err) reject(err);
      else resolveFound(path!);
    };
    const check = async (): Promise<void> => {
      if (busy || done) return;
      busy = true;
      try {
        for (const name of await readdir(dir)) {
          if (ignored(name)) continue;
          const st = await stat(join(dir, name)).catch(() => null);
          if (!st?.isFile() || st.size === 0) continue;
          if (known.get(name) !== `${st.size}:${st.mtimeMs}`) return finish(null, join(dir, name));
        }
      } catch (e) {
        finish(new InputError(`the folder ${dir} cannot be read any more (${(e as Error).message})`));
      } finally {
        busy = false;
      }
    };
    const poll = setInterval(() => void check(), o.pollMs);
    const timer = setTimeout(
      () => finish(new InputError(`no new capture file appeared in ${dir} within ${Math.round(o.timeoutMs / 60000)} minutes: save the capture there, or choose the import source`)),
      o.timeoutMs,
    );
    try {
      watcher = watch(dir, () => void check());
      watcher.on('error', () => watcher?.close());
    } catch {
      // Polling alone will do.
    }
    void check();
  });
  // Wait until the size has not changed for stableMs (the app may still be writing it).
  let last = -1;
  let since = Date.now();
  for (;;) {
    const size = await stat(found).then((s) => s.size, () => -1);
    if (size !== last) {
      last = size;
      since = Date.now();
    } else if (Date.now() - since >= o.stableMs) return found;
    await new Promise((r) => setTimeout(r, Math.min(o.pollMs, o.stableMs)));
  }
}

/** The capture format of a file by its content, or null with the reason. */
async function describeFormat(path: string): Promise<{ format: string | null; why: string }> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(head, 0, HEAD_BYTES, 0);
    const f = detectFormat(head.subarray(0, bytesRead));
    return { format: f.name, why: '' };
  } catch (e) {
    if (e instanceof CaptureError) return { format: null, why: e.problem };
    throw e;
  } finally {
    await fh.close();
  }
}

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`;
}

export class FolderSource implements RoundSource {
  readonly id = 'folder';
  readonly label = 'Watch a folder for each round\'s capture (PacketLogger, Wireshark: save there by hand)';
  private folder: string | null;

  constructor(private readonly opts: FolderOptions) {
    this.folder = opts.folder ? resolve(opts.cwd ?? process.cwd(), opts.folder) : null;
  }

  async unavailableReason(): Promise<string | null> {
    return null;
  }

  private async chooseFolder(ui: SourceUI): Promise<string> {
    if (!this.folder) {
      const answer = (await ui.ask('Folder to watch for new capture files', defaultDownloads())).trim();
      this.folder = resolve(this.opts.cwd ?? process.cwd(), answer.replace(/^~(?=\/|$)/, homedir()));
    }
    const st = await stat(this.folder).catch(() => null);
    if (!st?.isDirectory()) {
      const bad = this.folder;
      this.folder = null;
      throw new InputError(`${bad} is not a folder: give an existing folder to watch`);
    }
    return this.folder;
  }

  async recordRound(request: RoundRequest, ui: SourceUI): Promise<RecordedRound> {
    const dir = await this.chooseFolder(ui);
    const known = await snapshot(dir);
    ui.info(
      `Round ${request.index} of ${request.roundsPerState} for "${request.state}": record it (PacketLogger, Wireshark…), then save the capture into ${visible(dir)}.`,
    );
    const o = { pollMs: this.opts.pollMs ?? 1000, stableMs: this.opts.stableMs ?? 2000, timeoutMs: this.opts.timeoutMs ?? 30 * 60_000 };
    for (;;) {
      const spinner = ui.progress(`Waiting for a new capture file in ${visible(dir)}…`);
      let path: string;
      try {
        path = await waitForNewFile(dir, known, o);
      } catch (e) {
        spinner.stop();
        throw e;
      }
      // A file may vanish between being seen and being read (a temporary file of the app).
      const st = await stat(path).catch(() => null);
      const described = st?.isFile() ? await describeFormat(path).catch(() => null) : null;
      const name = visible(basename(path));
      if (!st || !described) {
        spinner.stop();
        known.delete(basename(path));
        ui.warn(`${name} appeared and was gone (or unreadable) before it could be read; still waiting for a capture.`);
        continue;
      }
      known.set(basename(path), `${st.size}:${st.mtimeMs}`);
      const { format, why } = described;
      spinner.stop(`New file: ${name} (${sizeText(st.size)}, ${format ?? 'not a capture'})`);
      if (!format) {
        ui.warn(`${name} is not a capture this tool reads (${why}); still waiting for one.`);
        continue;
      }
      if (!(await ui.confirm(`Use ${name} for round ${request.index} of "${request.state}"?`, true))) continue;
      const x = await this.opts.extract(path);
      const warnings = [...x.warnings];
      if (x.events.length === 0) warnings.push(`${name} holds no ATT traffic: was it recorded while the app talked to the BMS?`);
      return {
        source: { kind: 'folder', files: [{ path, sha256: x.capture.sha256! }], note: `watched folder ${dir}: ${format}` },
        events: x.events,
        connections: x.result.connections,
        warnings,
      };
    }
  }

  async close(): Promise<void> {
    // Each wait ends with its round: nothing is left running.
  }
}
