/**
 * The display action's popup: the full verdict for the message in this tab
 * (identity, key, From authorized and aligned, replay, enrolled-since), and
 * "Reply over XMPP". Built with DOM nodes and textContent only: nothing a
 * sender wrote is ever parsed as HTML.
 *
 * References: PROTOCOL.md §5, §5.1, §5.2, §7; RFC 5122.
 */
import type { PopupState } from "../background-controller.js";
import { displayText } from "../display-text.js";
import type { Messenger } from "../messenger-types.js";
import { popupRows } from "../popup-rows.js";

declare const messenger: Messenger & { tabs: { query(q: object): Promise<{ id: number }[]> } };

async function main(): Promise<void> {
  const [tab] = await messenger.tabs.query({ active: true, currentWindow: true });
  const state = (await messenger.runtime.sendMessage({ kind: "popup-state", tabId: tab!.id })) as PopupState;
  const heading = document.getElementById("verdict")!;
  const table = document.getElementById("details") as HTMLTableElement;
  const reply = document.getElementById("reply") as HTMLButtonElement;
  if (!state.verdict) {
    heading.textContent = "XSMTP: no single message shown";
    return;
  }
  const text = displayText(state.verdict);
  heading.textContent = text.title;
  heading.className = state.verdict.state;
  for (const [name, value] of popupRows(state.verdict, state.enrolledSince)) {
    const row = table.insertRow();
    row.insertCell().textContent = name;
    row.insertCell().textContent = value;
  }
  const jid = state.verdict.report.jid;
  if (jid?.includes("@") && (state.verdict.state === "pass" || state.verdict.state === "unaligned")) {
    reply.hidden = false;
    reply.textContent = `Reply over XMPP to ${jid}`;
    reply.addEventListener("click", () => void messenger.runtime.sendMessage({ kind: "reply", jid }).then(() => window.close()));
  }
}

void main();
