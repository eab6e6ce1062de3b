/**
 * The display action's popup: the full verdict for the message in this tab
 * (popup-view.ts) and "Reply over XMPP". The tab is the active one, or the
 * one named by `?tabId=` (the test build opens the page in a tab of its own,
 * as a headless Thunderbird has no one to click the button).
 *
 * References: PROTOCOL.md §5, §5.1, §5.2, §7; RFC 5122.
 */
import type { PopupState } from "../background-controller.js";
import type { Messenger } from "../messenger-types.js";
import { readPopup, renderPopup } from "../popup-view.js";

declare const messenger: Messenger & { tabs: { query(q: object): Promise<{ id: number }[]> } };
declare const XSMTP_TEST_HOOK: boolean;

async function tabId(): Promise<number> {
  const named = Number(new URLSearchParams(location.search).get("tabId"));
  if (Number.isInteger(named) && named > 0) return named;
  const [tab] = await messenger.tabs.query({ active: true, currentWindow: true });
  return tab!.id;
}

async function main(): Promise<void> {
  const state = (await messenger.runtime.sendMessage({ kind: "popup-state", tabId: await tabId() })) as PopupState;
  const page = {
    heading: document.getElementById("verdict")!,
    table: document.getElementById("details") as HTMLTableElement,
    reply: document.getElementById("reply") as HTMLButtonElement,
  };
  renderPopup(page, state, (jid) => void messenger.runtime.sendMessage({ kind: "reply", jid }).then(() => window.close()));
  if (XSMTP_TEST_HOOK) await messenger.runtime.sendMessage({ kind: "test-rendered", page: "popup", rendered: readPopup(document) });
}

void main();
