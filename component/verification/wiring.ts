/**
 * Wires verification: the verify IQ handler with its rate limit, the key
 * lookup and the stores, the feature in disco, and the hooks that progress
 * (§6) plugs into. A store too busy to answer, or unreachable, gives
 * `temperror service-busy`.
 *
 * References: PROTOCOL.md §3.2, §5, §7.
 */
import { performance } from "node:perf_hooks";
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
import type { VerificationStorage } from "./verification-storage.js";
import { ResultCounter } from "./result-counter.js";
import { SliceQueue } from "../time-slices.js";

/** What other features may hook into verification (progress publishes events, replay needs recipients). */
export interface VerificationHooks {
  recipientDomains(jid: string, messageId: string): Promise<string[] | undefined>;
  onVerified(verification: Verification, request: VerifyRequest): void;
}

/** Until progress is wired: no recipients known, nothing published. */
export const noVerificationHooks: VerificationHooks = {
  recipientDomains: async () => undefined,
  onVerified: () => undefined,
};

/** A new element for each reply: an element appended to one reply must not be shared with another. */
const busy = () => renderVerification({ result: "temperror", reason: "service-busy" });

export function wireVerification(ctx: ServiceContext, identities: IdentityLookup, hooks: VerificationHooks = noVerificationHooks): void {
  const { router, disco, store, clock, config, log, metrics } = ctx;
  // Shared buckets when instances share the store (PostgreSQL); in memory otherwise.
  const limiter = new RateLimiter(config.verifyRate, clock, store.takeTokens?.bind(store));
  const counter = new ResultCounter(ctx.deferred);
  const preparing = new SliceQueue();

  disco.addFeature(NS_XSMTP);
  router.get(NS_XSMTP, "verify", async ({ from, payload }: IqRequest) => {
    const started = performance.now();
    // What /metrics counts; the time includes the commit the verifier waits for.
    const measured = <T>(result: string, reason: string, answer: T): T => {
      metrics.verification(result, reason, (performance.now() - started) / 1000);
      return answer;
    };
    const parsed = parseVerify(payload);
    if (parsed === "not-a-verification-request") return measured("iq-error", parsed, verifyRequestError(parsed));
    const verifierDomain = domainOf(from);
    try {
      // One bucket per organization: a.mallory.org and b.mallory.org are one
      // requester, or anyone with a wildcard DNS zone would have no limit.
      if (!(await limiter.take(organizationalDomain(verifierDomain)))) return measured("iq-error", "rate-limited", verifyRequestError("rate-limited"));
    } catch (err) {
      if (!store.isUnavailable(err)) throw err;
      return measured("temperror", "service-busy", busy());
    }

    const request: VerifyRequest =
      parsed === PAST_LIMIT ? { signature: "", headers: [], verifierDomain } : { ...parsed, verifierDomain };
    // The costly, store-free part (tag list, canonicalization, addresses)
    // runs in slices of about a millisecond with a turn of the event loop
    // between them (component/time-slices.ts): many requests read from the
    // socket in one go would otherwise be judged back to back before any
    // other IQ or timer gets a turn.
    const prepared = parsed === PAST_LIMIT ? pastLimit() : await preparing.run(() => prepare(request));
    // What the answer depends on (the seen record behind <seen>) is written
    // before the answer: on SQLite in one savepoint of a group commit, so
    // verifications arriving together share one WAL commit and each is
    // answered once it is durable; on PostgreSQL in one statement of its
    // own. Bookkeeping (the result counter, the progress item and its
    // headline) follows in the deferred batch (store/deferred-writes.ts).
    try {
      const verification = await store.writes.run((tx) => decideAndRecord(prepared, request, tx.verification));
      // Backpressure: the bookkeeping queued behind answers stays bounded (deferred-writes.ts, HIGH_WATER).
      await ctx.deferred.room();
      return measured(verification.result, verification.reason ?? "", renderVerification(verification));
    } catch (err) {
      if (!store.isUnavailable(err)) throw err;
      return measured("temperror", "service-busy", busy());
    }
  });

  async function decideAndRecord(prepared: Prepared | Verification, request: VerifyRequest, records: VerificationStorage) {
    const { verifierDomain } = request;
    let verification: Verification;
    try {
      verification = await decide(prepared, verifyDeps(ctx, identities, hooks, records));
    } catch (err) {
      if (!store.isUnavailable(err)) throw err;
      verification = { result: "temperror", reason: "service-busy" };
    }
    try {
      counter.add(verification.result, verification.reason);
      hooks.onVerified(verification, request);
    } catch (err) {
      // The answer stands even if bookkeeping could not be queued.
      log.warn({ reason: (err as Error).message }, "verification bookkeeping failed");
    }
    log.debug({ result: verification.result, reason: verification.reason, jid: verification.jid, by: verifierDomain }, "verified");
    return verification;
  }
}

/** What the verification core reads and writes, over the service's store (the benchmark uses it too). */
export function verifyDeps(
  { clock, config }: Pick<ServiceContext, "clock" | "config">,
  identities: IdentityLookup,
  hooks: Pick<VerificationHooks, "recipientDomains">,
  records: Pick<VerificationStorage, "recordPass">,
): VerifyDeps {
  return {
    clock,
    userDomains: config.userDomains,
    maxSignatureAgeS: config.maxSignatureAge,
    findKey: (jid, keyId) => identities.signingKey(jid, keyId),
    isAuthorizedAddress: (jid, address) => identities.isAuthorizedAddress(jid, address),
    recordPass: (jid, messageId, domain) => records.recordPass(jid, messageId, domain, clock.now()),
    recipientDomains: (jid, messageId) => hooks.recipientDomains(jid, messageId),
  };
}
