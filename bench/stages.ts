/**
 * Where one verification's time goes, stage by stage (µs per call, medians of
 * alternating rounds): the figures behind bench/RESULTS.md's profile. Each
 * stage runs alone over the same requests, as the service runs it.
 */
import { macMatches } from "../signature/index.js";
import { prepare, type Prepared, type VerifyDeps, type VerifyRequest } from "../component/verification/verify-core.js";
import type { ServiceContext } from "../component/service-context.js";
import type { VerificationHooks } from "../component/verification/wiring.js";
import { alternate, asyncOpsPerS, opsPerS } from "./rounds.js";

export async function stageTimes(
  requests: VerifyRequest[], deps: VerifyDeps, hooks: VerificationHooks, { store, deferred }: Pick<ServiceContext, "store" | "deferred">,
) {
  const prepared = requests.map((r) => prepare(r)).filter((p): p is Prepared => "input" in p);
  const at = (i: number) => prepared[i % prepared.length]!;
  const keyOf = async (p: Prepared) => (await deps.findKey(p.known.jid, p.sig.keyId)) as { secret: Buffer };
  const secrets = await Promise.all(prepared.map(keyOf));
  let sink = 0;
  const perS = await alternate(3, {
    parse_canonicalize: () => opsPerS((i) => void (sink += ("input" in prepare(requests[i % requests.length]!) ? 1 : 0)), 300),
    key_lookup: () => asyncOpsPerS((i) => keyOf(at(i)), 300),
    address_check: () => asyncOpsPerS(async (i) => void (sink += (await deps.isAuthorizedAddress(at(i).known.jid, at(i).addresses[0]!)) ? 1 : 0), 300),
    mac: () => opsPerS((i) => void (sink += macMatches(secrets[i % secrets.length]!.secret, at(i).input, at(i).sig.mac) ? 1 : 0), 300),
    // In a group commit, as the service runs it (64 to a batch).
    record_pass: () =>
      asyncOpsPerS((i) => store.writes.run((tx) => tx.verification.recordPass(at(i).known.jid, at(i).known.messageId, at(i).request.verifierDomain, Date.now())), 300),
    recipient_domains: () => asyncOpsPerS((i) => deps.recipientDomains(at(i).known.jid, at(i).known.messageId), 300),
    // Queued behind the answer, then written by the deferred batch (flushed here every 64, as its timer would).
    progress_publish: () =>
      asyncOpsPerS(async (i) => {
        const p = at(i);
        hooks.onVerified({ result: "pass", jid: p.known.jid, messageId: p.known.messageId }, p.request);
        if (i % 64 === 63) await deferred.flush();
      }, 300),
    empty_batch_item: () => asyncOpsPerS(() => store.writes.run(async () => undefined), 300),
  });
  await store.writes.flush();
  await deferred.flush();
  if (sink < 0) console.log(sink);
  return Object.fromEntries(Object.entries(perS).map(([stage, n]) => [stage, Number((1e6 / (n as number)).toFixed(2))]));
}
