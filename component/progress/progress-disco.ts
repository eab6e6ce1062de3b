/**
 * Progress in service discovery, as plain data for the disco adapter: the
 * requester's own nodes as the service's items (newest first, at most 100),
 * and disco#info on a node for its owner or an admin: a pubsub leaf with its
 * XEP-0060 meta-data. Anyone else gets item-not-found, as for a node that
 * does not exist.
 *
 * References: PROTOCOL.md §7; XEP-0060 §5.2 (discover nodes), §5.3 (node info), §5.4 (node meta-data), §16.4.3.
 */
import { xep82DateTime } from "../../protocol/datetime.js";
import type { DiscoItem, ItemsProvider, NodeInfoProvider } from "../discovery/registry.js";
import { bareJid, domainOf } from "../../protocol/jid.js";
import type { ProgressCore } from "./progress-core.js";
import { nodeName, NODE_PREFIX, parseNodeName } from "../../protocol/progress-node.js";
import { NS_PROGRESS, NS_PUBSUB } from "../../protocol/namespaces.js";

export const MAX_DISCO_ITEMS = 100;

/** The pubsub features this service implements (XEP-0060 §10), advertised on the service and on every node. */
export const PUBSUB_FEATURES = [
  NS_PUBSUB,
  `${NS_PUBSUB}#retrieve-items`,
  `${NS_PUBSUB}#subscribe`,
  `${NS_PUBSUB}#publish`,
  `${NS_PUBSUB}#persistent-items`,
];

export function progressItems(core: ProgressCore, serviceJid: string): ItemsProvider {
  return async (requester): Promise<DiscoItem[]> => {
    const owner = bareJid(requester);
    return (await core.ownNodes(owner, MAX_DISCO_ITEMS)).map((messageId) => ({ jid: serviceJid, node: nodeName({ owner, messageId }) }));
  };
}

export function progressNodeInfo(core: ProgressCore): NodeInfoProvider {
  return async (node, requester) => {
    if (!node.startsWith(NODE_PREFIX)) return undefined;
    const key = parseNodeName(node);
    if (key === undefined) return "item-not-found";
    const seen = await core.visibleNode({ jid: bareJid(requester), domain: domainOf(requester) }, key);
    if (seen === "item-not-found") return seen;
    return {
      identities: [{ category: "pubsub", type: "leaf" }],
      features: PUBSUB_FEATURES,
      forms: [
        {
          type: "result",
          formType: `${NS_PUBSUB}#meta-data`,
          fields: [
            { var: "pubsub#type", values: [NS_PROGRESS] },
            { var: "pubsub#owner", type: "jid-multi", values: [seen.owner] },
            { var: "pubsub#creation_date", values: [xep82DateTime(seen.createdAt)] },
            { var: "pubsub#max_items", values: [String(core.maxItems)] },
            { var: "pubsub#num_subscribers", values: [String(seen.subscribers)] },
          ],
        },
      ],
    };
  };
}
