/**
 * Wires service discovery: the service's own identity, the disco features,
 * the XEP-0128 form of PROTOCOL.md §7, and the two IQ handlers.
 *
 * References: XEP-0030, XEP-0128, PROTOCOL.md §7.
 */
import type { ServiceContext } from "../service-context.js";
import { NS_DISCO_INFO, NS_DISCO_ITEMS, NS_XSMTP } from "../../protocol/namespaces.js";
import { discoInfoHandler, discoItemsHandler } from "./disco-adapter.js";

export function wireDiscovery({ router, disco, config }: ServiceContext): void {
  disco.addIdentity({ category: "component", type: "generic", name: "XSMTP" });
  disco.addFeature(NS_DISCO_INFO, NS_DISCO_ITEMS);
  disco.addForm(() => ({
    type: "result",
    formType: NS_XSMTP,
    fields: [
      { var: "versions", values: ["1"] },
      { var: "algorithms", values: ["hmac-sha256"] },
      { var: "max-signature-age", values: [String(config.maxSignatureAge)] },
      { var: "user-domains", values: config.userDomains },
    ],
  }));
  router.get(NS_DISCO_INFO, "query", discoInfoHandler(disco));
  router.get(NS_DISCO_ITEMS, "query", discoItemsHandler(disco));
}
