/**
 * Finds the XSMTP service that speaks for a JID: the s= tag when it is the
 * JID's domain or a subdomain of it; otherwise disco#items on the domain and
 * disco#info on the first 10 items that are the domain or a subdomain of it,
 * in order, the first advertising urn:xmpp:xsmtp:0 — all within one
 * deadline, so a domain listing 1000 items or answering slowly costs at
 * most that long. Nothing outside the domain is ever asked, so a forged s=
 * or item cannot send the verifier (and the message's headers) elsewhere.
 *
 * References: PROTOCOL.md §4, §7, §3.2 (linear parsing); XEP-0030 §3 (info), §4 (items).
 */
import { xml } from "@xmpp/client";
import type XmlElement from "@xmpp/xml";
import { toALabel } from "../../protocol/domains.js";
import { domainOf } from "../../protocol/jid.js";
import type { XmppSession } from "../xmpp/xmpp-session.js";
import { NS_DISCO_INFO, NS_DISCO_ITEMS, NS_XSMTP } from "../../protocol/namespaces.js";

const NO_ITEMS = new Set(["item-not-found", "feature-not-implemented", "service-unavailable"]);
export const MAX_ITEMS_ASKED = 10;
export const DISCOVERY_DEADLINE_MS = 20_000;

/** The discovery deadline passed: a temperror, unlike "no service". */
export class DiscoveryTimeout extends Error {}

/** A domain JID (A-label, lower case) that is `domain` or a subdomain of it; else null (PROTOCOL.md §2 s, §4). */
export function serviceAllowed(domain: string, service: string): string | null {
  const s = service.trim().toLowerCase();
  if (s.includes("@") || s.includes("/")) return null;
  const name = toALabel(s);
  return name !== null && (name === domain || name.endsWith("." + domain)) ? name : null;
}

/**
 * The items of a disco#items answer that may be asked, in order, at most
 * `max`: no node, a jid that is the domain or a subdomain. One pass over the
 * children, stopping once `max` are found.
 */
export function discoCandidates(answer: XmlElement.Element, domain: string, max = MAX_ITEMS_ASKED): string[] {
  const query = answer.getChild("query", NS_DISCO_ITEMS);
  const found: string[] = [];
  for (const item of query?.children ?? []) {
    if (found.length >= max) break;
    if (typeof item === "string" || item.name !== "item" || item.attrs.node !== undefined) continue;
    const jid = typeof item.attrs.jid === "string" && item.attrs.jid.length <= 253 ? serviceAllowed(domain, item.attrs.jid) : null;
    if (jid) found.push(jid);
  }
  return found;
}

export interface DiscoveryOptions {
  /** One deadline for the whole discovery, in milliseconds (default 20 s). */
  deadlineMs?: number;
}

/** The service JID, or null when the domain has none. Rejects (DiscoveryTimeout or an IQ error) when it cannot tell. */
export async function findService(
  session: Pick<XmppSession, "request">,
  jid: string,
  s?: string,
  options: DiscoveryOptions = {},
): Promise<string | null> {
  const domain = toALabel(domainOf(jid)) ?? domainOf(jid);
  const fromTag = s === undefined ? null : serviceAllowed(domain, s);
  if (fromTag) return fromTag;
  const until = Date.now() + (options.deadlineMs ?? DISCOVERY_DEADLINE_MS);
  const ask = (to: string, ns: string) =>
    Date.now() >= until
      ? Promise.reject(new DiscoveryTimeout("discovery deadline passed"))
      : beforeDeadline(session.request("get", to, xml("query", { xmlns: ns })), until);
  const items = await ask(domain, NS_DISCO_ITEMS).catch((err: { condition?: string }) => {
    // The domain answered, and said it has no items: no service, for good. Anything else may pass.
    if (err?.condition && NO_ITEMS.has(err.condition)) return null;
    throw err;
  });
  if (!items) return null;
  for (const candidate of discoCandidates(items, domain)) {
    const info = await ask(candidate, NS_DISCO_INFO).catch((err) => {
      if (err instanceof DiscoveryTimeout) throw err;
      return null; // this item cannot say; the next may
    });
    const features = info?.getChild("query", NS_DISCO_INFO)?.getChildren("feature") ?? [];
    if (features.some((f) => f.attrs.var === NS_XSMTP)) return candidate;
  }
  return null;
}

/** The request's answer, or DiscoveryTimeout once `until` has passed; a late answer is dropped. */
function beforeDeadline<T>(request: Promise<T>, until: number): Promise<T> {
  request.catch(() => undefined); // a late rejection, after the deadline, is nobody's business
  const left = until - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DiscoveryTimeout("discovery deadline passed")), left);
  });
  return Promise.race([request, deadline]).finally(() => clearTimeout(timer));
}
