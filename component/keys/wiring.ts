/**
 * Wires identities and keys into the service: the master key, the
 * IdentityCore shared with the ad-hoc commands, the cached lookup that
 * verification and the gateway read keys and addresses through, and the
 * identity disco node.
 */
import type { ServiceContext } from "../service-context.js";
import type { IdentityCore } from "./identity-core.js";
import { identityNodeInfo } from "./identity-disco.js";
import { CachedIdentityLookup, type IdentityLookup } from "./identity-lookup.js";
import { openIdentities } from "./open-identities.js";

export interface Identities {
  core: IdentityCore;
  masterKey: Buffer;
  /** Keys and addresses from memory, invalidated by any identity write (identity-lookup.ts). */
  lookup: IdentityLookup;
}

export function wireKeys(ctx: ServiceContext, masterKey?: Buffer): Identities {
  // Tests pass a key; otherwise openIdentities reads the key file, once.
  const identities = openIdentities(ctx.config, ctx.store.identity, ctx.clock, masterKey);
  ctx.disco.addNodeInfo(identityNodeInfo(identities.core));
  const lookup = new CachedIdentityLookup(ctx.store, identities.masterKey);
  ctx.onStop(() => lookup.clear());
  return { ...identities, lookup };
}
