/**
 * What verification (§5) contributes to progress (§6), without XML: a pass
 * publishes `verified` (creating the signer's node if needed), a failure in
 * the name of an identity publishes `rejected` on that identity's existing
 * node, rate-limited so that a flood of forged mail cannot flood its owner;
 * and the owner's published recipient domains feed replay detection. All of
 * it is per (JID, Message-ID): the node of the identity the signature names,
 * never another identity's node for the same Message-ID.
 *
 * References: PROTOCOL.md §5 (replay='suspected'), §6.
 */
import type { Verification } from "../../protocol/verification-outcome.js";
import { nodeName, parseNodeName, type NodeKey } from "../../protocol/progress-node.js";
import type { ProgressCore } from "./progress-core.js";
import type { ProgressItem } from "../../protocol/progress-event.js";

export const REJECTED_PER_HOUR = 10;
const HOUR_MS = 3_600_000;

export class VerificationEvents {
  constructor(
    private readonly core: ProgressCore,
    private readonly rejectedPerHour = REJECTED_PER_HOUR,
  ) {}

  /** The recipient domains `jid` published for its message, or undefined when it published none. */
  recipientDomains(jid: string, messageId: string): string[] | undefined {
    const domains = this.core.storage.recipientDomains({ owner: jid, messageId });
    return domains.length > 0 ? domains : undefined;
  }

  /** Publishes what a verification means for its message; returns the item, if any. */
  onVerified(v: Verification, verifierDomain: string): ProgressItem | undefined {
    if (!v.jid || !v.messageId) return undefined;
    const key: NodeKey = { owner: v.jid, messageId: v.messageId };
    // A node no one could name (white space or an overlong Message-ID) would be unreachable: not created.
    if (!parseNodeName(nodeName(key))) return undefined;
    const node = this.core.node(key);
    const at = this.core.clock.now();
    if (v.result === "pass") {
      const event = { stage: "verified" as const, at, by: verifierDomain, recipientDomains: [] };
      return this.core.append(key, verifierDomain, event, !node);
    }
    if ((v.result !== "fail" && v.result !== "permerror") || !node) return undefined;
    const storage = this.core.storage;
    if (storage.rejectedSince(key, at - HOUR_MS) >= this.rejectedPerHour) {
      storage.suppressRejected(key);
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
    return this.core.append(key, verifierDomain, event);
  }
}
