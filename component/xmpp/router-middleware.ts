/**
 * Plugs the IqRouter into xmpp.js's middleware chain, behind its iq-callee
 * (which owns the one-reply-per-request rule and builds the reply stanza).
 *
 * References: RFC 6120 §8.2.3.
 */
import type { Component } from "@xmpp/component";
import type { IqRouter } from "./iq-router.js";

export function useRouter(xmpp: Component, router: IqRouter): void {
  xmpp.middleware.use((ctx, next) => {
    if (ctx.name !== "iq" || !ctx.element || (ctx.type !== "get" && ctx.type !== "set")) return next();
    const { attrs } = ctx.stanza;
    return router.dispatch({
      from: attrs.from ?? "",
      to: attrs.to ?? "",
      type: ctx.type,
      id: attrs.id ?? "",
      payload: ctx.element,
    });
  });
}
