/**
 * The progress payload on the wire, `<progress xmlns='urn:xmpp:xsmtp:progress:0'/>`,
 * and what carries it: the client's publish request, the service's items
 * and headline notifications. Both sides build it here, so what a client
 * sends is what the service's parser reads.
 *
 * References: PROTOCOL.md §6; XEP-0060 §7.1 (publish), §7.1.2.1 (notification with payload), XEP-0082 (date-time).
 */
import xml from "@xmpp/xml";
import { xep82DateTime } from "./datetime.js";
import type { ProgressEvent, ProgressItem, Publication, PublishDraft } from "./progress-event.js";
import { progressNode } from "./progress-node.js";
import { NS_PROGRESS, NS_PUBSUB, NS_PUBSUB_EVENT } from "./namespaces.js";

export function renderProgress(e: ProgressEvent): xml.Element {
  return xml(
    "progress",
    {
      xmlns: NS_PROGRESS,
      stage: e.stage,
      at: xep82DateTime(e.at),
      by: e.by || undefined,
      reason: e.reason,
      recipients: e.recipients === undefined ? undefined : String(e.recipients),
      suppressed: e.suppressed === undefined ? undefined : String(e.suppressed),
    },
    ...e.recipientDomains.map((d) => xml("recipient-domain", {}, d)),
  );
}

export function renderItem(item: ProgressItem): xml.Element {
  return xml("item", { id: item.id }, renderProgress(item.event));
}

/**
 * The client's payload as a draft for the core to judge. `at`, `by` and
 * `reason` are ignored: the service stamps its own time and the publisher's
 * domain, so history cannot be back-dated or attributed to someone else.
 */
export function parseProgress(item: xml.Element | undefined): PublishDraft | "invalid-payload" {
  const payloads = item?.getChildElements() ?? [];
  const payload = payloads[0];
  if (payloads.length !== 1 || payload!.name !== "progress" || payload!.getNS() !== NS_PROGRESS) return "invalid-payload";
  const stage = payload!.attrs.stage;
  if (typeof stage !== "string") return "invalid-payload";
  const domains = payload!.getChildren("recipient-domain");
  if (domains.some((d) => d.getChildElements().length > 0)) return "invalid-payload";
  const recipients = payload!.attrs.recipients;
  return { stage, recipientDomains: domains.map((d) => d.text()), ...(recipients !== undefined ? { recipients: String(recipients) } : {}) };
}

/** The headline message that tells one subscriber about a new item (XEP-0060 §7.1.2.1). */
export function notification(from: string, to: string, node: string, item: ProgressItem): xml.Element {
  return xml(
    "message",
    { type: "headline", from, to },
    xml("event", { xmlns: NS_PUBSUB_EVENT }, xml("items", { node }, renderItem(item))),
  );
}

/**
 * A client's publish request for `owner`'s message (the signer its own JID,
 * a verifier the signature's `j`): no item id, `at` or `by`, which are the
 * service's to set.
 */
export function publishRequest(owner: string, messageId: string, event: Publication): xml.Element {
  const attrs: Record<string, string> = { xmlns: NS_PROGRESS, stage: event.stage };
  if (event.recipients !== undefined) attrs.recipients = String(event.recipients);
  const domains = (event.recipientDomains ?? []).map((d) => xml("recipient-domain", {}, d));
  return xml(
    "pubsub",
    { xmlns: NS_PUBSUB },
    xml("publish", { node: progressNode(owner, messageId) }, xml("item", {}, xml("progress", attrs, ...domains))),
  );
}
