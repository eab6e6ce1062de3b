/**
 * Builds the IdentityCore from configuration: the one place that reads the
 * master key file, shared by `xsmtp run` and `xsmtp user`.
 */
import type { Config } from "../config/config.js";
import type { Clock } from "../clock.js";
import type { Db } from "../store/database.js";
import { IdentityCore } from "./identity-core.js";
import { sqliteIdentityStorage } from "./key-store.js";
import { loadOrCreateMasterKey } from "./master-key.js";

export function openIdentities(config: Config, db: Db, clock: Clock, masterKey?: Buffer): IdentityCore {
  return new IdentityCore({
    storage: sqliteIdentityStorage(db),
    clock,
    masterKey: masterKey ?? loadOrCreateMasterKey(config.keyFile),
    userDomains: config.userDomains,
  });
}
