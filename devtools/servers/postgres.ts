// Starts a private PostgreSQL (Debian's postgresql package) for the store's
// tests and the benchmarks: its own cluster, made by initdb in a temp dir, on
// a free loopback port, with its Unix socket in that dir too (never
// /var/run/postgresql, where the packaged cluster lives).
//
// initdb and postgres refuse to run as root: as root, the temp dir is given to
// the postgres system user (the package creates it) and both run as that user.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.js";
import { assertName, initCluster, postgresBinDir, postgresSettings } from "./postgres-config.js";
import { readTextIfAny } from "./private-server.js";
import { chownTree, exited, isRoot, killWithChildren, processRuns, userIds } from "./process.js";
import { onTestProcessExit } from "./reaper.js";
import { portAccepts, waitFor } from "./wait.js";

export interface PostgresOptions {
  /** The database created at start (default "xsmtp"). */
  database?: string;
}

export interface PrivatePostgres {
  /** postgres://xsmtp:PASSWORD@127.0.0.1:PORT/DATABASE */
  url: string;
  port: number;
  dataDir: string;
  /** Creates another database on this server; resolves to its URL. */
  createDatabase(name: string): Promise<string>;
  /** SIGKILL to the postmaster and its backends at once, as a crash of the host would; the data stays. */
  kill(): void;
  /** Starts again on the same port and data after kill() (crash recovery runs first). */
  start(): Promise<void>;
  /** Fast shutdown, then start on the same port and data. */
  restart(): Promise<void>;
  /** Fast shutdown, wait for the exit, remove the temp dir. */
  stop(): Promise<void>;
  /** The server's log (stderr of the postmaster, every launch). */
  log(): string;
}

const USER = "xsmtp";
// Crash recovery after a kill under load replays WAL first: allow it time.
const startTimeoutMs = 30_000;
const stopTimeoutMs = 10_000;

export async function startPostgres(options: PostgresOptions = {}): Promise<PrivatePostgres> {
  const database = options.database ?? "xsmtp";
  assertName(database);
  const bin = await postgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), "xsmtp-postgres-"));
  const dataDir = join(dir, "data");
  const logPath = join(dir, "postgres.log");
  const owner = isRoot ? await userIds("postgres") : undefined;
  // A password in the URL, as in production, so a store that drops it fails here too.
  const password = randomBytes(12).toString("hex");
  const pwFile = join(dir, "password");
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  if (owner) await chownTree(dir, owner);
  await initCluster(bin, dataDir, USER, pwFile).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  await rm(pwFile);

  let child: ChildProcess | undefined;
  // Set by kill(): a new postmaster must not start before the old processes are
  // gone (the postmaster's pid file, the backends' shared memory).
  let dying: Promise<void> = Promise.resolve();
  let port = 0;
  let forget: () => void = () => {};
  const urlOf = (db: string): string => `postgres://${USER}:${password}@127.0.0.1:${port}/${db}`;
  const log = (): string => readTextIfAny(logPath);

  /** Launches the postmaster on `port`; "port-taken" if another process bound it first. */
  async function launch(): Promise<"up" | "port-taken"> {
    const logOffset = log().length;
    const out = openSync(logPath, "a");
    // Spawned as postgres directly (not through runuser): signals reach the postmaster itself.
    const proc = spawn(join(bin, "postgres"), ["-D", dataDir, ...postgresSettings(port, dir)], {
      detached: true,
      stdio: ["ignore", out, out],
      ...owner,
    });
    closeSync(out);
    child = proc;
    proc.unref();
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

  /** Fast shutdown (SIGINT: roll back sessions, checkpoint, exit); SIGKILL if it hangs. */
  async function terminate(): Promise<void> {
    const proc = child;
    if (!proc) return;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGINT");
    const timer = setTimeout(() => proc.pid && killWithChildren(proc.pid), stopTimeoutMs);
    await exited(proc);
    clearTimeout(timer);
    forget();
    child = undefined;
  }

  // A free port can be taken by another process before the postmaster binds it.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    if ((await launch()) === "up") break;
    if (attempt >= 3) throw new Error(`PostgreSQL could not bind a free port three times:\n${log()}`);
  }

  async function createDatabase(name: string): Promise<string> {
    assertName(name);
    const client = new pg.Client({ connectionString: urlOf("postgres") });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return urlOf(name);
  }

  async function startAgain(): Promise<void> {
    if (child) throw new Error("PostgreSQL is still running: kill() or restart() it");
    await dying;
    for (let attempt = 1; (await launch()) === "port-taken"; attempt++) {
      if (attempt >= 3) throw new Error(`PostgreSQL could not rebind port ${port}:\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  await createDatabase(database);
  return {
    url: urlOf(database),
    port,
    dataDir,
    createDatabase,
    kill() {
      if (!child?.pid) return;
      const proc = child;
      const pids = killWithChildren(proc.pid!);
      // Polled, not awaited on the exit event: the child is unref'd, so only a
      // timer keeps the test process alive meanwhile. The postmaster must be
      // reaped too: while a zombie, its pid file still names a live pid.
      dying = waitFor(() => proc.exitCode !== null || proc.signalCode !== null ? !pids.some(processRuns) : false, {
        timeoutMs: stopTimeoutMs,
        describe: () => `PostgreSQL processes ${pids.join(" ")} outlived SIGKILL`,
      });
      dying.catch(() => {}); // reported by start(), if it is called
      child = undefined;
    },
    start: startAgain,
    async restart() {
      await terminate();
      await startAgain();
    },
    async stop() {
      await terminate();
      forget(); // also after kill(), which leaves the exit hook to remove the dir
      await rm(dir, { recursive: true, force: true });
    },
    log,
  };
}
