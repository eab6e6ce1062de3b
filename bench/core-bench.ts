/**
 * core_verify_per_s vs hmac_per_s: one verification decided in process
 * (parse, canonicalize, key lookup, MAC, record the pass) with the deps the
 * service wires, over the seeded SQLite file, against bare HMAC-SHA256 of the
 * same signing input.
 */
import { createHmac } from "node:crypto";
import { loadConfig } from "../component/config/config.js";
import { silentLogger } from "../component/log/logger.js";
import { startService } from "../component/service.js";
import { parseHashHeader, signingInput } from "../signature/index.js";
import { systemClock } from "../component/service-context.js";
import { alignSentFields } from "../signature/signed-fields.js";
import { verify, type VerifyRequest } from "../component/verification/verify-core.js";
import { verifyDeps } from "../component/verification/wiring.js";
import { alternate, asyncOpsPerS, opsPerS } from "./rounds.js";
import { openStore } from "../component/store/open-store.js";
import { stageTimes } from "./stages.js";
import { userSecret } from "../devtools/load/seed.js";
import type { SignedRequest } from "../devtools/load/verify-requests.js";

export async function benchCore(env: Record<string, string>, masterKey: Buffer, signed: SignedRequest[]) {
  const config = loadConfig({ env, require: "component" });
  const svc = startService(config, { log: silentLogger(), connect: false, masterKey, store: await openStore(config.database) });
  const { store } = svc.context;
  // The core's reads and writes over `records`: the store's own, or a batch's (as the service runs them).
  const depsOver = (records: typeof store.verification) =>
    verifyDeps({ clock: systemClock, config }, svc.features.identities.lookup, svc.features.progress.hooks, records);
  const deps = depsOver(store.verification);
  const requests: VerifyRequest[] = signed.map((s) => ({ signature: s.signature, headers: s.sent, verifierDomain: "other.org" }));
  const inputs = signed.map((s) => {
    const parsed = parseHashHeader(s.signature);
    if (typeof parsed === "string") throw new Error(parsed);
    return { secret: userSecret(s.jid), input: signingInput(alignSentFields(parsed.headerNames, s.sent), parsed.raw) };
  });
  const first = await verify(requests[0]!, deps);
  if (first.result !== "pass") throw new Error(`core bench request does not pass: ${first.reason}`);

  let sink = 0;
  const out = await alternate(5, {
    // As the service runs them under load: queued into a group commit, 64 to a
    // commit (the IQ benchmarks' concurrency), each in its own savepoint.
    core: () =>
      asyncOpsPerS(
        (i) =>
          store.writes.run(async (tx) => {
            sink += (await verify(requests[i % requests.length]!, depsOver(tx.verification))).result.length;
          }),
        600,
      ),
    hmac: () =>
      opsPerS((i) => {
        const r = inputs[i % inputs.length]!;
        sink += createHmac("sha256", r.secret).update(r.input, "utf8").digest()[0]!;
      }, 600),
  });
  // µs per stage, outside the table: where the core's time goes (bench/RESULTS.md).
  const stages = await stageTimes(requests, deps, svc.features.progress.hooks, svc.context);
  await svc.stop();
  if (sink < 0) console.log(sink);
  return { core_verify_per_s: out.core, hmac_per_s: out.hmac, core_vs_hmac: out.core / out.hmac, core_stages_us: stages, hmac_us: 1e6 / out.hmac };
}
