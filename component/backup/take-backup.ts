/**
 * `xsmtp backup`: a consistent copy of the live store (taken while the
 * service runs), the master key (mode 0600), and a manifest, in a folder of
 * mode 0700. The store's secrets stay sealed in the copy; the key beside
 * them opens them, so the folder is as secret as the server's own state,
 * and `withoutKey` leaves the key out for those who keep it apart.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, chmodSync, statSync } from "node:fs";
import { join } from "node:path";
import { XSMTP_VERSION } from "../basics/version.js";
import type { Config } from "../config/config.js";
import { fsyncPath, sha256File, writeFileAtomically } from "./durable-files.js";
import { KEY_FILE, MANIFEST_FILE, MANIFEST_FORMAT, type Manifest } from "./manifest.js";
import { engineFor } from "./store-engine.js";

export type BackupRefusalReason = "engine-unsupported" | "no-store" | "no-key-file" | "out-not-empty";

export interface BackupRefusal {
  reason: BackupRefusalReason;
  detail: string;
}

export interface BackupTaken {
  dir: string;
  manifest: Manifest;
  seconds: number;
}

export interface BackupOptions {
  /** Leave the master key out (keep it apart; a restore then needs it in place). */
  withoutKey?: boolean;
  now?: () => Date;
}

export async function takeBackup(config: Pick<Config, "database" | "keyFile">, out: string, options: BackupOptions = {}): Promise<BackupTaken | BackupRefusal> {
  const started = performance.now();
  const engine = engineFor(config.database);
  if ("reason" in engine) return engine;
  if (!(await engine.exists())) return { reason: "no-store", detail: `there is no store at ${config.database} to back up` };
  let key: Buffer | undefined;
  if (!options.withoutKey) {
    try {
      key = readFileSync(config.keyFile);
    } catch (err) {
      return {
        reason: "no-key-file",
        detail: `cannot read the master key ${config.keyFile} (${(err as NodeJS.ErrnoException).code}): without it the store's secrets cannot be opened (--no-key backs up the store alone)`,
      };
    }
  }
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
    return { reason: "out-not-empty", detail: `${out} exists and is not an empty folder: a backup goes into a new folder` };
  }

  mkdirSync(out, { recursive: true, mode: 0o700 });
  chmodSync(out, 0o700);
  const written = [engine.fileName, KEY_FILE, MANIFEST_FILE].map((name) => join(out, name));
  try {
    const storePath = join(out, engine.fileName);
    const { schemaVersion } = await engine.backupStore(storePath);
    chmodSync(storePath, 0o600);
    fsyncPath(storePath);
    const names = [engine.fileName];
    if (key) {
      writeFileAtomically(join(out, KEY_FILE), key, 0o600);
      names.push(KEY_FILE);
    }
    const files: Manifest["files"] = {};
    for (const name of names) {
      const path = join(out, name);
      files[name] = { sha256: await sha256File(path), bytes: statSync(path).size };
    }
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      xsmtp: XSMTP_VERSION,
      engine: engine.name,
      schemaVersion,
      createdAt: (options.now ?? (() => new Date()))().toISOString(),
      files,
    };
    // Last: its presence says the folder is complete.
    writeFileAtomically(join(out, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n", 0o600);
    return { dir: out, manifest, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    for (const path of written) rmSync(path, { force: true });
    throw err;
  }
}
