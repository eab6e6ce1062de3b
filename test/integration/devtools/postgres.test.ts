// Proves the private PostgreSQL the store's tests and the benchmarks run on:
// it starts from nothing, takes the password in its URL, and what was
// committed survives a SIGKILL of the whole server and a restart on the same
// port (fsync stays on), so crash tests can trust it.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { startPostgres, type PrivatePostgres } from "../../../devtools/servers/postgres.js";
import { timed } from "../../support/timed.js";

async function query(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe("PostgreSQL harness", () => {
  let server: PrivatePostgres;
  before(async () => {
    server = await timed(undefined, "postgres start (initdb + first start + create database)", () => startPostgres());
  });
  after(async () => {
    if (server) await timed(undefined, "postgres stop", () => server.stop());
  });

  test("a pg client connects with the URL's password and runs a query on PostgreSQL 15 or later", async () => {
    const url = new URL(server.url);
    assert.equal(url.hostname, "127.0.0.1");
    assert.equal(Number(url.port), server.port);
    assert.equal(url.pathname, "/xsmtp");
    const { rows } = await query(server.url, "SELECT current_database() AS db, current_setting('server_version_num')::int AS version");
    assert.equal(rows[0].db, "xsmtp");
    assert.ok(rows[0].version >= 150000, `server_version_num ${rows[0].version}`);
  });

  test("a wrong password is refused (scram-sha-256 on loopback, not trust)", async () => {
    const url = new URL(server.url);
    url.password = "wrong";
    await assert.rejects(query(url.toString(), "SELECT 1"), /password authentication failed/);
  });

  test("max_connections is 200 and fsync is on", async () => {
    const { rows } = await query(server.url, "SELECT current_setting('max_connections') AS max, current_setting('fsync') AS fsync");
    assert.deepEqual(rows[0], { max: "200", fsync: "on" });
  });

  test("createDatabase returns a URL to a new, empty database on the same server", async () => {
    const url = await server.createDatabase("second_store");
    assert.equal(new URL(url).pathname, "/second_store");
    const { rows } = await query(url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
    assert.equal(rows[0].n, 0);
  });

  test("committed rows survive SIGKILL of the server and a start on the same port; an open connection fails", async (t) => {
    await query(server.url, "CREATE TABLE survivors (id int PRIMARY KEY, note text)");
    await query(server.url, "INSERT INTO survivors SELECT i, 'row ' || i FROM generate_series(1, 1000) AS i");
    const open = new pg.Client({ connectionString: server.url });
    open.on("error", () => {}); // the kill ends its connection
    await open.connect();
    const port = server.port;

    server.kill();
    await assert.rejects(open.query("SELECT 1"));
    await open.end().catch(() => {});
    await timed(t, "postgres start after kill -9 (crash recovery)", () => server.start());

    assert.equal(server.port, port);
    assert.match(server.log(), /database system was interrupted|was not properly shut down/);
    const { rows } = await query(server.url, "SELECT count(*)::int AS n, max(note) AS last FROM survivors");
    assert.deepEqual(rows[0], { n: 1000, last: "row 999" });
  });

  test("after restart() the data is still there", async (t) => {
    await timed(t, "postgres restart (fast shutdown + start)", () => server.restart());
    const { rows } = await query(server.url, "SELECT count(*)::int AS n FROM survivors");
    assert.equal(rows[0].n, 1000);
  });
});
