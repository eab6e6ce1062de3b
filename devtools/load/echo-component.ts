/**
 * The baseline for verify_iq_per_s: a component on the same xmpp.js stack
 * (@xmpp/component 0.13.1) that answers the verify IQ with an empty result,
 * doing no work. Run as its own process, like `xsmtp run`.
 * Usage: node echo-component.js SERVICE DOMAIN SECRET
 */
import { component } from "@xmpp/component";
import { NS_XSMTP } from "../../protocol/namespaces.js";

const [service, domain, password] = process.argv.slice(2);
const xmpp = component({ service: service!, domain: domain!, password: password! });
xmpp.on("error", () => {});
xmpp.iqCallee.get(NS_XSMTP, "verify", () => true);
xmpp.on("online", () => process.stdout.write("online\n"));
process.once("SIGTERM", () => void xmpp.stop().finally(() => process.exit(0)));
await xmpp.start();
