/**
 * The baselines for verify_iq_per_s: components on the same xmpp.js stack
 * (@xmpp/component 0.13.1) as `xsmtp run`, doing no verification work. Run
 * as their own processes, like `xsmtp run`.
 *
 * - Plain: answers the verify IQ with an empty result (two stanzas through
 *   the server per request: the IQ and its answer).
 * - `--notify`: answers with a pass of the shape `xsmtp run` sends and sends
 *   the signer the `verified` headline PROTOCOL.md §6 asks for, built from
 *   the request without checking anything: the three stanzas of a passing
 *   verification, so the server's own cost of them is measured apart from
 *   XSMTP's work.
 *
 * Usage: node echo-component.js SERVICE DOMAIN SECRET [--notify]
 */
import { component } from "@xmpp/component";
import type xml from "@xmpp/xml";
import { NS_XSMTP } from "../../protocol/namespaces.js";
import { renderVerification } from "../../protocol/verification-answer.js";
import { notification } from "../../protocol/progress-payload.js";
import { progressNode } from "../../protocol/progress-node.js";
import { itemId } from "../../protocol/progress-event.js";
import { domainOf } from "../../protocol/jid.js";
import { bareMessageId } from "../../protocol/mail-address.js";

const [service, domain, password, mode] = process.argv.slice(2);
const xmpp = component({ service: service!, domain: domain!, password: password! });
xmpp.on("error", () => {});
// As `xsmtp run` does (component/xmpp/connection.ts): with Nagle's algorithm
// the notifying echo's answer, written right behind its headline, waits for
// the server's delayed ACK, and the baseline would measure that wait.
xmpp.on("connect", () => (xmpp as unknown as { socket?: { setNoDelay?(on: boolean): void } }).socket?.setNoDelay?.(true));
let seq = 0;

/** The pass `xsmtp run` would give, and its headline, from the request as sent (j= and Message-ID). */
function notifyingAnswer({ from, element }: { from: string; element: xml.Element }): xml.Element {
  const jid = /(?:^|;)\s*j=\s*([^;\s]+)/.exec(element.getChildText("signature") ?? "")?.[1] ?? "";
  const header = element.getChildren("header").find((h) => String(h.attrs.name).toLowerCase() === "message-id");
  const messageId = bareMessageId(header?.text() ?? "");
  const at = Date.now();
  void xmpp.send(
    notification(domain!, jid, progressNode(jid, messageId), { id: itemId(++seq), event: { stage: "verified", at, by: domainOf(from), recipientDomains: [] } }),
  );
  return renderVerification({ result: "pass", jid, keyId: "k1", from: { address: jid, authorized: true }, messageId, seen: { verifications: 1, domains: 1 } });
}

const notify = mode === "--notify";
xmpp.iqCallee.get(NS_XSMTP, "verify", (ctx) => (notify ? notifyingAnswer({ from: String(ctx.from), element: ctx.element! }) : true));
xmpp.on("online", () => process.stdout.write("online\n"));
process.once("SIGTERM", () => void xmpp.stop().finally(() => process.exit(0)));
await xmpp.start();
