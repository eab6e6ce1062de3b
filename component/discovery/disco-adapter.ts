/**
 * disco#info and disco#items on the wire: parses the query, asks the
 * registry, renders the answer. Domain errors map through one table.
 *
 * References: XEP-0030 §3.1 (info result), §3.2 (info errors), §4.1 (items), XEP-0128 §2.
 */
import xml from "@xmpp/xml";
import { renderForm } from "../forms/render-form.js";
import type { IqRequest } from "../xmpp/iq-router.js";
import { stanzaError, type WireError } from "../xmpp/stanza-error.js";
import type { DiscoError, DiscoRegistry } from "./registry.js";
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from "../../protocol/namespaces.js";

const wireErrors: Record<DiscoError, WireError> = {
  "item-not-found": ["cancel", "item-not-found"],
};

/**
 * info and items answer alike: the node asked about, the registry's answer
 * or its error word; only the children of <query/> differ.
 */
function discoHandler<T extends object>(
  xmlns: string,
  lookup: (node: string | undefined, from: string) => Promise<T | DiscoError>,
  children: (found: T) => xml.Element[],
) {
  return async ({ from, payload }: IqRequest) => {
    const node = payload.attrs.node;
    const found = await lookup(node, from);
    if (typeof found === "string") return stanzaError(wireErrors[found]);
    return xml("query", { xmlns, node }, ...children(found));
  };
}

export function discoInfoHandler(registry: DiscoRegistry) {
  return discoHandler(NS_DISCO_INFO, (node, from) => registry.info(node, from), (info) => [
    ...info.identities.map((i) => xml("identity", { category: i.category, type: i.type, name: i.name })),
    ...info.features.map((f) => xml("feature", { var: f })),
    ...info.forms.map(renderForm),
  ]);
}

export function discoItemsHandler(registry: DiscoRegistry) {
  return discoHandler(NS_DISCO_ITEMS, (node, from) => registry.items(node, from), (items) =>
    items.map((i) => xml("item", { jid: i.jid, node: i.node, name: i.name })),
  );
}
