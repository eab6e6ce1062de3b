/**
 * Wires identities and keys into the service: the master key, the
 * IdentityCore shared with the ad-hoc commands, and the identity disco node.
 */
import type { ServiceContext } from "../service-context.js";
import type { IdentityCore } from "./identity-core.js";
import { identityNodeInfo } from "./identity-disco.js";
import { loadOrCreateMasterKey } from "./master-key.js";
import { openIdentities } from "./open-identities.js";

export interface Identities {
  core: IdentityCore;
  masterKey: Buffer;
}

export function wireKeys(ctx: ServiceContext, masterKey?: Buffer): Identities {
  const key = masterKey ?? loadOrCreateMasterKey(ctx.config.keyFile);
  const core = openIdentities(ctx.config, ctx.db, ctx.clock, key);
  ctx.disco.addNodeInfo(identityNodeInfo(core));
  return { core, masterKey: key };
}
