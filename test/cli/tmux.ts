// Drives the real `da` in a terminal: a tmux session of fixed size on a private socket,
// send-keys to type, capture-pane polled (with a deadline) to read the screen.
import { daBinary } from "../helpers/cli";

let sessions = 0;

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function tmux(socket: string, args: string[]): string {
  const result = Bun.spawnSync(["tmux", "-L", socket, ...args], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr.toString()}`);
  return result.stdout.toString();
}

export class Terminal {
  private static readonly open = new Set<Terminal>();

  private constructor(private readonly socket: string) {
    Terminal.open.add(this);
  }

  /** Ends every session still open (afterEach), including one left by a failed test. */
  static closeAll(): void {
    for (const terminal of [...Terminal.open]) terminal.close();
  }

  /** Runs `da args…` in a clean environment; the pane stays open and shows `[exit N]` at the end. */
  static async start(args: string[], env: Record<string, string>): Promise<Terminal> {
    const socket = `da-test-${process.pid}-${++sessions}`;
    const vars = { PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "xterm-256color", ...env };
    const command = [
      "env -i",
      ...Object.entries(vars).map(([key, value]) => quote(`${key}=${value}`)),
      ...[await daBinary(), ...args].map(quote),
      '; echo "[exit $?]"; sleep 600',
    ].join(" ");
    tmux(socket, ["new-session", "-d", "-x", "120", "-y", "40", "sh", "-c", command]);
    return new Terminal(socket);
  }

  /** The visible text; with `escapes`, also the colour/attribute escape sequences. */
  screen(escapes = false): string {
    return tmux(this.socket, ["capture-pane", "-p", ...(escapes ? ["-e"] : [])]);
  }

  /** Polls the screen until it shows `text`; fails with the screen's contents after the deadline. */
  async waitFor(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (typeof text === "string" ? screen.includes(text) : text.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${screen}`);
      await Bun.sleep(50);
    }
  }

  /** Types literal text (no key names interpreted). */
  type(text: string): void {
    tmux(this.socket, ["send-keys", "-l", text]);
  }

  /** Presses named keys: Enter, Down, Up, Escape, C-c … */
  press(...keys: string[]): void {
    tmux(this.socket, ["send-keys", ...keys]);
  }

  async exitCode(timeoutMs = 15_000): Promise<number> {
    const screen = await this.waitFor(/\[exit \d+\]/, timeoutMs);
    return Number(/\[exit (\d+)\]/.exec(screen)![1]);
  }

  close(): void {
    Terminal.open.delete(this);
    try {
      tmux(this.socket, ["kill-server"]);
    } catch {
      // already gone
    }
  }
}
