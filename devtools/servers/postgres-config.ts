// Where Debian's PostgreSQL lives, how the private cluster is made, and how
// it is tuned for tests.
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { isRoot, run } from "./process.js";

const root = "/usr/lib/postgresql";

/** Debian installs each major version in /usr/lib/postgresql/<major>/bin: the newest one. */
export async function postgresBinDir(): Promise<string> {
  const versions = (await readdir(root).catch(() => []))
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error(`no PostgreSQL server in ${root}/<version>/bin (apt-get install postgresql)`);
  return join(root, versions[0], "bin");
}

/** Command-line settings (-c name=value) for the postmaster, `extra` last; the same on every restart. */
export function postgresSettings(port: number, socketDir: string, extra: Record<string, string | number> = {}): string[] {
  const settings: Record<string, string | number> = {
    listen_addresses: "127.0.0.1",
    port,
    unix_socket_directories: socketDir,
    // Several component instances with their pools, plus the test's own clients.
    max_connections: 200,
    // Small: test data fits, and several servers can run side by side.
    shared_buffers: "16MB",
    // fsync and synchronous_commit stay on (the defaults): the tests measure
    // what a committed write survives, a kill -9 included.
  };
  return Object.entries({ ...settings, ...extra }).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
}

/** Runs a PostgreSQL binary as the postgres user when we are root (both refuse to run as root). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return isRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

/** initdb: superuser `user` with the password in `pwFile`, required on TCP; C collation, UTF-8. */
export async function initCluster(bin: string, dataDir: string, user: string, pwFile: string): Promise<void> {
  await run(...asPostgres(join(bin, "initdb"), [
    "-D", dataDir, "-U", user, `--pwfile=${pwFile}`, "--auth-host=scram-sha-256",
    // The socket sits in the temp dir, reachable only by postgres and root.
    "--auth-local=trust",
    // The environment's locale must not change how the tests sort text.
    "--no-locale", "-E", "UTF8",
    // initdb's own files need not survive a host crash; the server keeps fsync on.
    "--no-sync", "--no-instructions",
  ]));
}

/** Database names are interpolated into CREATE DATABASE and URLs: plain identifiers only. */
export function assertName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
}
