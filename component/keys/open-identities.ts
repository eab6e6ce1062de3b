/**
 * Builds the IdentityCore from configuration: the one place that reads the
 * master key file, shared by `xsmtp run` and `xsmtp user`. The key comes
 * back with the core, so the service's verification uses the same key
 * instead of reading the file a second time.
 */
import type { Clock } from "../clock.js";
import type { Config } from "../config/config.js";
import type { Db } from "../store/database.js";
import { IdentityCore } from "./identity-core.js";
import { sqliteIdentityStorage } from "./key-store.js";
import { loadOrCreateMasterKey } from "./master-key.js";

export function openIdentities(
  config: Config,
  db: Db,
  clock: Clock,
  masterKey: Buffer = loadOrCreateMasterKey(config.keyFile),
): { core: IdentityCore; masterKey: Buffer } {
  const core = new IdentityCore({ storage: sqliteIdentityStorage(db), clock, masterKey, userDomains: config.userDomains });
  return { core, masterKey };
}
