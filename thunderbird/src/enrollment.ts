/**
 * Asks the sender's service since when the identity is enrolled: disco#info
 * with node=<bare JID> answers a form (FORM_TYPE urn:xmpp:xsmtp:0#identity)
 * with `enrolled-since`, or item-not-found. A young enrollment is worth
 * showing: an identity made yesterday vouches for less.
 *
 * References: PROTOCOL.md §7; XEP-0030 §3; XEP-0004 (forms); XEP-0128.
 */
import { xml } from "@xmpp/client";
import type { XmppSession } from "../../mail/xmpp/xmpp-session.js";
import { NS_DATA, NS_DISCO_INFO as NS_INFO, NS_XSMTP_IDENTITY_FORM as FORM_TYPE } from "../../protocol/namespaces.js";

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The XEP-0082 timestamp, or undefined when the service does not say (or says something else). */
export async function enrolledSince(session: Pick<XmppSession, "request">, service: string, jid: string): Promise<string | undefined> {
  const reply = await session.request("get", service, xml("query", { xmlns: NS_INFO, node: jid }));
  for (const form of reply.getChild("query", NS_INFO)?.getChildren("x", NS_DATA) ?? []) {
    const fields = form.getChildren("field");
    const value = (name: string) => fields.find((f) => f.attrs.var === name)?.getChildText("value")?.trim();
    if (value("FORM_TYPE") !== FORM_TYPE) continue;
    const since = value("enrolled-since");
    return since && TIMESTAMP.test(since) ? since : undefined;
  }
  return undefined;
}
