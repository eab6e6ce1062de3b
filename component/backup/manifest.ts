/**
 * A backup folder's manifest.json: what took it, when, which engine and
 * schema version, and the SHA-256 of every file in it. It is written last,
 * so a folder without one is an unfinished backup; a restore checks every
 * hash before it touches anything.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EngineName } from "./store-engine.js";

export const MANIFEST_FILE = "manifest.json";
export const KEY_FILE = "master.key";
export const MANIFEST_FORMAT = 1;

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** The XSMTP version that took the backup. */
  xsmtp: string;
  engine: EngineName;
  /** The store's schema version (SQLite: PRAGMA user_version) at the snapshot. */
  schemaVersion: number;
  /** ISO 8601, UTC. */
  createdAt: string;
  files: Record<string, { sha256: string; bytes: number }>;
}

/** The folder's manifest, or a sentence saying why there is none that can be used. */
export function readManifest(dir: string): Manifest | string {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST_FILE), "utf8");
  } catch (err) {
    return `${dir} holds no ${MANIFEST_FILE} (${(err as NodeJS.ErrnoException).code}): not a backup, or an unfinished one`;
  }
  let m: Partial<Manifest>;
  try {
    m = JSON.parse(text) as Partial<Manifest>;
  } catch {
    return `${join(dir, MANIFEST_FILE)} is not JSON`;
  }
  if (m.format !== MANIFEST_FORMAT) return `${join(dir, MANIFEST_FILE)} has format ${m.format}, this XSMTP reads format ${MANIFEST_FORMAT}`;
  const filesOk =
    typeof m.files === "object" &&
    m.files !== null &&
    Object.values(m.files).every((f) => typeof f?.sha256 === "string" && typeof f?.bytes === "number");
  if (typeof m.engine !== "string" || !Number.isInteger(m.schemaVersion) || typeof m.createdAt !== "string" || !filesOk) {
    return `${join(dir, MANIFEST_FILE)} lacks engine, schemaVersion, createdAt or files`;
  }
  return m as Manifest;
}
