/**
 * The options page: edits storage.local; keys an administrator set through
 * policies (storage.managed) are shown, disabled, and marked as managed.
 *
 * References: Thunderbird storage.managed; THUNDERBIRD.md; PROTOCOL.md §6.
 */
import type { Messenger } from "../messenger-types.js";
import { loadSettings, SETTING_KEYS, type SettingKey, type Settings } from "../settings.js";

declare const messenger: Messenger;
declare const XSMTP_TEST_HOOK: boolean;

function input(key: SettingKey): HTMLInputElement | HTMLTextAreaElement {
  return document.getElementById(key) as HTMLInputElement | HTMLTextAreaElement;
}

function show(settings: Settings, managed: SettingKey[]): void {
  for (const key of SETTING_KEYS) {
    const element = input(key);
    const value = settings[key];
    if (typeof value === "boolean") (element as HTMLInputElement).checked = value;
    else element.value = Array.isArray(value) ? value.join("\n") : value;
    if (!managed.includes(key)) continue;
    element.disabled = true;
    const note = document.createElement("span");
    note.className = "managed";
    note.textContent = " (set by your administrator)";
    element.parentElement!.append(note);
  }
}

function read(key: SettingKey): unknown {
  const element = input(key);
  if (element instanceof HTMLInputElement && element.type === "checkbox") return element.checked;
  if (key === "trustedAuthservIds") return element.value.split(/\s+/).filter(Boolean);
  return key === "password" ? element.value : element.value.trim();
}

/** What the page shows, for the test build's read-back: each field's value, disabled, and its marker text. */
function readBack(): Record<string, { value: unknown; disabled: boolean; marker: string | null }> {
  const fields: Record<string, { value: unknown; disabled: boolean; marker: string | null }> = {};
  for (const key of SETTING_KEYS) {
    const element = input(key);
    const marker = element.parentElement!.querySelector(".managed")?.textContent ?? null;
    fields[key] = { value: key === "password" ? "(not read back)" : read(key), disabled: element.disabled, marker };
  }
  return fields;
}

async function main(): Promise<void> {
  const { settings, managed } = await loadSettings(messenger.storage);
  show(settings, managed);
  if (XSMTP_TEST_HOOK) await messenger.runtime.sendMessage({ kind: "test-rendered", page: "options", rendered: readBack() });
  for (const key of SETTING_KEYS) {
    if (managed.includes(key)) continue;
    input(key).addEventListener("change", async () => {
      await messenger.storage.local.set!({ [key]: read(key) });
      document.getElementById("status")!.textContent = "Saved.";
    });
  }
}

void main();
