/**
 * Entity time (XEP-0202): the service's clock, which verifiers may compare
 * with theirs when a signature is judged from the future or expired.
 *
 * References: XEP-0202 §3 (example 2), XEP-0082 (date-time profile).
 */
import xml from "@xmpp/xml";
import type { Clock } from "../service-context.js";

export const NS_TIME = "urn:xmpp:time";

/** XEP-0082 date-time in UTC without fractions, e.g. 2026-11-28T10:00:05Z. */
export function xep82DateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function timeHandler(clock: Clock) {
  return () => xml("time", { xmlns: NS_TIME }, xml("tzo", {}, "+00:00"), xml("utc", {}, xep82DateTime(clock.now())));
}
