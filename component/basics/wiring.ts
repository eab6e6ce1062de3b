/**
 * Wires the small protocols every XMPP entity should answer: ping, time and
 * version. Ping answers with an empty result.
 *
 * References: XEP-0199 §4.2 (component ping), XEP-0202, XEP-0092.
 */
import type { ServiceContext } from "../service-context.js";
import { NS_PING, NS_TIME, NS_VERSION } from "../../protocol/namespaces.js";
import { timeHandler } from "./time.js";
import { versionHandler } from "./version.js";

export function wireBasics({ router, disco, clock }: ServiceContext): void {
  disco.addFeature(NS_PING, NS_TIME, NS_VERSION);
  router.get(NS_PING, "ping", () => undefined);
  router.get(NS_TIME, "time", timeHandler(clock));
  router.get(NS_VERSION, "query", versionHandler());
}
