// Component connections that answer an echo IQ with their own name, so a test
// can tell which of several connections for one component domain (ejabberd's
// domain_balancing) served each stanza.
import { xml } from "@xmpp/client";
import type { Client } from "@xmpp/client";
import { attachComponent, type ComponentAttempt } from "./component-probe.js";

const NS_ECHO = "urn:xsmtp:test:echo";

export interface EchoConnection {
  name: string;
  attempt: ComponentAttempt;
  /** IQs this connection answered. */
  served: number;
}

/** Attaches one more connection as the component domain; it answers every echo IQ with its name. */
export async function attachEcho(name: string, options: { port: number; secret: string; domain?: string }): Promise<EchoConnection> {
  const attempt = await attachComponent(options);
  const echo: EchoConnection = { name, attempt, served: 0 };
  attempt.xmpp.iqCallee.get(NS_ECHO, "echo", (ctx) => {
    echo.served++;
    return xml("echo", { xmlns: NS_ECHO, by: name }, ctx.element?.text() ?? "");
  });
  return echo;
}

/**
 * Sends one echo IQ to the component domain: the name of the connection that
 * answered, or undefined when nothing came back within `timeoutMs` (ejabberd
 * drops a stanza whose balancing slot has no connection, without an error).
 */
export async function echoVia(c: Client, to: string, timeoutMs = 10_000): Promise<string | undefined> {
  const iq = xml("iq", { type: "get", to }, xml("echo", { xmlns: NS_ECHO }, "ping"));
  try {
    const reply = await c.iqCaller.request(iq, timeoutMs);
    return reply.getChild("echo", NS_ECHO)?.attrs.by;
  } catch (error) {
    if ((error as Error).name === "TimeoutError") return undefined;
    throw error;
  }
}
