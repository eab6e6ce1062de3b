/**
 * The features the service is made of, wired in dependency order: each
 * feature's wiring gets the shared context and what the features before it
 * export (verification needs the keys; commands need both).
 */
import { wireBasics } from "./basics/wiring.js";
import { wireCommands } from "./commands/wiring.js";
import { wireDiscovery } from "./discovery/wiring.js";
import { wireKeys, type Identities } from "./keys/wiring.js";
import type { ServiceContext } from "./service-context.js";
import { wireVerification } from "./verification/wiring.js";

export interface Features {
  identities: Identities;
}

export function wireFeatures(ctx: ServiceContext, options: { masterKey?: Buffer } = {}): Features {
  wireDiscovery(ctx);
  wireBasics(ctx);
  const identities = wireKeys(ctx, options.masterKey);
  wireVerification(ctx, identities.masterKey);
  wireCommands(ctx, identities.core);
  return { identities };
}
