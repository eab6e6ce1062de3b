/**
 * Which way a message goes through the gateway, decided from plain facts:
 * signed when it is outgoing (an internal client, a SASL login, or the
 * ORIGINATING submission service, as OpenDKIM decides) and its From is an
 * enrolled identity's address (for a SASL login, only that login's own
 * identity); verified when it carries an X-XMPP-Hash; otherwise passed on.
 *
 * References: PROTOCOL.md §1 (signer, verifier), §2 (X-XMPP-Hash), §3.1
 * (exactly one From); Postfix SASL_README ({auth_authen}), MILTER_README
 * (milter_macro_daemon_name); OpenDKIM opendkim.conf(5) InternalHosts, MTA.
 */
import { BlockList, isIP } from "node:net";
import { ORIGINATING } from "./gateway-settings.js";

export interface MessageFacts {
  /** The SMTP client's IP address, when it has one. */
  clientAddress?: string;
  /** {daemon_name}: the Postfix service that received the message. */
  daemonName?: string;
  /** {auth_authen}: the SASL login, when the client authenticated. */
  login?: string;
  /** The addresses of the From field(s), lower case; signing needs exactly one. */
  fromAddresses: string[];
  hasSignature: boolean;
}

export type Route =
  | { kind: "sign"; jid: string }
  | { kind: "verify" }
  | { kind: "pass"; why: string };

export interface RouteDeps {
  internal: BlockList;
  identityFor(address: string): string | undefined;
}

export function route(facts: MessageFacts, deps: RouteDeps): Route {
  const outgoing = outgoingBy(facts, deps.internal);
  let why = "not signed, and not outgoing";
  if (outgoing) {
    const signer = signerFor(facts, deps);
    if ("jid" in signer) return { kind: "sign", jid: signer.jid };
    why = signer.why;
  }
  return facts.hasSignature ? { kind: "verify" } : { kind: "pass", why };
}

/** Why the message counts as outgoing, or undefined when it comes from outside. */
export function outgoingBy(facts: MessageFacts, internal: BlockList): string | undefined {
  if (facts.login) return "sasl";
  if (facts.daemonName === ORIGINATING) return "originating";
  const address = facts.clientAddress;
  const family = address ? isIP(address) : 0;
  if (address && family && internal.check(address, family === 6 ? "ipv6" : "ipv4")) return "internal-host";
  return undefined;
}

function signerFor(facts: MessageFacts, deps: RouteDeps): { jid: string } | { why: string } {
  if (facts.fromAddresses.length !== 1) return { why: "outgoing, but not exactly one From address" };
  const jid = deps.identityFor(facts.fromAddresses[0]!);
  if (!jid) return { why: "outgoing, but From is no enrolled identity's address" };
  if (facts.login !== undefined && !loginIs(facts.login, jid)) return { why: "the SASL login is not the From address's identity" };
  return { jid };
}

/** A login names the identity as its bare JID or as its local part (Postfix logins are often local). */
export function loginIs(login: string, jid: string): boolean {
  const l = login.trim().toLowerCase();
  return l === jid || l === jid.slice(0, jid.indexOf("@"));
}

/** The BlockList of XSMTP_MILTER_INTERNAL_HOSTS entries (addresses or CIDR blocks, already validated). */
export function internalHosts(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split("/");
    const type = isIP(address!) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(bits), type);
  }
  return list;
}
