/**
 * XEP-0082 date-times as XSMTP writes them: UTC, whole seconds, `Z`. Used
 * by progress payloads (`at`), entity time, the identity form and command
 * forms; plain string work, so the cores that print times stay XML-free.
 *
 * References: XEP-0082 §3.2 (DateTime profile); PROTOCOL.md §6 (at), §7.
 */

/** XEP-0082 date-time in UTC without fractions, e.g. 2026-11-28T10:00:05Z. */
export function xep82DateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
