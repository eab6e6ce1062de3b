/**
 * What verification (§5) contributes to progress (§6), without XML: a pass
 * publishes `verified` (creating the signer's node if needed), a failure in
 * the name of an identity publishes `rejected` on that identity's existing
 * node, rate-limited so that a flood of forged mail cannot flood its owner;
 * and the owner's published recipient domains feed replay detection.
 *
 * References: PROTOCOL.md §5 (replay='suspected'), §6.
 */
import type { Verification } from "../verification/outcome.js";
import type { ProgressCore } from "./progress-core.js";
import type { ProgressItem } from "./progress-event.js";

export const REJECTED_PER_HOUR = 10;
const HOUR_MS = 3_600_000;

export class VerificationEvents {
  constructor(
    private readonly core: ProgressCore,
    private readonly rejectedPerHour = REJECTED_PER_HOUR,
  ) {}

  /**
   * The recipient domains `jid` published for the message, or undefined when
   * it published none — or when the node belongs to another identity that
   * signed the same Message-ID, whose list says nothing about `jid`'s mail.
   */
  recipientDomains(jid: string, messageId: string): string[] | undefined {
    const node = this.core.node(messageId);
    if (!node || node.owner !== jid) return undefined;
    const domains = this.core.storage.recipientDomains(messageId);
    return domains.length > 0 ? domains : undefined;
  }

  /** Publishes what a verification means for its message; returns the item, if any. */
  onVerified(v: Verification, verifierDomain: string): ProgressItem | undefined {
    if (!v.jid || !v.messageId) return undefined;
    const node = this.core.node(v.messageId);
    // Another identity's node for the same Message-ID: its history is not ours to write.
    if (node && node.owner !== v.jid) return undefined;
    const at = this.core.clock.now();
    if (v.result === "pass") {
      const event = { stage: "verified" as const, at, by: verifierDomain, recipientDomains: [] };
      return this.core.append(v.messageId, verifierDomain, event, node ? undefined : v.jid);
    }
    if ((v.result !== "fail" && v.result !== "permerror") || !node) return undefined;
    const storage = this.core.storage;
    if (storage.rejectedSince(v.messageId, at - HOUR_MS) >= this.rejectedPerHour) {
      storage.suppressRejected(v.messageId);
      return undefined;
    }
    const event = {
      stage: "rejected" as const,
      at,
      by: verifierDomain,
      reason: v.reason,
      recipientDomains: [],
      ...(node.suppressed > 0 ? { suppressed: node.suppressed } : {}),
    };
    return this.core.append(v.messageId, verifierDomain, event);
  }
}
