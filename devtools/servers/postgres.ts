// Starts a private PostgreSQL (Debian's postgresql package) for the store's
// tests and the benchmarks: its own cluster, made by initdb in a temp dir, on
// a free loopback port, with its Unix socket in that dir too (never
// /var/run/postgresql, where the packaged cluster lives).
//
// initdb and postgres refuse to run as root: as root, the temp dir is given to
// the postgres system user (the package creates it) and both run as that user.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { freePort } from "./free-port.js";
import { assertName, initCluster, postgresBinDir } from "./postgres-config.js";
import { postmaster } from "./postmaster.js";
import { readTextIfAny } from "./private-server.js";
import { chownTree, isRoot, userIds } from "./process.js";

export interface PostgresOptions {
  /** The database created at start (default "xsmtp"). */
  database?: string;
  /**
   * More server settings, e.g. the cluster bench's
   * shared_preload_libraries = pg_stat_statements (what each statement costs).
   */
  settings?: Record<string, string | number>;
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

  const server = postmaster({ bin, dataDir, dir, logPath, owner, settings: options.settings });
  let port = 0;
  const urlOf = (db: string): string => `postgres://${USER}:${password}@127.0.0.1:${port}/${db}`;
  const log = (): string => readTextIfAny(logPath);

  // A free port can be taken by another process before the postmaster binds it.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    if ((await server.launch(port)) === "up") break;
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
    // The port was ours a moment ago; give the kernel a beat if rebinding races.
    for (let attempt = 1; (await server.launch(port)) === "port-taken"; attempt++) {
      if (attempt >= 3) throw new Error(`PostgreSQL could not rebind port ${port}:\n${log()}`);
      await sleep(200);
    }
  }

  async function stop(): Promise<void> {
    await server.terminate();
    server.forget(); // also after kill(), which leaves the exit hook to remove the dir
    await rm(dir, { recursive: true, force: true });
  }

  await createDatabase(database).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return {
    url: urlOf(database),
    port,
    dataDir,
    createDatabase,
    kill: server.kill,
    start: startAgain,
    async restart() {
      await server.terminate();
      await startAgain();
    },
    stop,
    log,
  };
}
