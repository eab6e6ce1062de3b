/**
 * An XmppSession (mail/xmpp/xmpp-session.ts's interface: request, close)
 * over XMPP-over-WebSocket, logged in as the reader's own account: what the
 * shared Verifier takes as its `connect`. @xmpp/client's browser build
 * speaks RFC 7395 (subprotocol "xmpp"); reconnection is off, because a
 * verdict must come now, and a broken session is replaced on next use.
 *
 * References: RFC 7395 (XMPP over WebSocket), RFC 6120 §6–§7 (SASL, bind),
 * §8.2.3 (IQ); PROTOCOL.md §1 (a verifier has any JID).
 */
import { client, xml } from "@xmpp/client";
import type { XmppSession } from "../../mail/xmpp/xmpp-session.js";
import { bareJid, domainOf } from "../../protocol/jid.js";

export interface WebSocketAccount {
  jid: string;
  password: string;
  /** ws:// or wss:// URL of the account's server (XEP-0156 found it when not configured). */
  websocketUrl: string;
  /** Milliseconds for login and for each IQ (default 15 s). */
  timeout?: number;
}

export async function openWebSocketSession(account: WebSocketAccount): Promise<XmppSession> {
  const bare = bareJid(account.jid);
  const timeout = account.timeout ?? 15_000;
  const xmpp = client({
    service: account.websocketUrl,
    domain: domainOf(bare),
    username: bare.slice(0, bare.indexOf("@")),
    password: account.password,
    resource: "xsmtp-thunderbird",
  });
  xmpp.reconnect.stop();
  xmpp.on("error", () => undefined); // failures reach the caller through start() and each request
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      xmpp.start(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("login timed out")), timeout))),
    ]);
  } catch (err) {
    await xmpp.stop().catch(() => undefined);
    throw new Error(`cannot log in to ${account.websocketUrl}: ${describe(err)}`);
  } finally {
    clearTimeout(timer);
  }
  return {
    jid: xmpp.jid?.toString() ?? bare,
    request: (type, to, payload) => xmpp.iqCaller.request(xml("iq", { type, to }, payload), timeout),
    close: async () => {
      await xmpp.stop().catch(() => undefined);
    },
  };
}

/** The cause, never the password (xmpp.js errors do not carry it). */
function describe(err: unknown): string {
  const e = err as { condition?: string; message?: string };
  return e?.condition ? `login refused: ${e.condition}` : (e?.message ?? String(err));
}
