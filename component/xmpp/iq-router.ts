/**
 * Routes IQ get/set requests to handlers by type, namespace and element name,
 * the way xmpp.js's iq-callee does, but in one map lookup and with one rule
 * for failures: a handler returns a payload (result), an `<error/>` (error
 * reply) or nothing (empty result); a handler that throws is a bug, logged and
 * answered `internal-server-error`. xmpp.js's iq-callee, which runs this
 * middleware, guarantees one reply per get/set, answers `service-unavailable`
 * when nothing is routed, rejects malformed IQs with `bad-request`, and never
 * answers results or errors.
 *
 * References: RFC 6120 §8.2.3 (IQ semantics), §8.3.3.19 (service-unavailable).
 */
import xml from "@xmpp/xml";
import type { Logger } from "../log/logger.js";
import { stanzaError } from "./stanza-error.js";

export interface IqRequest {
  /** The full JID the server stamped on the request; trusted (PROTOCOL.md §10). */
  from: string;
  /** The JID the request was addressed to (the component or a JID at it). */
  to: string;
  type: "get" | "set";
  id: string;
  /** The single payload child of the IQ. */
  payload: xml.Element;
}

export type IqReply = xml.Element | undefined;
export type IqHandler = (request: IqRequest) => IqReply | Promise<IqReply>;

/** The empty result of a handler that has nothing to return. */
export const EMPTY_RESULT = true;

export class IqRouter {
  private readonly handlers = new Map<string, IqHandler>();

  constructor(private readonly log: Logger) {}

  get(ns: string, name: string, handler: IqHandler): void {
    this.add("get", ns, name, handler);
  }

  set(ns: string, name: string, handler: IqHandler): void {
    this.add("set", ns, name, handler);
  }

  /** Whether anything answers this type, namespace and name. */
  has(type: string, ns: string, name: string): boolean {
    return this.handlers.has(`${type} ${ns} ${name}`);
  }

  /**
   * Answers one request: a payload, an `<error/>`, `true` for an empty
   * result, or `undefined` when nothing is routed (→ service-unavailable).
   */
  async dispatch(request: IqRequest): Promise<xml.Element | true | undefined> {
    const handler = this.handlers.get(`${request.type} ${request.payload.getNS()} ${request.payload.name}`);
    if (!handler) return undefined;
    try {
      return (await handler(request)) ?? EMPTY_RESULT;
    } catch (err) {
      this.log.error({ err, ns: request.payload.getNS(), from: request.from }, "IQ handler failed");
      return stanzaError(["cancel", "internal-server-error"]);
    }
  }

  private add(type: string, ns: string, name: string, handler: IqHandler): void {
    const key = `${type} ${ns} ${name}`;
    if (this.handlers.has(key)) throw new Error(`two handlers for ${key}`);
    this.handlers.set(key, handler);
  }
}
