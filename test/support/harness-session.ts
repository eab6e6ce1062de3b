/**
 * An XmppSession for the mail-side verifier that talks to the in-process
 * service of the stanza harness instead of a server. The user domain
 * example.org answers disco#items itself (as its XMPP server would) with a
 * chat room first and the XSMTP component second, so discovery must look.
 */
import parse from "@xmpp/xml/lib/parse.js";
import xml from "@xmpp/xml";
import type { XmppSession } from "../../mail/xmpp/xmpp-session.js";
import type { Harness } from "./stanza-harness.js";

export function harnessSession(h: Harness, from = "mx@other.org/gw", asked: string[] = []): XmppSession {
  let n = 0;
  return {
    jid: from,
    async request(type, to, payload) {
      asked.push(to);
      const id = `hs${++n}`;
      if (to === "example.org") {
        return xml("iq", { type: "result", id, from: to }, xml("query", { xmlns: "http://jabber.org/protocol/disco#items" },
          xml("item", { jid: "rooms.example.org" }), xml("item", { jid: "xsmtp.example.org" })));
      }
      if (to === "rooms.example.org") {
        return xml("iq", { type: "result", id, from: to }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" },
          xml("feature", { var: "http://jabber.org/protocol/muc" })));
      }
      // Re-parse: the payload was built with the client's xml, the harness speaks @xmpp/xml 0.13.
      const iq = parse(`<iq type='${type}' id='${id}' from='${from}' to='${to}'>${payload.toString()}</iq>`);
      const reply = await h.request(iq);
      if (!reply) throw new Error("no reply");
      if (reply.attrs.type === "error") {
        const condition = reply.getChild("error")?.getChildElements()[0]?.name;
        throw Object.assign(new Error(condition ?? "error"), { condition });
      }
      return reply;
    },
    async close() {},
  };
}
