// A live source of rounds (file import, adb, btmon, watched folder, direct GATT).
// Sources never touch the terminal: the wizard hands them a SourceUI.
import type { ExtractFile } from '../hci/extract-file.js';
import type { AttEvent, Connection, GattService, SourceInfo } from '../model.js';
import type { SimulateAppCapture } from '../sim/app-capture.js';
import type { Session } from '../session/schema.js';

/** What the wizard lets a source do on screen. */
export interface SourceUI {
  /** A line of information or instruction for the user. */
  info(message: string): void;
  warn(message: string): void;
  /** Yes/no question; with --yes it returns the default. */
  confirm(message: string, defaultAnswer: boolean): Promise<boolean>;
  /** Free text answer (a path, a hex command…); with --yes it returns the default. */
  ask(message: string, defaultAnswer?: string): Promise<string>;
  /** Waits until the user says they are done (Enter); with --yes it returns at once. */
  waitForUser(message: string): Promise<void>;
  /** Progress for something slow; stop it before asking anything. */
  progress(text: string): { update(text: string): void; stop(finalText?: string): void };
}

export interface RoundRequest {
  state: string;
  /** 1-based round number within the state. */
  index: number;
  roundsPerState: number;
  /** Device address when known, to filter and to connect to. */
  device: string | null;
  /** Sources of the rounds already kept for this state (an importer does not use a file's connection twice). */
  previous?: SourceInfo[];
}

export interface RecordedRound {
  source: SourceInfo;
  /** Every ATT event of the recording (the wizard keeps only the device's). */
  events: AttEvent[];
  connections: Connection[];
  /** Problems worth showing (truncated capture, clock offset guessed…). */
  warnings: string[];
  /** GATT table seen in the recording (capture discovery or live exploration), when any. */
  gatt?: GattService[];
}

export interface RoundSource {
  /** Stable id stored in the session: 'import', 'adb', 'btmon', 'folder', 'gatt'. */
  id: string;
  /** Shown in the wizard's list of sources. */
  label: string;
  /** null when usable here, else one sentence saying why not and what to do. */
  unavailableReason(): Promise<string | null>;
  /** Records (or imports) one round. Throws InputError with a clear message on failure. */
  recordRound(request: RoundRequest, ui: SourceUI): Promise<RecordedRound>;
  /** Releases processes, connections and temporary files. Safe to call twice. */
  close(): Promise<void>;
}

/** What a source may use when it is created. */
export interface SourceContext {
  /** The door from a capture file to events (hci/extract-file, or a test's own). */
  extract: ExtractFile;
  /** The simulated app + sniffer (the demo's source). */
  simulate: SimulateAppCapture;
  session: Session;
  /** Folder for files the source writes (next to the session file). */
  capturesDir: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface SourceEntry {
  id: string;
  label: string;
  /** Not offered in the list (the demo's simulator); still used when a session names it. */
  hidden?: boolean;
  create(ctx: SourceContext): Promise<RoundSource>;
}
