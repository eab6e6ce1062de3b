/**
 * Wires message progress (mod_pubsub.lua's part): the core over the store, the
 * broadcaster that sends headline notifications, the pubsub IQ handlers, the
 * disco identity, features, items and node info, the retention sweep, and the
 * hooks verification calls. Wired before verification, which takes the hooks;
 * what it reads of other features (enrollment, passes) is passed in.
 *
 * References: PROTOCOL.md §6, §7; XEP-0060 §4.6 (nodes in disco).
 */
import type { ServiceContext } from "../service-context.js";
import type { VerificationHooks } from "../verification/wiring.js";
import { pubsubHandler } from "./progress-adapter.js";
import { ProgressCore } from "./progress-core.js";
import { progressItems, progressNodeInfo, PUBSUB_FEATURES } from "./progress-disco.js";
import { nodeName } from "../../protocol/progress-node.js";
import { NS_PUBSUB, NS_PUBSUB_OWNER } from "../../protocol/namespaces.js";
import { notification } from "../../protocol/progress-payload.js";
import { VerificationEvents } from "./verification-events.js";

export interface Progress {
  core: ProgressCore;
  hooks: VerificationHooks;
  /** For the stats command (§8). */
  countNodes(): Promise<number>;
  /** Runs the retention sweep now; the timer runs it every hour (or every retention period, if shorter). */
  sweep(): Promise<{ nodes: number; seen: number }>;
}

/** What progress reads of the keys and verification features, handed in by features.ts. */
export interface ProgressReads {
  isEnrolled(jid: string): Promise<boolean>;
  hasPassed(owner: string, messageId: string, domain: string): Promise<boolean>;
  /** Verification's seen records expire with the nodes: removes those older than `before`. */
  sweepSeen(before: number): Promise<number>;
}

const SWEEP_EVERY_MS = 3_600_000;

export function wireProgress(ctx: ServiceContext, reads: ProgressReads): Progress {
  const { store, clock, config, router, disco, log } = ctx;
  const core = new ProgressCore({
    storage: store.progress,
    clock,
    admins: config.admins.map((a) => a.toLowerCase()),
    isEnrolled: reads.isEnrolled,
    hasPassed: reads.hasPassed,
    // Notifications leave only once the item is committed (an item written
    // inside a group commit waits for it). ctx.send never throws: an offline
    // subscriber loses nothing, the item stays retrievable.
    broadcast: (key, item, subscribers) =>
      store.writes.afterCommit(() => {
        for (const to of subscribers) void ctx.send(notification(config.domain, to, nodeName(key), item));
      }),
    retentionMs: config.retention * 1000,
    settle: () => ctx.deferred.flush(),
  });
  const events = new VerificationEvents(core);

  disco.addIdentity({ category: "pubsub", type: "service" });
  disco.addFeature(...PUBSUB_FEATURES);
  disco.addItems(progressItems(core, config.domain));
  disco.addNodeInfo(progressNodeInfo(core));
  const handler = pubsubHandler(core);
  for (const ns of [NS_PUBSUB, NS_PUBSUB_OWNER]) {
    router.get(ns, "pubsub", handler);
    router.set(ns, "pubsub", handler);
  }

  // The seen records (who may report delivery, replay counts) expire with the nodes they belong to.
  const sweep = async () => {
    const { before, removed } = await core.sweep();
    return { nodes: removed, seen: await reads.sweepSeen(before) };
  };
  const timer = setInterval(() => {
    sweep().then(
      (swept) => (swept.nodes || swept.seen) && log.info(swept, "progress retention sweep"),
      (err: Error) => log.warn({ reason: err.message }, "progress retention sweep failed; next time"),
    );
  }, Math.min(SWEEP_EVERY_MS, config.retention * 1000));
  timer.unref();
  ctx.onStop(() => clearInterval(timer));

  const hooks: VerificationHooks = {
    recipientDomains: (jid, messageId) => events.recipientDomains(jid, messageId),
    // Behind the answer: the verifier's reply waits only for its seen record;
    // the item and its headline follow in the next deferred batch (loss window in store/deferred-writes.ts).
    onVerified: (verification, { verifierDomain }) => {
      const at = clock.now();
      // Keyed by node: one node's items keep their order; other nodes' may be written beside them.
      ctx.deferred.add((tx) => events.onVerified(verification, verifierDomain, at, tx.progress), `${verification.jid}\0${verification.messageId}`);
    },
  };
  return { core, hooks, countNodes: () => core.countNodes(), sweep };
}
