// A pseudo-terminal for end-to-end tests: the built CLI runs inside tmux (120×40) and is answered by
// keys. Tests skip with a message when tmux is absent (CI installs it).
import { execFileSync, spawnSync } from 'node:child_process';

export const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Tmux {
  private readonly socket = `bmsw-pty-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private run(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Starts `command` in `cwd` in a new window; the shell prints EXIT=code when it ends. */
  start(name: string, cwd: string, command: string, env: Record<string, string> = {}, size: { columns: number; rows: number } = { columns: 120, rows: 40 }): void {
    const vars = Object.entries({ TERM: 'xterm-256color', ...env }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
    this.run('new-session', '-d', '-s', name, '-x', String(size.columns), '-y', String(size.rows), `cd ${quote(cwd)} && env -u CI ${vars} ${command}; echo EXIT=$?; sleep 600`);
  }

  /** The window's text (with `escapes`: its colour and attribute codes too). */
  screen(name: string, escapes = false): string {
    return this.run('capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-t', name, '-S', '-3000');
  }

  keys(name: string, keys: string[]): void {
    for (const k of keys) this.run('send-keys', '-t', name, ...(k.startsWith('literal:') ? ['-l', k.slice(8)] : [k]));
  }

  /**
   * Answers prompts until EXIT= shows. A prompt waits when the screen has been still for a moment
   * and its last "? …" line is on it; `answers` maps that question to keys (the first matching
   * entry), anything else gets Enter (the default). Returns the exit code, the screen and the
   * questions in the order they were asked.
   */
  async drive(name: string, answers: Array<[RegExp, string[]]>, limitMs = 120_000): Promise<{ code: number; text: string; asked: string[] }> {
    const asked: string[] = [];
    const began = Date.now();
    let prev = '';
    let since = Date.now();
    while (Date.now() - began < limitMs) {
      const text = this.screen(name);
      const exit = /EXIT=(\d+)/.exec(text);
      if (exit) return { code: Number(exit[1]), text, asked };
      if (text !== prev) {
        prev = text;
        since = Date.now();
      } else if (Date.now() - since > 400) {
        const question = text.split('\n').filter((l) => /^\? /.test(l)).pop();
        if (question) {
          asked.push(question);
          const answer = answers.find(([re]) => re.test(question));
          this.keys(name, answer ? answer[1] : ['Enter']);
          const sent = Date.now();
          while (this.screen(name) === text && Date.now() - sent < 5000) await sleep(50);
          continue;
        }
      }
      await sleep(100);
    }
    throw new Error(`tmux run did not end within ${limitMs} ms. Screen:\n${this.screen(name)}`);
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}

function quote(s: string): string {
  return /^[\w./:@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
