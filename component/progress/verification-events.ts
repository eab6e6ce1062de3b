/**
 * What verification (§5) contributes to progress (§6), without XML: a pass
 * publishes `verified` (creating the signer's node if needed), a failure in
 * the name of an identity publishes `rejected` on that identity's existing
 * node (the core rate-limits it); and the owner's published recipient
 * domains feed replay detection. All of it is per (JID, Message-ID): the
 * node of the identity the signature names, never another identity's node
 * for the same Message-ID.
 *
 * References: PROTOCOL.md §5 (replay='suspected'), §6.
 */
import type { Verification } from "../../protocol/verification-outcome.js";
import { nodeName, parseNodeName, type NodeKey } from "../../protocol/progress-node.js";
import type { ProgressCore } from "./progress-core.js";
import type { ProgressItem } from "../../protocol/progress-event.js";
import type { ProgressStorage } from "./progress-storage.js";

export class VerificationEvents {
  constructor(private readonly core: ProgressCore) {}

  /** The recipient domains `jid` published for its message, or undefined when it published none. */
  async recipientDomains(jid: string, messageId: string): Promise<string[] | undefined> {
    const domains = await this.core.recipientDomains({ owner: jid, messageId });
    return domains.length > 0 ? domains : undefined;
  }

  /**
   * Publishes what a verification (made at `at`, by default now) means for
   * its message; returns the item, if any. `storage` is the transaction's,
   * when it runs inside one.
   */
  async onVerified(v: Verification, verifierDomain: string, at?: number, storage?: ProgressStorage): Promise<ProgressItem | undefined> {
    if (!v.jid || !v.messageId) return undefined;
    const key: NodeKey = { owner: v.jid, messageId: v.messageId };
    // A node no one could name (white space or an overlong Message-ID) would be unreachable: not created.
    if (!parseNodeName(nodeName(key))) return undefined;
    const core = storage ? this.core.using(storage) : this.core;
    if (v.result === "pass") return core.publishVerified(key, verifierDomain, at);
    if (v.result !== "fail" && v.result !== "permerror") return undefined;
    const item = await core.publishRejected(key, verifierDomain, v.reason, at);
    return typeof item === "string" ? undefined : item;
  }
}
