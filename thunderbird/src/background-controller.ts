/**
 * The add-on's background: checks every displayed message (and, if the
 * reader wants, new mail as it arrives), shows the verdict on the message
 * display action, tags it, reports `read` when opted in, and answers the
 * popup. Everything Thunderbird-specific comes in through `api`, so the unit
 * tests drive it with a stub.
 *
 * References: PROTOCOL.md §5, §6, §7; THUNDERBIRD.md (onMessagesDisplayed).
 */
import { showChecking, showVerdict } from "./display-action.js";
import { MessageChecker, type CheckerDeps } from "./message-checker.js";
import { rawBytes } from "./message-parts.js";
import { messagesOf, type MessageHeader, type MessageList, type Messenger } from "./messenger-types.js";
import { loadSettings, type EffectiveSettings } from "./settings.js";
import { ensureTags, tagMessage } from "./tags.js";
import type { Verdict } from "./verdict.js";
import { replyOverXmpp } from "./xmpp-reply.js";

export type BackgroundDeps = Omit<CheckerDeps, "rawMessage">;

/** What the popup asks and gets. */
export type PopupRequest = { kind: "popup-state"; tabId: number } | { kind: "reply"; jid: string };
export interface PopupState {
  verdict?: Verdict;
  enrolledSince?: string;
}

export class BackgroundController {
  #effective?: EffectiveSettings;
  #checker?: MessageChecker;
  #ready?: Promise<void>;
  /** Per tab, the handling of its last displayed message (verdict, button, `read` report). */
  readonly #displaying = new Map<number, Promise<unknown>>();

  constructor(
    readonly api: Messenger,
    private readonly deps: BackgroundDeps,
  ) {}

  /**
   * Listeners are added at once, before any await: Thunderbird wakes an MV3
   * background only for listeners registered in its first turn.
   */
  start(): Promise<void> {
    this.api.messageDisplay.onMessagesDisplayed.addListener((tab, displayed) => {
      this.#displaying.set(tab.id, this.onDisplayed(tab.id, displayed).catch((err) => this.deps.warn(`display: ${err}`)));
    });
    this.api.messages.onNewMailReceived?.addListener((_folder, list) => void this.onNewMail(list));
    this.api.storage.onChanged.addListener((_changes, area) => {
      if (area === "local" || area === "managed") void this.reload();
    });
    this.api.runtime.onMessage.addListener((message) => this.answerPopup(message as PopupRequest));
    return this.ready();
  }

  /** Settings loaded (the first time, or after a change). */
  ready(): Promise<void> {
    this.#ready ??= this.load();
    return this.#ready;
  }

  get settings(): EffectiveSettings {
    return this.#effective!;
  }

  /** New settings mean a new account, perhaps: drop the session and the cached verdicts. */
  reload(): Promise<void> {
    this.#ready = this.load();
    return this.#ready;
  }

  private async load(): Promise<void> {
    this.#effective = await loadSettings(this.api.storage);
    await this.#checker?.close();
    this.#checker = new MessageChecker(this.#effective.settings, {
      ...this.deps,
      rawMessage: async (id) => rawBytes(await this.api.messages.getRaw(id, { data_format: "File" })),
    });
    if (this.#effective.settings.tagMessages) await ensureTags(this.api.messages).catch((err) => this.deps.warn(`tags: ${err}`));
  }

  async onDisplayed(tabId: number, displayed: MessageList | MessageHeader[]): Promise<Verdict | undefined> {
    await this.ready();
    const shown = messagesOf(displayed);
    if (shown.length !== 1) return undefined; // the button belongs to a single message's view
    const messageId = shown[0]!.id;
    const checker = this.#checker!;
    if (!checker.cached(messageId)) await showChecking(this.api, tabId);
    const verdict = await this.verdictFor(messageId);
    await showVerdict(this.api, tabId, verdict);
    await checker.reportRead(messageId, verdict);
    return verdict;
  }

  /** Resolves once the tab's displayed message is fully handled (the test hook reads the button after it). */
  async displaySettled(tabId: number): Promise<void> {
    await this.#displaying.get(tabId);
  }

  async onNewMail(list: MessageList): Promise<void> {
    await this.ready();
    if (!this.#effective!.settings.checkNewMail) return;
    for (let page: MessageList | undefined = list; page; ) {
      for (const message of page.messages) await this.verdictFor(message.id);
      page = page.id && this.api.messages.continueList ? await this.api.messages.continueList(page.id) : undefined;
    }
  }

  async verdictFor(messageId: number): Promise<Verdict> {
    await this.ready();
    const verdict = await this.#checker!.check(messageId);
    if (this.#effective!.settings.tagMessages) {
      await tagMessage(this.api.messages, messageId, verdict.state).catch((err) => this.deps.warn(`tagging ${messageId}: ${err}`));
    }
    return verdict;
  }

  async popupState(tabId: number): Promise<PopupState> {
    await this.ready();
    const shown = messagesOf(await this.api.messageDisplay.getDisplayedMessages(tabId));
    if (shown.length !== 1) return {};
    const verdict = await this.verdictFor(shown[0]!.id);
    return { verdict, enrolledSince: await this.#checker!.enrolledSince(verdict) };
  }

  private answerPopup(request: PopupRequest): Promise<unknown> | undefined {
    if (request?.kind === "popup-state") return this.popupState(request.tabId);
    if (request?.kind === "reply") return replyOverXmpp(this.api.tabs, request.jid);
    return undefined;
  }
}
