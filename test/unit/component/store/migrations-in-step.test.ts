// migrations/README.md: every number is one logical change that both engines
// have, under the same file name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadMigrations } from "../../../../component/store/migrate.js";
import { loadPostgresMigrations } from "../../../../component/store/pg-migrate.js";

test("SQLite and PostgreSQL have the same numbered migrations, in the same order", () => {
  const sqlite = loadMigrations().map((m) => m.name);
  const postgres = loadPostgresMigrations().map((m) => m.name);
  assert.ok(sqlite.length >= 4, sqlite.join(" "));
  assert.deepEqual(postgres, sqlite);
});
