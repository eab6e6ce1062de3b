/**
 * One XMPP client session for the mail-side tools (verifier, progress
 * publisher): log in, send IQs with a timeout, log out. Reconnection is
 * switched off: a mail filter must answer now (temperror) rather than retry
 * forever. The password is passed to the SASL layer only, never logged.
 *
 * References: RFC 6120 §6 (SASL), §7 (resource binding), §8.2.3 (IQ).
 */
import { client, xml, type Client } from "@xmpp/client";
import type XmlElement from "@xmpp/xml";
import { bareJid, domainOf } from "../../protocol/jid.js";

export interface SessionOptions {
  jid: string;
  password: string;
  /** xmpp://host:port; default: the JID's domain on port 5222. */
  server?: string;
  /** Milliseconds for login and for each IQ. */
  timeout?: number;
}

export interface XmppSession {
  jid: string;
  /** Sends an IQ and resolves with the result stanza; rejects on an IQ error (StanzaError) or timeout. */
  request(type: "get" | "set", to: string, payload: XmlElement.Element): Promise<XmlElement.Element>;
  close(): Promise<void>;
}

/** The session could not be opened: server unreachable, login refused, timeout. */
export class SessionError extends Error {}

export async function openSession(options: SessionOptions): Promise<XmppSession> {
  const bare = bareJid(options.jid);
  return logIn({
    service: options.server ?? `xmpp://${domainOf(bare)}:5222`,
    jid: bare,
    password: options.password,
    resource: `xsmtp-${process.pid}`,
    timeout: options.timeout ?? 15_000,
  });
}

/** Where and as whom a session logs in: a TCP (xmpp://) or WebSocket (ws://, wss://) service. */
export interface LoginOptions {
  service: string;
  /** Bare JID, lower case. */
  jid: string;
  password: string;
  resource: string;
  /** Milliseconds for login and for each IQ. */
  timeout: number;
}

/**
 * Logs in with reconnection off and one deadline for the login, and returns
 * the session; rejects with a SessionError that names the cause, never the
 * credentials. The verifier's TCP session and the Thunderbird add-on's
 * WebSocket session (RFC 7395) are both this, on another service URL.
 */
export async function logIn(options: LoginOptions): Promise<XmppSession> {
  const { jid: bare, timeout } = options;
  const xmpp: Client = client({
    service: options.service,
    domain: domainOf(bare),
    username: bare.slice(0, bare.indexOf("@")),
    password: options.password,
    resource: options.resource,
  });
  xmpp.reconnect.stop();
  // Errors after start are reported through the IQ promises; an unhandled 'error' would end the process.
  xmpp.on("error", () => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      xmpp.start(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new SessionError("login timed out")), timeout))),
    ]);
  } catch (err) {
    await xmpp.stop().catch(() => undefined);
    throw err instanceof SessionError ? err : new SessionError(describe(err));
  } finally {
    clearTimeout(timer);
  }
  return {
    jid: xmpp.jid?.toString() ?? bare,
    request: (type, to, payload) => xmpp.iqCaller.request(xml("iq", { type, to }, payload), timeout),
    close: async () => {
      // Requests still pending (a discovery abandoned at its deadline) hold a
      // timer each that would keep the process alive until it fires: a mail
      // filter must exit once it has answered. Rejecting them clears the timers.
      const pending = (xmpp.iqCaller as unknown as { handlers?: Map<string, { reject(err: Error): void }> }).handlers;
      for (const deferred of pending?.values() ?? []) deferred.reject(new SessionError("session closed"));
      pending?.clear();
      await xmpp.stop().catch(() => undefined);
    },
  };
}

/** A cause worth showing, never the credentials (xmpp.js errors do not carry them). */
function describe(err: unknown): string {
  const e = err as { condition?: string; code?: string; message?: string };
  if (e?.condition) return `login refused: ${e.condition}`;
  if (e?.code) return `cannot connect: ${e.code}`;
  return e?.message ?? String(err);
}
