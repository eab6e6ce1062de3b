/**
 * Which store the tests run on. The test command runs the store-backed tests
 * twice: on SQLite, and with XSMTP_TEST_POSTGRES set to the admin URL of a
 * private PostgreSQL it started (devtools/postgres-pass.ts). In the second
 * pass every service, CLI and fixture gets a PostgreSQL database of its own,
 * created on first use, so tests stay as independent as their SQLite files.
 */
import { createHash, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import pg from "pg";

export const TEST_POSTGRES_ENV = "XSMTP_TEST_POSTGRES";

/** The admin URL of the tests' PostgreSQL, when this is the PostgreSQL pass. */
export const testPostgres = (): string | undefined => process.env[TEST_POSTGRES_ENV] || undefined;

const created = new Set<string>();

/** The URL of database `name` on the tests' server (a valid identifier). */
function databaseUrl(admin: string, name: string): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A database for the state folder `dir`, created now if it is not there yet
 * (synchronously, with psql: the environment builders are synchronous). The
 * same folder always gets the same database, so a restarted service finds
 * its data again.
 */
export function postgresDatabaseFor(admin: string, dir: string): string {
  const name = "x" + createHash("sha256").update(dir).digest("hex").slice(0, 24);
  if (!created.has(name)) {
    const psql = (statement: string) => execFileSync("psql", [admin, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", statement], { encoding: "utf8" }).trim();
    if (psql(`SELECT 1 FROM pg_database WHERE datname = '${name}'`) !== "1") psql(`CREATE DATABASE ${name}`);
    created.add(name);
  }
  return databaseUrl(admin, name);
}

/** A new, empty database on the tests' server; answers its URL. */
export async function freshPostgresDatabase(admin: string): Promise<string> {
  const name = "t" + randomBytes(8).toString("hex");
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return databaseUrl(admin, name);
}
