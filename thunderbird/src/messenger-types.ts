/**
 * The part of Thunderbird's MailExtension API (Manifest V3, Thunderbird 128+)
 * that the add-on uses, typed by hand: the add-on's logic takes a value of
 * this type, so the unit tests hand it a stub instead of Thunderbird.
 *
 * References: Thunderbird WebExtension API (messages, messageDisplay,
 * messageDisplayAction, tabs, storage), THUNDERBIRD.md.
 */

export interface MessageHeader {
  id: number;
  subject?: string;
  author?: string;
  headerMessageId?: string;
  tags?: string[];
}

export interface MessageList {
  id?: string | null;
  messages: MessageHeader[];
}

export interface TagInfo {
  key: string;
  tag: string;
  color?: string;
}

export interface StorageArea {
  get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
  set?(items: Record<string, unknown>): Promise<void>;
}

interface Event<Listener> {
  addListener(listener: Listener): void;
}

export interface Messenger {
  messages: {
    getRaw(id: number, options?: { data_format?: "File" | "BinaryString" }): Promise<File | string>;
    get(id: number): Promise<MessageHeader>;
    update?(id: number, properties: { tags?: string[] }): Promise<void>;
    continueList?(id: string): Promise<MessageList>;
    onNewMailReceived?: Event<(folder: unknown, list: MessageList) => void>;
    tags?: {
      list(): Promise<TagInfo[]>;
      create(key: string, tag: string, color: string): Promise<void>;
    };
  };
  messageDisplay: {
    onMessagesDisplayed: Event<(tab: { id: number }, displayed: MessageList | MessageHeader[]) => void>;
    getDisplayedMessages(tabId: number): Promise<MessageList | MessageHeader[]>;
  };
  messageDisplayAction: {
    setTitle(details: { title: string; tabId: number }): Promise<void>;
    setLabel(details: { label: string; tabId: number }): Promise<void>;
    setBadgeText(details: { text: string; tabId: number }): Promise<void>;
    setBadgeBackgroundColor(details: { color: string; tabId: number }): Promise<void>;
    setIcon(details: { path: string; tabId: number }): Promise<void>;
    getTitle(details: { tabId: number }): Promise<string>;
    getLabel?(details: { tabId: number }): Promise<string | null>;
    getBadgeText(details: { tabId: number }): Promise<string>;
  };
  tabs: {
    create(properties: { url: string }): Promise<unknown>;
  };
  storage: {
    local: StorageArea;
    managed: StorageArea;
    onChanged: Event<(changes: Record<string, unknown>, area: string) => void>;
  };
  runtime: {
    onMessage: Event<(message: unknown, sender: unknown) => Promise<unknown> | undefined>;
    onMessageExternal?: Event<(message: unknown, sender: { id?: string }) => Promise<unknown> | undefined>;
    sendMessage(message: unknown): Promise<unknown>;
    getURL?(path: string): string;
  };
}

/** MV3 passes `{messages}`, MV2 an array (THUNDERBIRD.md). */
export function messagesOf(list: MessageList | MessageHeader[]): MessageHeader[] {
  return Array.isArray(list) ? list : list.messages;
}
