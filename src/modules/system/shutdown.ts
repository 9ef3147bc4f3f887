// A clean stop on SIGTERM/SIGINT: stop accepting connections and let requests in flight finish, then
// write the batched last_used/last_seen (src/auth/activity.ts), then close the database, exit 0.
// A second signal does not start a second shutdown (it would close the database under the first).
// Requests still running after DRAIN_MS are cut off, so a stuck client cannot hold the stop forever.
import type { Logger } from "../../log";

export const DRAIN_MS = 5_000;

export type Stoppable = {
  /** Stops listening; resolves once requests in flight are answered (`force` cuts them off). */
  stopServer(force: boolean): Promise<unknown>;
  /** Background work and the final writes, in order, after the last request. */
  steps: { name: string; run: () => Promise<unknown> | void }[];
};

export function gracefulShutdown(log: Logger, target: Stoppable, exit: (code: number) => void = process.exit) {
  let stopping: Promise<void> | null = null;
  return (signal: string): Promise<void> => {
    if (stopping) {
      log.info("server.stopping_already", { signal });
      return stopping;
    }
    stopping = (async () => {
      const started = performance.now();
      log.info("server.stopping", { signal });
      let code = 0;
      const drained = target.stopServer(false).then(
        () => true,
        () => true,
      );
      const late = setTimeout(() => void target.stopServer(true).catch(() => undefined), DRAIN_MS);
      await drained;
      clearTimeout(late);
      for (const step of target.steps) {
        try {
          await step.run();
        } catch (error) {
          code = 1;
          log.error("server.stop_failed", { step: step.name, error: error instanceof Error ? error.message : String(error) });
        }
      }
      log.info("server.stopped", { signal, ms: Math.round(performance.now() - started) });
      exit(code);
    })();
    return stopping;
  };
}
