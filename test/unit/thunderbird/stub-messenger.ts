/**
 * A stand-in for Thunderbird's `messenger`: messages held in memory, the
 * display action's per-tab state recorded, tags and created tabs kept, and
 * listeners callable by the test.
 */
import type { MessageHeader, Messenger, TagInfo } from "../../../thunderbird/src/messenger-types.js";

export interface StubMessenger extends Messenger {
  shown: Map<number, Record<string, string>>;
  opened: string[];
  tagList: TagInfo[];
  local: Record<string, unknown>;
  managed: Record<string, unknown>;
  headers: Map<number, MessageHeader>;
}

export function stubMessenger(raw: Map<number, Buffer>, managed: Record<string, unknown> = {}): StubMessenger {
  const shown = new Map<number, Record<string, string>>();
  const set = (key: string) => async (details: { tabId: number } & Record<string, string>) => {
    const { tabId, ...rest } = details;
    shown.set(tabId, { ...shown.get(tabId), [key]: Object.values(rest)[0]! });
  };
  const get = (key: string) => async ({ tabId }: { tabId: number }) => shown.get(tabId)?.[key] ?? "";
  const headers = new Map([...raw.keys()].map((id) => [id, { id, tags: [] as string[] }]));
  const api = {
    shown,
    opened: [] as string[],
    tagList: [] as TagInfo[],
    local: {} as Record<string, unknown>,
    managed,
    headers,
    messages: {
      getRaw: async (id: number) => new File([new Uint8Array(raw.get(id)!)], "message.eml"),
      get: async (id: number) => headers.get(id)!,
      update: async (id: number, p: { tags?: string[] }) => void (headers.get(id)!.tags = p.tags ?? []),
      tags: {
        list: async () => api.tagList,
        create: async (key: string, tag: string, color: string) => void api.tagList.push({ key, tag, color }),
      },
    },
    messageDisplay: {
      onMessagesDisplayed: { addListener: () => undefined },
      getDisplayedMessages: async (tabId: number) => ({ messages: [headers.get(tabId)!] }),
    },
    messageDisplayAction: {
      setTitle: set("title"),
      setLabel: set("label"),
      setBadgeText: set("badge"),
      setBadgeBackgroundColor: set("color"),
      setIcon: set("icon"),
      getTitle: get("title"),
      getLabel: get("label"),
      getBadgeText: get("badge"),
    },
    tabs: { create: async ({ url }: { url: string }) => void api.opened.push(url) },
    storage: {
      local: { get: async () => api.local, set: async (items: Record<string, unknown>) => void Object.assign(api.local, items) },
      managed: { get: async () => api.managed },
      onChanged: { addListener: () => undefined },
    },
    runtime: { onMessage: { addListener: () => undefined }, sendMessage: async () => undefined },
  };
  return api as unknown as StubMessenger;
}
