/**
 * `xsmtp restore`: puts a backup folder's store and master key in place of
 * the configured ones. It refuses, changing nothing, unless every check
 * passes first: a complete manifest, the engine XSMTP_DATABASE names, a
 * schema this XSMTP knows, every file's SHA-256, no process with the store
 * open, and (without `force`) a target store holding no row.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/config.js";
import { sha256File, writeFileAtomically } from "./durable-files.js";
import { KEY_FILE, readManifest, type Manifest } from "./manifest.js";
import { engineFor } from "./store-engine.js";

export type RestoreRefusalReason =
  | "engine-unsupported"
  | "not-a-backup"
  | "engine-mismatch"
  | "schema-too-new"
  | "damaged"
  | "service-running"
  | "store-not-empty";

export interface RestoreRefusal {
  reason: RestoreRefusalReason;
  detail: string;
}

export interface Restored {
  manifest: Manifest;
  /** False for a backup taken without its key: the key file in place was left alone. */
  keyRestored: boolean;
  /** What the operator must still do (a key to put in place). */
  warnings: string[];
}

export async function restoreBackup(
  config: Pick<Config, "database" | "keyFile">,
  from: string,
  options: { force?: boolean } = {},
): Promise<Restored | RestoreRefusal> {
  const manifest = readManifest(from);
  if (typeof manifest === "string") return { reason: "not-a-backup", detail: manifest };
  const engine = engineFor(config.database);
  if ("reason" in engine) return engine;
  if (manifest.engine !== engine.name) {
    return { reason: "engine-mismatch", detail: `the backup is of a ${manifest.engine} store, XSMTP_DATABASE names a ${engine.name} one` };
  }
  const known = engine.knownSchemaVersion();
  if (manifest.schemaVersion > known) {
    return {
      reason: "schema-too-new",
      detail: `the backup's schema version ${manifest.schemaVersion} is newer than this XSMTP knows (${known}): restore it with XSMTP ${manifest.xsmtp} or later`,
    };
  }
  const names = Object.keys(manifest.files);
  const unexpected = names.filter((n) => n !== engine.fileName && n !== KEY_FILE);
  if (!names.includes(engine.fileName) || unexpected.length > 0) {
    return { reason: "not-a-backup", detail: `the manifest lists ${names.join(", ")}; expected ${engine.fileName} and optionally ${KEY_FILE}` };
  }
  for (const name of names) {
    const problem = await fileProblem(join(from, name), manifest.files[name]!);
    if (problem) return { reason: "damaged", detail: `${join(from, name)} ${problem}: the backup is damaged, nothing was restored` };
  }
  if (await engine.inUse()) {
    return {
      reason: "service-running",
      detail: `${config.database} is open in another process (xsmtp run or xsmtp user): stop the service first, e.g. systemctl stop xsmtp`,
    };
  }
  if (!options.force && (await engine.hasData())) {
    return {
      reason: "store-not-empty",
      detail: `${config.database} holds data that the restore would replace (and XSMTP_KEY_FILE the key that opens it): add --force to replace both`,
    };
  }

  await engine.restoreStore(join(from, engine.fileName));
  const warnings: string[] = [];
  const keyRestored = KEY_FILE in manifest.files;
  if (keyRestored) {
    writeFileAtomically(config.keyFile, readFileSync(join(from, KEY_FILE)), 0o600, config.keyFile);
  } else if (!existsSync(config.keyFile)) {
    warnings.push(`the backup holds no master key: put the key file it was taken with at ${config.keyFile} before starting xsmtp`);
  } else {
    warnings.push(`the backup holds no master key: ${config.keyFile} was left as it was; it must be the key the backup was taken with`);
  }
  return { manifest, keyRestored, warnings };
}

async function fileProblem(path: string, expected: { sha256: string; bytes: number }): Promise<string | undefined> {
  if (!existsSync(path)) return "is missing";
  if (statSync(path).size !== expected.bytes) return `has ${statSync(path).size} bytes, the manifest says ${expected.bytes}`;
  return (await sha256File(path)) === expected.sha256 ? undefined : "does not match its SHA-256 in the manifest";
}
