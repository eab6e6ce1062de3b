/**
 * The options page: edits storage.local; keys an administrator set through
 * policies (storage.managed) are shown, disabled, and marked as managed.
 *
 * References: Thunderbird storage.managed; THUNDERBIRD.md; PROTOCOL.md §6.
 */
import type { Messenger } from "../messenger-types.js";
import { loadSettings, SETTING_KEYS, type SettingKey, type Settings } from "../settings.js";

declare const messenger: Messenger;

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

async function main(): Promise<void> {
  const { settings, managed } = await loadSettings(messenger.storage);
  show(settings, managed);
  for (const key of SETTING_KEYS) {
    if (managed.includes(key)) continue;
    input(key).addEventListener("change", async () => {
      await messenger.storage.local.set!({ [key]: read(key) });
      document.getElementById("status")!.textContent = "Saved.";
    });
  }
}

void main();
