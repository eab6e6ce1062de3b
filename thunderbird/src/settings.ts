/**
 * The add-on's settings: what the reader set on the options page
 * (storage.local), overridden key by key by what an administrator set
 * through enterprise policies (storage.managed, from policies.json
 * 3rdparty → Extensions → <id>). A managed key wins and the options page
 * shows it as managed. Values of the wrong type are ignored, not trusted.
 *
 * References: Thunderbird storage.managed; THUNDERBIRD.md (policies.json);
 * PROTOCOL.md §6 (reportRead publishes `read`).
 */

export interface Settings {
  jid: string;
  password: string;
  /** Empty: found through XEP-0156 host-meta on the JID's domain. */
  websocketUrl: string;
  /** authserv-ids whose Authentication-Results (xsmtp=...) are trusted when no account is set. */
  trustedAuthservIds: string[];
  tagMessages: boolean;
  checkNewMail: boolean;
  /** Publish `read` to the sender's progress node after a pass (off by default: it tells the sender). */
  reportRead: boolean;
}

export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  jid: "",
  password: "",
  websocketUrl: "",
  trustedAuthservIds: [],
  tagMessages: true,
  checkNewMail: false,
  reportRead: false,
};

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];

export interface EffectiveSettings {
  settings: Settings;
  /** The keys an administrator set: the options page shows them read-only. */
  managed: SettingKey[];
}

export function mergeSettings(local: Record<string, unknown>, managed: Record<string, unknown>): EffectiveSettings {
  const settings: Settings = { ...DEFAULT_SETTINGS, trustedAuthservIds: [] };
  const managedKeys: SettingKey[] = [];
  for (const key of SETTING_KEYS) {
    const fromLocal = valid(key, local[key]);
    const fromManaged = valid(key, managed[key]);
    if (fromManaged !== undefined) managedKeys.push(key);
    const value = fromManaged ?? fromLocal;
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  return { settings, managed: managedKeys };
}

function valid(key: SettingKey, value: unknown): unknown {
  const expected = DEFAULT_SETTINGS[key];
  if (Array.isArray(expected)) {
    return Array.isArray(value) && value.every((v) => typeof v === "string") ? value.map((v) => v.trim().toLowerCase()).filter(Boolean) : undefined;
  }
  if (typeof value !== typeof expected) return undefined;
  // A password may begin or end with a space; nothing else should.
  return typeof value === "string" && key !== "password" ? value.trim() : value;
}

/** Reads both areas; an add-on without managed settings (no policy) gets an empty managed area. */
export async function loadSettings(storage: {
  local: { get(keys?: null): Promise<Record<string, unknown>> };
  managed: { get(keys?: null): Promise<Record<string, unknown>> };
}): Promise<EffectiveSettings> {
  const [local, managed] = await Promise.all([storage.local.get(null), storage.managed.get(null).catch(() => ({}))]);
  return mergeSettings(local, managed);
}
