/**
 * Only in the test build (XSMTP_TEST_HOOK): lets the end-to-end test's
 * driver add-on configure the account, read back what the display action
 * shows for a tab, press "Reply over XMPP", and open the options page or a
 * tab's popup page and read back what it rendered (the pages report it
 * here), since a headless Thunderbird has no one to click. The product
 * .xpi has none of this.
 *
 * References: test/integration/thunderbird/; THUNDERBIRD.md.
 */
import type { BackgroundController } from "./background-controller.js";
import { messagesOf } from "./messenger-types.js";
import { replyOverXmpp } from "./xmpp-reply.js";

type HookRequest =
  | { kind: "test-configure"; settings: Record<string, unknown> }
  | { kind: "test-display-state"; tabId: number }
  | { kind: "test-reply"; tabId: number }
  | { kind: "test-open-page"; page: "options" | "popup"; tabId?: number }
  | { kind: "test-rendered-state"; page: string };

/** What a page of this add-on rendered, sent by the page itself in the test build. */
type Rendered = { kind: "test-rendered"; page: string; rendered: unknown };

export function installTestHook(controller: BackgroundController): void {
  const { api } = controller;
  const rendered = new Map<string, unknown>();
  api.runtime.onMessage.addListener((message) => {
    const report = message as Rendered;
    if (report?.kind === "test-rendered") rendered.set(report.page, report.rendered);
    return undefined;
  });
  api.runtime.onMessageExternal?.addListener(async (message) => {
    const request = message as HookRequest;
    if (request.kind === "test-open-page") {
      rendered.delete(request.page);
      const query = request.tabId === undefined ? "" : `?tabId=${request.tabId}`;
      await api.tabs.create({ url: api.runtime.getURL!(`${request.page}.html${query}`) });
      return true;
    }
    if (request.kind === "test-rendered-state") return rendered.get(request.page) ?? null;
    if (request.kind === "test-configure") {
      await api.storage.local.set!(request.settings);
      await controller.reload();
      return { managed: controller.settings.managed };
    }
    if (request.kind === "test-display-state") {
      await controller.displaySettled(request.tabId);
      const action = api.messageDisplayAction;
      const [title, badge, label] = await Promise.all([
        action.getTitle({ tabId: request.tabId }),
        action.getBadgeText({ tabId: request.tabId }),
        action.getLabel?.({ tabId: request.tabId }),
      ]);
      return { title, badge, label };
    }
    if (request.kind === "test-reply") {
      const shown = messagesOf(await api.messageDisplay.getDisplayedMessages(request.tabId));
      const verdict = await controller.verdictFor(shown[0]!.id);
      return replyOverXmpp(api.tabs, verdict.report.jid!);
    }
    return undefined;
  });
}
