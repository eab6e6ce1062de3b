/**
 * Publishes a progress event to a message's node at the sender's service:
 * `submitted` by the sending identity, `delivered` by a verifier with a pass.
 *
 * References: PROTOCOL.md §6; XEP-0060 §7.1 (publish).
 */
import { xml } from "@xmpp/client";
import type { XmppSession } from "./xmpp-session.js";

export const NS_PROGRESS = "urn:xmpp:xsmtp:progress:0";
const NS_PUBSUB = "http://jabber.org/protocol/pubsub";

export interface ProgressEvent {
  stage: "submitted" | "relayed" | "delivered" | "read";
  /** submitted only: the number of recipients and their domains (for replay detection). */
  recipients?: number;
  recipientDomains?: string[];
}

export function progressNode(messageId: string): string {
  return `progress/${messageId}`;
}

export function publishPayload(messageId: string, event: ProgressEvent): ReturnType<typeof xml> {
  const attrs: Record<string, string> = { xmlns: NS_PROGRESS, stage: event.stage };
  if (event.recipients !== undefined) attrs.recipients = String(event.recipients);
  const domains = (event.recipientDomains ?? []).map((d) => xml("recipient-domain", {}, d));
  return xml(
    "pubsub",
    { xmlns: NS_PUBSUB },
    xml("publish", { node: progressNode(messageId) }, xml("item", {}, xml("progress", attrs, ...domains))),
  );
}

export async function publishProgress(session: Pick<XmppSession, "request">, service: string, messageId: string, event: ProgressEvent): Promise<void> {
  await session.request("set", service, publishPayload(messageId, event));
}
