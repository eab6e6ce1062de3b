/**
 * Wires verification: the verify IQ handler with its rate limit, the key
 * lookup and the stores, the feature in disco, and the hooks that progress
 * (§6) plugs into. A database too busy to answer gives `temperror`.
 *
 * References: PROTOCOL.md §3.2, §5, §7.
 */
import type { ServiceContext } from "../service-context.js";
import type { IdentityLookup } from "../keys/identity-lookup.js";
import { organizationalDomain } from "../../protocol/domains.js";
import { domainOf } from "../../protocol/jid.js";
import type { IqRequest } from "../xmpp/iq-router.js";
import type { Verification } from "../../protocol/verification-outcome.js";
import { RateLimiter } from "./rate-limiter.js";
import { NS_XSMTP } from "../../protocol/namespaces.js";
import { renderVerification } from "../../protocol/verification-answer.js";
import { PAST_LIMIT, parseVerify } from "../../protocol/verify-request.js";
import { verifyRequestError } from "./verify-adapter.js";
import { decide, pastLimit, prepare, type Prepared, type VerifyDeps, type VerifyRequest } from "./verify-core.js";
import { recordPass } from "./verification-store.js";
import { ResultCounter } from "./result-counter.js";

/** What other features may hook into verification (progress publishes events, replay needs recipients). */
export interface VerificationHooks {
  recipientDomains(jid: string, messageId: string): string[] | undefined;
  onVerified(verification: Verification, request: VerifyRequest): void;
}

/** Until progress is wired: no recipients known, nothing published. */
export const noVerificationHooks: VerificationHooks = {
  recipientDomains: () => undefined,
  onVerified: () => undefined,
};

export function wireVerification(ctx: ServiceContext, identities: IdentityLookup, hooks: VerificationHooks = noVerificationHooks): void {
  const { router, disco, db, clock, config, log } = ctx;
  const limiter = new RateLimiter(config.verifyRate, clock);
  const counter = new ResultCounter(db, ctx.deferred);

  disco.addFeature(NS_XSMTP);
  router.get(NS_XSMTP, "verify", async ({ from, payload }: IqRequest) => {
    const parsed = parseVerify(payload);
    if (parsed === "not-a-verification-request") return verifyRequestError(parsed);
    const verifierDomain = domainOf(from);
    // One bucket per organization: a.mallory.org and b.mallory.org are one
    // requester, or anyone with a wildcard DNS zone would have no limit.
    if (!limiter.take(organizationalDomain(verifierDomain))) return verifyRequestError("rate-limited");

    const request: VerifyRequest =
      parsed === PAST_LIMIT ? { signature: "", headers: [], verifierDomain } : { ...parsed, verifierDomain };
    // The costly, store-free part (tag list, canonicalization, addresses) runs
    // here, one request per turn of the event loop: the group commit below
    // decides its whole batch synchronously, and large requests queued into
    // it together would hold up every other IQ until the batch is done.
    const prepared = parsed === PAST_LIMIT ? pastLimit() : prepare(request);
    // What the answer depends on (the seen record behind <seen>) runs in one
    // savepoint of a group commit: verifications arriving together share one
    // WAL commit, and each is answered only once it is durable. Bookkeeping
    // (the result counter, the progress item and its headline) follows in
    // the deferred batch (store/deferred-writes.ts).
    try {
      return await ctx.writes.run(() => decideAndRecord(prepared, request));
    } catch (err) {
      if (!isBusy(err)) throw err;
      return renderVerification({ result: "temperror", reason: "service-busy" });
    }
  });

  const deps = verifyDeps(ctx, identities, hooks);

  function decideAndRecord(prepared: Prepared | Verification, request: VerifyRequest) {
    const { verifierDomain } = request;
    let verification: Verification;
    try {
      verification = decide(prepared, deps);
    } catch (err) {
      if (!isBusy(err)) throw err;
      verification = { result: "temperror", reason: "service-busy" };
    }
    try {
      counter.add(verification.result, verification.reason);
      hooks.onVerified(verification, request);
    } catch (err) {
      // The answer stands even if bookkeeping could not be written now.
      log.warn({ reason: (err as Error).message }, "verification bookkeeping failed");
    }
    log.debug({ result: verification.result, reason: verification.reason, jid: verification.jid, by: verifierDomain }, "verified");
    return renderVerification(verification);
  }
}

/** What the verification core reads and writes, over the service's store (the benchmark uses it too). */
export function verifyDeps(
  { db, clock, config }: Pick<ServiceContext, "db" | "clock" | "config">,
  identities: IdentityLookup,
  hooks: VerificationHooks,
): VerifyDeps {
  return {
    clock,
    userDomains: config.userDomains,
    maxSignatureAgeS: config.maxSignatureAge,
    findKey: (jid, keyId) => identities.signingKey(jid, keyId),
    isAuthorizedAddress: (jid, address) => identities.isAuthorizedAddress(jid, address),
    recordPass: (jid, messageId, domain) => recordPass(db, jid, messageId, domain, clock.now()),
    recipientDomains: (jid, messageId) => hooks.recipientDomains(jid, messageId),
  };
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}
