/**
 * Builds the IdentityCore from configuration: the one place that reads the
 * master key file, shared by `xsmtp run` and `xsmtp user`. The key comes
 * back with the core, so the service's verification uses the same key
 * instead of reading the file a second time.
 */
import type { Clock } from "../clock.js";
import type { Config } from "../config/config.js";
import { IdentityCore } from "./identity-core.js";
import type { IdentityStorage } from "./identity-storage.js";
import { loadOrCreateMasterKey } from "./master-key.js";

export function openIdentities(
  config: Config,
  storage: IdentityStorage,
  clock: Clock,
  masterKey: Buffer = loadOrCreateMasterKey(config.keyFile),
): { core: IdentityCore; masterKey: Buffer } {
  const core = new IdentityCore({ storage, clock, masterKey, userDomains: config.userDomains });
  return { core, masterKey };
}
