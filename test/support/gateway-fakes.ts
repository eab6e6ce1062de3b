/**
 * A GatewayService in memory for the policy's unit tests, and milter
 * messages built as the session builds them; edits applied to a header list
 * the way Postfix applies them (CHGHEADER index counts fields of one name,
 * INSHEADER index 0 is the top).
 */
import { xml } from "@xmpp/client";
import type XmlElement from "@xmpp/xml";
import { MessageState } from "../../mail/milter/milter-message.js";
import type { MilterAction, MilterHeader, MilterMessage } from "../../mail/milter/index.js";
import type { GatewayKey, GatewayService, OwnProgress } from "../../mail/gateway/index.js";
import type { GatewaySettings } from "../../mail/gateway/index.js";

export const SETTINGS: GatewaySettings = {
  internalHosts: ["127.0.0.0/8", "10.0.0.0/8"],
  authservId: "mx.other.org",
  onFail: "mark",
  onTemperror: "accept",
  verifyDeadlineMs: 2000,
};

export interface FakeService extends GatewayService {
  published: Array<{ owner: string; messageId: string; event: OwnProgress }>;
  asked: XmlElement.Element[];
  remoteAsked: Array<{ type: string; to: string; payload: XmlElement.Element }>;
  keys: Map<string, GatewayKey | "revoked">;
}

export function fakeService(options: {
  jid?: string;
  identities?: Record<string, string>;
  ask?: (payload: XmlElement.Element) => Promise<XmlElement.Element>;
  remote?: (type: string, to: string, payload: XmlElement.Element) => Promise<XmlElement.Element>;
} = {}): FakeService {
  const service: FakeService = {
    jid: options.jid ?? "xsmtp.example.org",
    userDomains: [(options.jid ?? "xsmtp.example.org").replace(/^xsmtp\./, "")],
    published: [],
    asked: [],
    remoteAsked: [],
    keys: new Map(),
    identityFor: async (address) => options.identities?.[address],
    async gatewayKey(jid) {
      let key = service.keys.get(jid);
      if (!key) service.keys.set(jid, (key = { keyId: "gateway-0a1b2c", secret: Buffer.alloc(32, 7) }));
      return key;
    },
    ask: async (type, payload) => {
      service.asked.push(payload);
      if (!options.ask) throw { condition: "service-unavailable" };
      return options.ask(payload);
    },
    publish: async (owner, messageId, events) => void service.published.push(...events.map((event) => ({ owner, messageId, event }))),
    remote: {
      request: async (type, to, payload) => {
        service.remoteAsked.push({ type, to, payload });
        if (!options.remote) throw new Error("no answer");
        return options.remote(type, to, payload);
      },
    },
  };
  return service;
}

/** An IQ result holding a `<verification/>` (what a service answers). */
export const answer = (attrs: Record<string, string>, ...children: XmlElement.Element[]) =>
  xml("iq", { type: "result" }, xml("verification", { xmlns: "urn:xmpp:xsmtp:0", ...attrs }, ...children));

export const passAnswer = (jid: string, key: string, messageId: string) =>
  answer({ result: "pass", jid, key }, xml("from", { authorized: "true" }, jid), xml("message-id", {}, messageId), xml("seen", { verifications: "1", domains: "1" }));

export function header(name: string, value: string): MilterHeader {
  return { name, value, raw: Buffer.from(value) };
}

/** A message as the session holds it at end of message; the body goes through the policy's bodyChunk. */
export function milterMessage(o: {
  client?: string;
  macros?: Array<[string, string]>;
  recipients?: string[];
  headers: MilterHeader[];
}): MilterMessage {
  const m = new MessageState({ maxHeaderBytes: 1 << 20, maxBodyBytes: 1 << 20 });
  if (o.client) m.client = { hostname: "client.example", family: "4", address: o.client, port: 40000 };
  m.setMacros("M", o.macros ?? []);
  m.recipients = (o.recipients ?? ["bob@other.org"]).map((address) => ({ address, parameters: [], macros: new Map() }));
  for (const h of o.headers) m.addHeader(h);
  return m;
}

/** The header list after Postfix applied the edits (deletes by per-name index, inserts at an index). */
export function applyEdits(headers: MilterHeader[], actions: MilterAction[] = []): MilterHeader[] {
  let out = [...headers];
  for (const a of actions) {
    if (a.type === "deleteHeader") {
      const same = out.filter((h) => h.name.toLowerCase() === a.name.toLowerCase());
      const target = same[a.index - 1];
      out = out.filter((h) => h !== target);
    } else if (a.type === "insertHeader") {
      const value = a.value.replaceAll("\r\n", "\n");
      out.splice(a.index, 0, header(a.name, value));
    }
  }
  return out;
}
