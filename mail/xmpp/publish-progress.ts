/**
 * Publishes a progress event to a message's node at the sender's service:
 * `submitted` by the sending identity, `delivered` by a verifier with a pass.
 * The node is named for the signing identity and the Message-ID
 * (revision 0.1), so both callers say whose message it is: the signer its own
 * JID, the verifier the signature's `j`.
 *
 * References: PROTOCOL.md §6; XEP-0060 §7.1 (publish).
 */
import { xml } from "@xmpp/client";
import type { Publication } from "../../protocol/progress-event.js";
import { progressNode } from "../../protocol/progress-node.js";
import type { XmppSession } from "./xmpp-session.js";
import { NS_PROGRESS, NS_PUBSUB } from "../../protocol/namespaces.js";

export function publishPayload(owner: string, messageId: string, event: Publication): ReturnType<typeof xml> {
  const attrs: Record<string, string> = { xmlns: NS_PROGRESS, stage: event.stage };
  if (event.recipients !== undefined) attrs.recipients = String(event.recipients);
  const domains = (event.recipientDomains ?? []).map((d) => xml("recipient-domain", {}, d));
  return xml(
    "pubsub",
    { xmlns: NS_PUBSUB },
    xml("publish", { node: progressNode(owner, messageId) }, xml("item", {}, xml("progress", attrs, ...domains))),
  );
}

export async function publishProgress(
  session: Pick<XmppSession, "request">,
  service: string,
  owner: string,
  messageId: string,
  event: Publication,
): Promise<void> {
  await session.request("set", service, publishPayload(owner, messageId, event));
}
