/**
 * Help text listing every setting with its environment variable and default,
 * generated from the settings table.
 */
import { settings } from "../component/config/settings.js";

export function settingsHelp(): string {
  const rows = Object.values(settings).map(
    (s) => `  ${s.env.padEnd(26)}${s.description}${"defaultText" in s ? ` [default: ${s.defaultText}]` : ""}`,
  );
  return `\nConfiguration (environment variables, or KEY=value lines in --config FILE; the environment wins):\n${rows.join("\n")}\n`;
}
