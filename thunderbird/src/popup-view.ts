/**
 * Renders the popup for a PopupState into its page: the heading (the
 * display action's title, coloured by state), one table row per popupRows
 * entry, and "Reply over XMPP" for a pass or an unaligned pass. Only
 * textContent is written: nothing a sender wrote is ever parsed as HTML.
 * It takes the few DOM calls it makes as an interface, so a unit test
 * renders it into a stub, and the test build reads the real page back.
 *
 * References: PROTOCOL.md §5, §5.1, §5.2, §7; RFC 5122.
 */
import type { PopupState } from "./background-controller.js";
import { displayText } from "./display-text.js";
import { popupRows } from "./popup-rows.js";

export interface TextNode {
  textContent: string | null;
}
export interface PopupElements {
  heading: TextNode & { className: string };
  table: { insertRow(): { insertCell(): TextNode } };
  reply: TextNode & { hidden: boolean; addEventListener(type: "click", listener: () => void): void };
}

export function renderPopup(page: PopupElements, state: PopupState, reply: (jid: string) => void): void {
  const { verdict } = state;
  if (!verdict) {
    page.heading.textContent = "XSMTP: no single message shown";
    return;
  }
  page.heading.textContent = displayText(verdict).title;
  page.heading.className = verdict.state;
  for (const [name, value] of popupRows(verdict, state.enrolledSince)) {
    const row = page.table.insertRow();
    row.insertCell().textContent = name;
    row.insertCell().textContent = value;
  }
  const jid = verdict.report.jid;
  if (jid?.includes("@") && (verdict.state === "pass" || verdict.state === "unaligned")) {
    page.reply.hidden = false;
    page.reply.textContent = `Reply over XMPP to ${jid}`;
    page.reply.addEventListener("click", () => reply(jid));
  }
}

/** What a rendered popup page shows, as text: for the test build's read-back. */
export function readPopup(doc: Document): { heading: string; state: string; rows: [string, string][]; reply: string | null } {
  const heading = doc.getElementById("verdict")!;
  const table = doc.getElementById("details") as HTMLTableElement;
  const reply = doc.getElementById("reply") as HTMLButtonElement;
  const rows = [...table.rows].map((r) => [r.cells[0]?.textContent ?? "", r.cells[1]?.textContent ?? ""] as [string, string]);
  return { heading: heading.textContent ?? "", state: heading.className, rows, reply: reply.hidden ? null : reply.textContent };
}
