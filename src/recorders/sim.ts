// Round source of the demo: a simulated phone app talks to a simulated BMS while a simulated
// sniffer writes real capture bytes next to the session; those files then go through the real
// import (reader, ATT extraction), exactly like a user's captures.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImportSource } from './import.js';
import { slug } from './read-capture.js';
import type { RecordedRound, RoundRequest, RoundSource, SourceContext, SourceUI } from './source.js';

export const SIM_DEFAULTS = { protocol: 'jbd', seed: '7', format: 'btsnoop' } as const;

export class SimSource implements RoundSource {
  readonly id = 'sim';
  readonly label = 'Simulated BMS (demo)';
  private readonly inner: ImportSource;
  /** Recordings made so far, to name redone ones (take2, take3…) and give them their own values. */
  private takes = new Map<string, number>();
  private recordings = 0;

  constructor(private readonly ctx: SourceContext) {
    this.inner = new ImportSource({ extract: ctx.extract, cwd: ctx.cwd, hint: false });
  }

  async unavailableReason(): Promise<string | null> {
    return null;
  }

  private options(): { protocol: string; seed: number; format: string } {
    const o = this.ctx.session.source?.options ?? {};
    return { protocol: o.protocol ?? SIM_DEFAULTS.protocol, seed: Number(o.seed ?? SIM_DEFAULTS.seed), format: o.format ?? SIM_DEFAULTS.format };
  }

  /** Writes one capture holding the remaining app sessions of this state; returns its path. */
  private async capture(request: RoundRequest, ui: SourceUI): Promise<string> {
    const { protocol, seed, format } = this.options();
    const states = this.ctx.session.target.states;
    const switchOn = request.state === states[0];
    const rounds = request.roundsPerState - request.index + 1;
    const take = (this.takes.get(`${request.state}#${request.index}`) ?? 0) + 1;
    this.takes.set(`${request.state}#${request.index}`, take);
    const variant = this.recordings++;
    const progress = ui.progress(`simulated phone: restarting the app ${rounds} time${rounds === 1 ? '' : 's'} with the switch ${switchOn ? 'on' : 'off'}, sniffer recording`);
    try {
      // Every recording (each state, each redo) has its own drifting values; the device stays the same.
      const sim = this.ctx.simulate({ protocol, switchOn, rounds, seed, format, variant });
      await mkdir(this.ctx.capturesDir, { recursive: true });
      // State names come from the session file, which may have been edited: never a path piece as is.
      const file = join(this.ctx.capturesDir, `${slug(request.state)}-round${request.index}${take > 1 ? `-take${take}` : ''}${sim.extension}`);
      await writeFile(file, sim.bytes);
      progress.stop();
      ui.info(`sniffer saved ${file} (${sim.bytes.length} bytes)`);
      return file;
    } finally {
      progress.stop();
    }
  }

  async recordRound(request: RoundRequest, ui: SourceUI): Promise<RecordedRound> {
    const proxy: SourceUI = { ...ui, ask: async () => this.capture(request, ui) };
    const round = await this.inner.recordRound(request, proxy);
    return { ...round, source: { ...round.source, kind: 'sim' } };
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}
