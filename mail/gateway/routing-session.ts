/**
 * The XMPP session the gateway's verifier uses: IQs addressed to the
 * gateway's own service are answered in process (its own users' mail needs
 * no round trip through the XMPP server), everything else goes out on the
 * component's stream, so a remote service sees the gateway's component JID
 * (xsmtp.other.org) asking, over the XMPP server and s2s.
 *
 * References: PROTOCOL.md §4, §5; XEP-0114 (a component sends as its JID).
 */
import type XmlElement from "@xmpp/xml";
import type { XmppSession } from "../xmpp/xmpp-session.js";
import type { GatewayService } from "./gateway-ports.js";

export function routingSession(service: GatewayService): XmppSession {
  return {
    jid: service.jid,
    request: (type: "get" | "set", to: string, payload: XmlElement.Element) =>
      to.toLowerCase() === service.jid ? service.ask(type, payload) : service.remote.request(type, to, payload),
    // The component's stream belongs to the service: closing the verifier leaves it up.
    close: async () => undefined,
  };
}

/** The gateway's own service for its own user domains; discovery for any other. */
export function knownServiceOf(service: GatewayService): (domain: string) => string | undefined {
  return (domain) => (service.userDomains.includes(domain) ? service.jid : undefined);
}
