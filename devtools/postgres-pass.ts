/**
 * The tests' PostgreSQL pass: starts a private PostgreSQL, then runs the
 * given test files with node's runner and XSMTP_TEST_POSTGRES set to its
 * admin URL, so every service, CLI and fixture in them runs on a PostgreSQL
 * database of its own (devtools/test-database.ts). Exits with the runner's
 * status; the server is stopped either way.
 *
 *   node dist/devtools/postgres-pass.js [node --test options] FILE...
 */
import { spawn } from "node:child_process";
import { startPostgres } from "./servers/postgres.js";
import { TEST_POSTGRES_ENV } from "./test-database.js";

const args = process.argv.slice(2);
if (!args.some((a) => a.endsWith(".js"))) {
  process.stderr.write("postgres-pass: no test files given\n");
  process.exit(2);
}
const postgres = await startPostgres();
process.stdout.write(`# PostgreSQL pass: a private PostgreSQL on 127.0.0.1:${postgres.port}\n`);
const runner = spawn(process.execPath, ["--test", ...args], {
  stdio: "inherit",
  env: { ...process.env, [TEST_POSTGRES_ENV]: postgres.url },
});
const code = await new Promise<number>((resolve) => runner.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await postgres.stop();
process.exit(code);
