/**
 * An XmppSession whose answers a test scripts: every request is recorded
 * ("to namespace"), and the script returns the reply's child, an <error/>
 * (rejected as xmpp.js rejects a StanzaError), "silent" (rejected after
 * `silentMs` as the session's own IQ timeout would) or "never".
 */
import xml from "@xmpp/xml";
import type XmlElement from "@xmpp/xml";
import type { XmppSession } from "../../mail/xmpp/xmpp-session.js";

export type Script = (to: string, payload: XmlElement.Element) => XmlElement.Element | "silent" | "never" | null;

export function scriptedSession(script: Script, asked: string[] = [], silentMs = 50): XmppSession {
  return {
    jid: "mx@other.org/gw",
    async request(_type, to, payload) {
      asked.push(`${to} ${payload.attrs.xmlns}`);
      const answer = script(to, payload);
      if (answer === "never") return new Promise(() => undefined);
      if (answer === "silent" || answer === null) {
        await new Promise((r) => setTimeout(r, silentMs));
        throw Object.assign(new Error("timeout"), { name: "TimeoutError" });
      }
      if (answer.name === "error") {
        const condition = answer.getChildElements()[0]?.name;
        throw Object.assign(new Error(condition ?? "error"), { condition });
      }
      return xml("iq", { type: "result", from: to }, answer);
    },
    async close() {},
  };
}
