/**
 * Finds the XSMTP service that speaks for a JID: the s= tag when it is the
 * JID's domain or a subdomain of it; otherwise disco#items on the domain and
 * disco#info on each item, in order, the first advertising urn:xmpp:xsmtp:0.
 * Nothing else is ever asked, so a forged s= cannot send the verifier (and
 * the message's headers) to an arbitrary entity.
 *
 * References: PROTOCOL.md §4, §7; XEP-0030 §3 (info), §4 (items).
 */
import { xml } from "@xmpp/client";
import { domainOf } from "../xmpp/jid.js";
import type { XmppSession } from "./xmpp-session.js";

export const NS_XSMTP = "urn:xmpp:xsmtp:0";
const NS_ITEMS = "http://jabber.org/protocol/disco#items";
const NS_INFO = "http://jabber.org/protocol/disco#info";
const NO_ITEMS = new Set(["item-not-found", "feature-not-implemented", "service-unavailable"]);

/** Whether s= may be used for j= (PROTOCOL.md §2 s, §4 step 1). */
export function serviceAllowed(jid: string, service: string): boolean {
  const domain = domainOf(jid);
  const s = service.trim().toLowerCase();
  return s === domain || s.endsWith("." + domain);
}

/** The service JID, or null when the domain has none. Rejects when the domain cannot be asked. */
export async function findService(session: Pick<XmppSession, "request">, jid: string, s?: string): Promise<string | null> {
  if (s && serviceAllowed(jid, s) && !s.includes("@") && !s.includes("/")) return s.trim().toLowerCase();
  const domain = domainOf(jid);
  const items = await session.request("get", domain, xml("query", { xmlns: NS_ITEMS })).catch((err: { condition?: string }) => {
    // The domain answered, and said it has no items: no service, for good. Anything else may pass.
    if (err?.condition && NO_ITEMS.has(err.condition)) return null;
    throw err;
  });
  if (!items) return null;
  const candidates = (items.getChild("query", NS_ITEMS)?.getChildren("item") ?? [])
    .filter((item) => !item.attrs.node && item.attrs.jid)
    .map((item) => item.attrs.jid!);
  for (const candidate of candidates) {
    const info = await session.request("get", candidate, xml("query", { xmlns: NS_INFO })).catch(() => null);
    const features = info?.getChild("query", NS_INFO)?.getChildren("feature") ?? [];
    if (features.some((f) => f.attrs.var === NS_XSMTP)) return candidate;
  }
  return null;
}
