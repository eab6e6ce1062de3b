/**
 * The environment `xsmtp run` and `xsmtp user` read, built in one place for
 * the demo, the benchmark and the tests: each used to spell out the same
 * XSMTP_* variables, and a variable added to the service would have had to be
 * added to all of them.
 */
import { join } from "node:path";
import { postgresDatabaseFor, testPostgres } from "./test-database.js";

/** The component's JID in every private setup (the example configs' Component name). */
export const COMPONENT_DOMAIN = "xsmtp.example.org";

/** The one admin the tests' command checks expect. */
export const TEST_ADMIN = "admin@example.org";

/**
 * Far above any load we generate: the per-domain verify limit (default
 * 600/min) protects production from one verifier, but under load one domain
 * is the whole traffic on purpose.
 */
export const UNLIMITED_VERIFY_RATE = "1000000000";

export interface XsmtpEnvOptions {
  /** The server's component port; leave out when nothing will connect (a placeholder port 1 is used). */
  componentPort?: number;
  /** The component secret (default "unused", for runs that never connect). */
  secret?: string;
  /** A folder for the database and master key (see stateFiles); leave out to keep the service's defaults. */
  stateDir?: string;
  /** Keep the state folder on SQLite even in the tests' PostgreSQL pass (tests of what only SQLite has). */
  sqlite?: boolean;
  /** Comma-separated admin JIDs; left unset when not given. */
  admins?: string;
  /** Any further variables, applied last so they win. */
  extra?: Record<string, string>;
}

/**
 * Where a service's state lives for its folder: the SQLite file (or, in the
 * tests' PostgreSQL pass, a database of the folder's own) and the master key file.
 */
export function stateFiles(dir: string, engine?: "sqlite"): { database: string; keyFile: string } {
  const postgres = engine === "sqlite" ? undefined : testPostgres();
  const database = postgres ? postgresDatabaseFor(postgres, dir) : join(dir, "xsmtp.sqlite");
  return { database, keyFile: join(dir, "xsmtp.key") };
}

export function xsmtpEnv(options: XsmtpEnvOptions = {}): Record<string, string> {
  const env: Record<string, string> = {
    XSMTP_SERVICE: `xmpp://127.0.0.1:${options.componentPort ?? 1}`,
    XSMTP_DOMAIN: COMPONENT_DOMAIN,
    XSMTP_SECRET: options.secret ?? "unused",
  };
  if (options.stateDir !== undefined) {
    const { database, keyFile } = stateFiles(options.stateDir, options.sqlite ? "sqlite" : undefined);
    env.XSMTP_DATABASE = database;
    env.XSMTP_KEY_FILE = keyFile;
  }
  if (options.admins !== undefined) env.XSMTP_ADMINS = options.admins;
  return { ...env, ...options.extra };
}
