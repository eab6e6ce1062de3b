/**
 * Parses a `<pubsub/>` request into the one operation it asks for, or says
 * which XEP-0060 feature it would need. Only the subset of §6 is served:
 * retrieve items, publish, subscribe and unsubscribe.
 *
 * References: XEP-0060 §6.1.1, §6.2.1, §6.5.2, §6.5.7 (max_items), §6.5.8 (by id), §7.1.1, §7.1.5 (publish-options),
 * §10 (feature names).
 */
import type xml from "@xmpp/xml";
import { parseNodeName, type NodeKey } from "../../protocol/progress-node.js";
import { NS_PUBSUB } from "../../protocol/namespaces.js";

/** `node` is the name as sent (echoed in replies); `key` is what it names. */
export type PubsubRequest = { node: string; key: NodeKey } & (
  | { op: "retrieve"; maxItems?: number; ids?: string[] }
  | { op: "publish"; item: xml.Element | undefined }
  | { op: "subscribe" | "unsubscribe"; jid: string }
);

export type RequestError = "bad-request" | "nodeid-required" | "unknown-node" | { unsupported: string };

/** The XEP-0060 feature each request we do not serve belongs to, by namespace and element. */
const unsupported: Record<string, string> = {
  "pubsub create": "create-nodes",
  "pubsub configure": "config-node",
  "pubsub retract": "retract-items",
  "pubsub options": "subscription-options",
  "pubsub affiliations": "retrieve-affiliations",
  "pubsub subscriptions": "retrieve-subscriptions",
  "pubsub default": "retrieve-default",
  "owner configure": "config-node",
  "owner default": "retrieve-default",
  "owner delete": "delete-nodes",
  "owner purge": "purge-nodes",
  "owner subscriptions": "manage-subscriptions",
  "owner affiliations": "modify-affiliations",
};

const served: Record<string, "get" | "set"> = { items: "get", publish: "set", subscribe: "set", unsubscribe: "set" };

export function parsePubsub(type: "get" | "set", pubsub: xml.Element): PubsubRequest | RequestError {
  const first = pubsub.getChildElements()[0];
  if (!first) return "bad-request";
  const space = pubsub.getNS() === NS_PUBSUB ? "pubsub" : "owner";
  const feature = unsupported[`${space} ${first.name}`];
  if (feature) return { unsupported: feature };
  if (space !== "pubsub" || served[first.name] !== type) return "bad-request";
  const node = first.attrs.node;
  if (typeof node !== "string" || node === "") return "nodeid-required";
  // Every node we have is progress/<bare-jid>/<message-id>; a name that is not one cannot exist here.
  const key = parseNodeName(node);
  if (!key) return "unknown-node";
  switch (first.name) {
    case "items": {
      const max = first.attrs.max_items;
      if (max !== undefined && !/^[1-9]\d{0,8}$/.test(max)) return "bad-request";
      const ids = first.getChildren("item").map((i) => String(i.attrs.id ?? ""));
      return { op: "retrieve", node, key, ...(max ? { maxItems: Number(max) } : {}), ...(ids.length ? { ids } : {}) };
    }
    case "publish": {
      if (pubsub.getChild("publish-options")) return { unsupported: "publish-options" };
      const items = first.getChildren("item");
      return { op: "publish", node, key, item: items.length === 1 ? items[0] : undefined };
    }
    default:
      return { op: first.name as "subscribe" | "unsubscribe", node, key, jid: String(first.attrs.jid ?? "") };
  }
}
