/**
 * Puts a verdict on the message display action of one tab: icon, label,
 * title (tooltip) and badge, all per tab, so each displayed message shows
 * its own. The popup reads the full verdict from the background.
 *
 * References: Thunderbird messageDisplayAction API; THUNDERBIRD.md (per-tab
 * set/get).
 */
import { displayText } from "./display-text.js";
import type { Messenger } from "./messenger-types.js";
import type { Verdict } from "./verdict.js";

export async function showVerdict(api: Pick<Messenger, "messageDisplayAction">, tabId: number, verdict: Verdict): Promise<void> {
  const text = displayText(verdict);
  const action = api.messageDisplayAction;
  await Promise.all([
    action.setIcon({ path: text.icon, tabId }),
    action.setLabel({ label: text.label, tabId }),
    action.setTitle({ title: text.title, tabId }),
    action.setBadgeText({ text: text.badge, tabId }),
    action.setBadgeBackgroundColor({ color: text.badgeColor, tabId }),
  ]);
}

/** While the check runs: nothing stale from the previous message may stay on the button. */
export async function showChecking(api: Pick<Messenger, "messageDisplayAction">, tabId: number): Promise<void> {
  const action = api.messageDisplayAction;
  await Promise.all([
    action.setIcon({ path: "icons/unknown.svg", tabId }),
    action.setLabel({ label: "XSMTP: checking…", tabId }),
    action.setTitle({ title: "XSMTP: checking…", tabId }),
    action.setBadgeText({ text: "…", tabId }),
  ]);
}
