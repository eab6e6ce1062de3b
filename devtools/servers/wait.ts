// Polling helpers for servers that start in the background.
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Resolves once a TCP connection to 127.0.0.1:port succeeds. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Polls `check` every `intervalMs` until it returns true. On timeout, throws an
 * error whose message is `describe()` (so it can include a server log).
 */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; intervalMs?: number; describe: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(options.describe());
    await sleep(options.intervalMs ?? 50);
  }
}
