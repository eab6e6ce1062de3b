/**
 * Judges a client's publish payload (PROTOCOL.md §6): a known stage, and on
 * `submitted` a recipient count and recipient domains that make sense. The
 * time and `by` are the service's: `at` is its clock (so times agree with the
 * id order) and `by` the publisher's domain (so no one can speak for another).
 * Recipients on other stages mean nothing and are dropped.
 *
 * References: PROTOCOL.md §6; XEP-0082 §3.3 (at).
 */
import { STAGES, type ProgressEvent, type PublishDraft, type Stage } from "../../protocol/progress-event.js";

export const MAX_RECIPIENT_DOMAINS = 100;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function draftToEvent(draft: PublishDraft | "invalid-payload", at: number, by: string): ProgressEvent | "invalid-payload" {
  if (draft === "invalid-payload" || !STAGES.includes(draft.stage as Stage)) return "invalid-payload";
  const event: ProgressEvent = { stage: draft.stage as Stage, at, by, recipientDomains: [] };
  if (event.stage !== "submitted") return event;
  if (draft.recipients !== undefined) {
    if (!/^\d{1,9}$/.test(draft.recipients)) return "invalid-payload";
    event.recipients = Number(draft.recipients);
  }
  const domains = [...new Set(draft.recipientDomains.map((d) => d.trim().toLowerCase()))];
  if (domains.length > MAX_RECIPIENT_DOMAINS || !domains.every((d) => DOMAIN.test(d))) return "invalid-payload";
  event.recipientDomains = domains;
  return event;
}
