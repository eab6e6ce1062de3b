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
import { logIn, type XmppSession } from "../../mail/xmpp/xmpp-session.js";
import { bareJid } from "../../protocol/jid.js";

export interface WebSocketAccount {
  jid: string;
  password: string;
  /** ws:// or wss:// URL of the account's server (XEP-0156 found it when not configured). */
  websocketUrl: string;
  /** Milliseconds for login and for each IQ (default 15 s). */
  timeout?: number;
}

export async function openWebSocketSession(account: WebSocketAccount): Promise<XmppSession> {
  try {
    return await logIn({
      service: account.websocketUrl,
      jid: bareJid(account.jid),
      password: account.password,
      resource: "xsmtp-thunderbird",
      timeout: account.timeout ?? 15_000,
    });
  } catch (err) {
    throw new Error(`cannot log in to ${account.websocketUrl}: ${(err as Error).message}`);
  }
}
