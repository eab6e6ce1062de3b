/**
 * What the gateway needs from the XSMTP service it runs in, declared here so
 * the policy depends on nothing of component/: cli/gateway-wiring.ts adapts
 * the running service's features to these interfaces. Plain data in and out;
 * XML only where an IQ is asked (the verifier's own payloads).
 *
 * References: PROTOCOL.md §1 (roles: the gateway is signer and verifier),
 * §5 (verify IQ), §6 (progress stages and who publishes them).
 */
import type XmlElement from "@xmpp/xml";
import type { XmppSession } from "../xmpp/xmpp-session.js";

export interface GatewayKey {
  keyId: string;
  /** 32 bytes; used to sign, never logged. */
  secret: Buffer;
}

/** A progress event the service publishes itself, for an identity it speaks for. */
export interface OwnProgress {
  stage: "submitted" | "relayed";
  recipients?: number;
  recipientDomains?: string[];
}

export interface GatewayService {
  /** The service's own JID, e.g. xsmtp.example.org: IQs to it are answered in process. */
  jid: string;
  /** The domains whose users the service speaks for (their mail is verified in process). */
  userDomains: readonly string[];
  /** The one enrolled identity allowed to send as this From address (lower case); undefined for none or several. */
  identityFor(address: string): Promise<string | undefined>;
  /**
   * The identity's active key labelled `gateway`, created on first use;
   * "revoked" when every gateway key of it was revoked (an admin switched
   * gateway signing off for that user alone).
   */
  gatewayKey(jid: string): Promise<GatewayKey | "revoked">;
  /** Answers an IQ addressed to the service itself, in process, as sent by the service: the result stanza, or a rejection with a `condition`. */
  ask(type: "get" | "set", payload: XmlElement.Element): Promise<XmlElement.Element>;
  /**
   * Publishes submitted then relayed (or any events given) to the identity's
   * node as the service itself, no XMPP round trip, in one write of the
   * service's group commit at the end of this event-loop turn: the reply to
   * Postfix does not wait for it. Resolves once committed. Loss window: a
   * crash within that turn loses these progress items, never the mail.
   */
  publish(owner: string, messageId: string, events: readonly OwnProgress[]): Promise<void>;
  /** IQs to other services, over the XMPP server (the component's own stream; s2s beyond it). */
  remote: Pick<XmppSession, "request">;
}
