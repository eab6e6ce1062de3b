/**
 * Backup and restore of the PostgreSQL store with PostgreSQL's own tools:
 * pg_dump takes one REPEATABLE READ snapshot, so the dump is consistent
 * while every instance keeps writing; pg_restore replaces the schema in one
 * transaction. The password goes to them through PGPASSWORD, never on a
 * command line (where `ps` would show it), and never into a message.
 *
 * References: postgresql.org/docs/15/app-pgdump.html, app-pgrestore.html.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { loadPostgresMigrations } from "../store/pg-migrate.js";
import type { StoreEngine } from "./store-engine.js";

const run = promisify(execFile);
/** What a restore's own connection calls itself, so that it does not count as a running service. */
const APPLICATION = "xsmtp-restore";

/** The URL without its password, and the password apart. */
function split(url: string): { url: string; password?: string } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = "";
  return { url: parsed.toString(), password };
}

export function postgresEngine(database: string): StoreEngine {
  const { url, password } = split(database);
  const env = { ...process.env, ...(password === undefined ? {} : { PGPASSWORD: password }), PGAPPNAME: APPLICATION };
  const tool = async (name: string, args: string[]) => {
    try {
      await run(name, args, { env, maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const e = err as { code?: string; stderr?: string };
      if (e.code === "ENOENT") throw new Error(`${name} is not installed (Debian: postgresql-client)`);
      throw new Error(`${name} failed: ${(e.stderr ?? "").trim().split("\n").slice(-3).join(" ")}`);
    }
  };
  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: database, application_name: APPLICATION });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const schemaVersion = (client: pg.Client) =>
    client
      .query<{ version: number }>("SELECT version FROM xsmtp_schema")
      .then((r) => r.rows[0]?.version ?? 0)
      .catch(() => 0);

  return {
    name: "postgres",
    fileName: "store.pgdump",
    knownSchemaVersion: () => loadPostgresMigrations().length,
    exists: () => withClient(async (client) => (await schemaVersion(client)) > 0),

    async backupStore(dest) {
      const version = await withClient(schemaVersion);
      await tool("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", dest, "--dbname", url]);
      return { schemaVersion: version };
    },

    // Every instance's pool calls itself "xsmtp" (store/postgres-sql.ts).
    inUse: () =>
      withClient(async (client) => {
        const r = await client.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'xsmtp' AND pid <> pg_backend_pid()",
        );
        return r.rows[0]!.n > 0;
      }),

    hasData: () =>
      withClient(async (client) => {
        const r = await client.query<{ any: boolean }>(
          `SELECT to_regclass('users') IS NOT NULL AND (EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM progress_nodes)) AS any`,
        ).catch(() => ({ rows: [{ any: false }] }));
        return r.rows[0]!.any;
      }),

    async restoreStore(src) {
      await tool("pg_restore", ["--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges", "--dbname", url, src]);
    },
  };
}
