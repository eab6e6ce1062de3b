/**
 * Hostile XSMTP components an attacker could attach to a server (XEP-0114):
 * each answers disco and verify IQs with a script of its own and records
 * every request it got, so a test can tell what a verifier asked.
 */
import { component, xml, type Component } from "@xmpp/component";
import type XmlElement from "@xmpp/xml";

export type Answer = XmlElement.Element | "silent";
export interface HostileScript {
  items?: () => XmlElement.Element[];
  /** disco#info answer; "silent" never answers. */
  info?: () => Answer;
  verify?: (payload: XmlElement.Element) => Answer;
}

export interface HostileComponent {
  asked: string[];
  stop(): Promise<void>;
}

const NS_ITEMS = "http://jabber.org/protocol/disco#items";
const NS_INFO = "http://jabber.org/protocol/disco#info";

export async function attachHostile(port: number, domain: string, secret: string, script: HostileScript): Promise<HostileComponent> {
  const xmpp: Component = component({ service: `xmpp://127.0.0.1:${port}`, domain, password: secret });
  xmpp.reconnect.stop();
  xmpp.on("error", () => undefined);
  const asked: string[] = [];
  const answer = (a: Answer | undefined) => (a === "silent" ? new Promise(() => undefined) : a);
  const record = (ns: string) => (ctx: { element?: XmlElement.Element }) => {
    asked.push(ns);
    if (ns === NS_ITEMS) return xml("query", { xmlns: NS_ITEMS }, ...(script.items?.() ?? []));
    if (ns === NS_INFO) return answer(script.info?.() ?? xml("query", { xmlns: NS_INFO }));
    return answer(script.verify?.(ctx.element!));
  };
  xmpp.iqCallee.get(NS_ITEMS, "query", record(NS_ITEMS));
  xmpp.iqCallee.get(NS_INFO, "query", record(NS_INFO));
  xmpp.iqCallee.get("urn:xmpp:xsmtp:0", "verify", record("urn:xmpp:xsmtp:0"));
  await xmpp.start();
  return { asked, stop: async () => void (await xmpp.stop().catch(() => undefined)) };
}
