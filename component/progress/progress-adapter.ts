/**
 * Message progress on the wire (mod_pubsub/pubsub.lib.lua's part): parses the
 * `<pubsub/>` request, asks the core as the bare JID that sent it, renders
 * the XEP-0060 result, and turns every error word into the wire error
 * through the one table below.
 *
 * References: PROTOCOL.md §6; XEP-0060 §6.1.2 (subscribe result), §6.1.3 (errors), §6.2.3.2 (not-subscribed),
 * §6.5.9 (items result), §6.5.9.3 (closed-node), §7.1.2 (publish result), §7.1.3 (publish errors).
 */
import xml from "@xmpp/xml";
import type { IqRequest } from "../xmpp/iq-router.js";
import { bareJid, domainOf } from "../../protocol/jid.js";
import { conditionsIn, stanzaError, type WireError } from "../xmpp/stanza-error.js";
import type { ProgressCore, ProgressError } from "./progress-core.js";
import { NS_PUBSUB, NS_PUBSUB_ERRORS } from "../../protocol/namespaces.js";
import { parseProgress, renderItem } from "../../protocol/progress-payload.js";
import { parsePubsub, type RequestError } from "./progress-request.js";

type ErrorWord = ProgressError | Exclude<RequestError, { unsupported: string }>;

const pubsubError = conditionsIn(NS_PUBSUB_ERRORS);

const wireErrors: Record<ErrorWord, WireError> = {
  "item-not-found": ["cancel", "item-not-found"],
  "unknown-node": ["cancel", "item-not-found"],
  "closed-node": ["cancel", "not-allowed", pubsubError("closed-node")],
  forbidden: ["auth", "forbidden"],
  "invalid-payload": ["modify", "bad-request", pubsubError("invalid-payload")],
  "invalid-jid": ["modify", "bad-request", pubsubError("invalid-jid")],
  "not-subscribed": ["cancel", "unexpected-request", pubsubError("not-subscribed")],
  "nodeid-required": ["modify", "bad-request", pubsubError("nodeid-required")],
  "bad-request": ["modify", "bad-request"],
};

function errorReply(error: ErrorWord | RequestError): xml.Element {
  if (typeof error === "object") {
    return stanzaError(["cancel", "feature-not-implemented", pubsubError("unsupported", { feature: error.unsupported })]);
  }
  return stanzaError(wireErrors[error]);
}

export function pubsubHandler(core: ProgressCore) {
  return async ({ from, type, payload }: IqRequest): Promise<xml.Element | undefined> => {
    const request = parsePubsub(type, payload);
    if (typeof request === "string" || !("op" in request)) return errorReply(request);
    const actor = { jid: bareJid(from), domain: domainOf(from) };
    const { node, key } = request;
    switch (request.op) {
      case "retrieve": {
        const items = await core.retrieve(actor, key, request);
        if (typeof items === "string") return errorReply(items);
        return xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node }, ...items.map(renderItem)));
      }
      case "publish": {
        // The core judges rights before the payload: a refused publisher learns nothing from its payload's fate.
        const item = await core.publish(actor, key, parseProgress(request.item));
        if (typeof item === "string") return errorReply(item);
        return xml("pubsub", { xmlns: NS_PUBSUB }, xml("publish", { node }, xml("item", { id: item.id })));
      }
      case "subscribe": {
        const subscribed = await core.subscribe(actor, key, request.jid);
        if (typeof subscribed === "string") return errorReply(subscribed);
        const attrs = { node, jid: subscribed.jid, subscription: "subscribed" };
        return xml("pubsub", { xmlns: NS_PUBSUB }, xml("subscription", attrs));
      }
      case "unsubscribe": {
        const done = await core.unsubscribe(actor, key, request.jid);
        return done === true ? undefined : errorReply(done);
      }
    }
  };
}
