/**
 * Entity time (XEP-0202): the service's clock, which verifiers may compare
 * with theirs when a signature is judged from the future or expired.
 *
 * References: XEP-0202 §3 (example 2), XEP-0082 (date-time profile).
 */
import xml from "@xmpp/xml";
import { xep82DateTime } from "../../protocol/datetime.js";
import { NS_TIME } from "../../protocol/namespaces.js";
import type { Clock } from "../service-context.js";

export function timeHandler(clock: Clock) {
  return () => xml("time", { xmlns: NS_TIME }, xml("tzo", {}, "+00:00"), xml("utc", {}, xep82DateTime(clock.now())));
}
