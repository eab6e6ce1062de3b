// One PostgreSQL server process (the postmaster) over a data dir made by
// initdb: launched on a port, watched until it accepts connections, stopped
// fast, or killed together with its backends as in a crash.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import { join } from "node:path";
import { postgresSettings } from "./postgres-config.js";
import { readTextIfAny } from "./private-server.js";
import { exited, killWithChildren, processRuns } from "./process.js";
import { onTestProcessExit } from "./reaper.js";
import { portAccepts, waitFor } from "./wait.js";

export interface PostmasterPaths {
  bin: string;
  dataDir: string;
  /** The temp dir: Unix socket, log; removed by the exit hook if the test never stops the server. */
  dir: string;
  logPath: string;
  /** The postgres user's ids when we are root. */
  owner?: { uid: number; gid: number };
  /** More settings (PostgresOptions.settings). */
  settings?: Record<string, string | number>;
}

export interface Postmaster {
  /** Starts on `port`: "up" once it accepts connections, "port-taken" if another process bound the port first. */
  launch(port: number): Promise<"up" | "port-taken">;
  /** Fast shutdown (SIGINT: roll back sessions, checkpoint, exit); a kill if it hangs. */
  terminate(): Promise<void>;
  /** SIGKILL to the postmaster and its backends; the data stays. */
  kill(): void;
  /** Forgets the exit hook (after stop: nothing left to kill or remove). */
  forget(): void;
}

// Crash recovery after a kill under load replays WAL first: allow it time.
const startTimeoutMs = 30_000;
const stopTimeoutMs = 10_000;

export function postmaster(paths: PostmasterPaths): Postmaster {
  const { bin, dataDir, dir, logPath, owner, settings } = paths;
  let child: ChildProcess | undefined;
  // Set by kill(): a new postmaster must not start before the old processes are
  // gone (the postmaster's pid file, the backends' shared memory).
  let dying: Promise<void> = Promise.resolve();
  let forget: () => void = () => {};
  const log = (): string => readTextIfAny(logPath);

  async function launch(port: number): Promise<"up" | "port-taken"> {
    if (child) throw new Error("PostgreSQL is still running: kill() or restart() it");
    await dying;
    const logOffset = log().length;
    const out = openSync(logPath, "a");
    // Spawned as postgres directly (not through runuser): signals reach the postmaster itself.
    const proc = spawn(join(bin, "postgres"), ["-D", dataDir, ...postgresSettings(port, dir, settings)], {
      detached: true,
      stdio: ["ignore", out, out],
      ...owner,
    });
    closeSync(out);
    child = proc;
    proc.unref(); // the exit hook below ends it if a test forgets stop()
    forget();
    forget = onTestProcessExit(() => {
      if (proc.pid) killWithChildren(proc.pid);
      rmSync(dir, { recursive: true, force: true });
    });
    const gone = (): boolean => proc.exitCode !== null || proc.signalCode !== null;
    await waitFor(
      async () => gone() || (log().slice(logOffset).includes("ready to accept connections") && (await portAccepts(port))),
      { timeoutMs: startTimeoutMs, describe: () => `PostgreSQL did not come up within ${startTimeoutMs} ms in ${dir}:\n${log()}` },
    ).catch(async (error: unknown) => {
      await terminate();
      throw error;
    });
    if (!gone()) return "up";
    child = undefined;
    if (log().slice(logOffset).includes("could not bind IPv4 address")) return "port-taken";
    throw new Error(`PostgreSQL exited during startup (code ${proc.exitCode}):\n${log()}`);
  }

  async function terminate(): Promise<void> {
    const proc = child;
    if (!proc) return;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGINT");
    const timer = setTimeout(() => proc.pid && killWithChildren(proc.pid), stopTimeoutMs);
    await exited(proc);
    clearTimeout(timer);
    child = undefined;
  }

  function kill(): void {
    const proc = child;
    if (!proc?.pid) return;
    const pids = killWithChildren(proc.pid);
    // Polled, not awaited on the exit event: the child is unref'd, so only a
    // timer keeps the test process alive meanwhile. The postmaster must be
    // reaped too: while a zombie, its pid file still names a live pid.
    dying = waitFor(() => (proc.exitCode !== null || proc.signalCode !== null ? !pids.some(processRuns) : false), {
      timeoutMs: stopTimeoutMs,
      describe: () => `PostgreSQL processes ${pids.join(" ")} outlived SIGKILL`,
    });
    dying.catch(() => {}); // reported by the next launch, if there is one
    child = undefined;
  }

  return { launch, terminate, kill, forget: () => forget() };
}
