/**
 * Where one verification's time goes, stage by stage (µs per call, medians of
 * alternating rounds): the figures behind bench/RESULTS.md's profile. Each
 * stage runs alone over the same requests, as the service runs it.
 */
import { macMatches } from "../signature/index.js";
import { prepare, type Prepared, type VerifyDeps, type VerifyRequest } from "../component/verification/verify-core.js";
import type { ServiceContext } from "../component/service-context.js";
import type { VerificationHooks } from "../component/verification/wiring.js";
import { alternate, opsPerS } from "./rounds.js";

export async function stageTimes(
  requests: VerifyRequest[], deps: VerifyDeps, hooks: VerificationHooks, { writes, deferred }: Pick<ServiceContext, "writes" | "deferred">,
) {
  const prepared = requests.map((r) => prepare(r)).filter((p): p is Prepared => "input" in p);
  const at = (i: number) => prepared[i % prepared.length]!;
  const keyOf = (p: Prepared) => deps.findKey(p.known.jid, p.sig.keyId) as { secret: Buffer };
  const inBatch = (op: (p: Prepared) => void) => (i: number) => {
    void writes.run(() => op(at(i)));
    if (i % 64 === 63) writes.flush();
  };
  let sink = 0;
  const perS = await alternate(3, {
    parse_canonicalize: () => opsPerS((i) => void (sink += ("input" in prepare(requests[i % requests.length]!) ? 1 : 0)), 300),
    key_lookup: () => opsPerS((i) => void keyOf(at(i)), 300),
    address_check: () => opsPerS((i) => void (sink += deps.isAuthorizedAddress(at(i).known.jid, at(i).addresses[0]!) ? 1 : 0), 300),
    mac: () => opsPerS((i) => void (sink += macMatches(keyOf(at(i)).secret, at(i).input, at(i).sig.mac) ? 1 : 0), 300),
    record_pass: () => opsPerS(inBatch((p) => deps.recordPass(p.known.jid, p.known.messageId, p.request.verifierDomain)), 300),
    recipient_domains: () => opsPerS((i) => void deps.recipientDomains(at(i).known.jid, at(i).known.messageId), 300),
    // Queued behind the answer, then written by the deferred batch (flushed here every 64, as its timer would).
    progress_publish: () =>
      opsPerS((i) => {
        const p = at(i);
        hooks.onVerified({ result: "pass", jid: p.known.jid, messageId: p.known.messageId }, p.request);
        if (i % 64 === 63) deferred.flush();
      }, 300),
    empty_batch_item: () => opsPerS(inBatch(() => undefined), 300),
  });
  writes.flush();
  deferred.flush();
  if (sink < 0) console.log(sink);
  return Object.fromEntries(Object.entries(perS).map(([stage, n]) => [stage, Number((1e6 / (n as number)).toFixed(2))]));
}
