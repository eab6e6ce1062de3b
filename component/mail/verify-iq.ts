/**
 * The verify request a verifier sends and the `<verification/>` it gets
 * back, the client side of component/verification/verify-adapter.ts.
 *
 * References: PROTOCOL.md §5.
 */
import { xml } from "@xmpp/client";
import type XmlElement from "@xmpp/xml";
import type { HeaderField } from "../signature/index.js";
import { NS_XSMTP } from "./discover-service.js";
import type { ReportResult, VerifyReport } from "./verify-report.js";

/** The signature as written (folding and all) and the selected fields' raw values. */
export function verifyPayload(signature: string, sent: HeaderField[]): XmlElement.Element {
  return xml(
    "verify",
    { xmlns: NS_XSMTP },
    xml("signature", {}, signature),
    ...sent.map((f) => xml("header", { name: f.name }, f.value)),
  );
}

const RESULTS = new Set<ReportResult>(["pass", "fail", "permerror", "temperror"]);

/** Merges the service's answer into what the verifier knew; a garbled answer is a temperror. */
export function readVerification(reply: XmlElement.Element, known: VerifyReport): VerifyReport {
  const v = reply.getChild("verification", NS_XSMTP);
  const result = v?.attrs.result as ReportResult | undefined;
  if (!v || !result || !RESULTS.has(result)) return { ...known, result: "temperror", reason: "bad-service-answer" };
  const report: VerifyReport = { ...known, result };
  if (v.attrs.reason) report.reason = v.attrs.reason;
  else delete report.reason;
  if (v.attrs.jid) report.jid = v.attrs.jid;
  if (v.attrs.key) report.keyId = v.attrs.key;
  if (v.attrs.replay === "suspected") report.replaySuspected = true;
  const from = v.getChild("from");
  if (from) {
    report.from = from.text().trim() || report.from;
    report.fromAuthorized = from.attrs.authorized === "true";
  }
  const messageId = v.getChildText("message-id");
  if (messageId) report.messageId = messageId.trim();
  return report;
}
