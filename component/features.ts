/**
 * The features the service is made of, wired in dependency order: each
 * feature's wiring gets the shared context and what the features before it
 * export (verification needs the keys and progress's hooks; commands need
 * them all). Reads across features are handed on here, so that no feature
 * imports another's store.
 */
import { wireBasics } from "./basics/wiring.js";
import { wireCommands } from "./commands/wiring.js";
import { wireDiscovery } from "./discovery/wiring.js";
import { wireKeys, type Identities } from "./keys/wiring.js";
import { wireProgress, type Progress } from "./progress/wiring.js";
import type { ServiceContext } from "./service-context.js";
import { verificationRecords } from "./verification/records.js";
import { wireVerification } from "./verification/wiring.js";

export interface Features {
  identities: Identities;
  progress: Progress;
}

export function wireFeatures(ctx: ServiceContext, options: { masterKey?: Buffer } = {}): Features {
  wireDiscovery(ctx);
  wireBasics(ctx);
  const identities = wireKeys(ctx, options.masterKey);
  // Progress first: verification publishes to it and asks it for recipient domains.
  const records = verificationRecords(ctx.store.verification);
  const progress = wireProgress(ctx, {
    isEnrolled: (jid) => identities.core.isEnrolled(jid),
    hasPassed: records.hasPassed,
    sweepSeen: records.sweepSeen,
  });
  wireVerification(ctx, identities.lookup, progress.hooks);
  // Commands last: they act on identities and report progress nodes and verifications in stats.
  // Stats read the result counters after writing those still coalesced in memory.
  const resultCounts = async () => {
    await ctx.deferred.flush();
    return records.resultCounts();
  };
  wireCommands(ctx, identities.core, { progressNodes: progress.countNodes, resultCounts });
  return { identities, progress };
}
