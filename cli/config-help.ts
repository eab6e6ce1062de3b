/**
 * Help text listing every setting with its environment variable and default,
 * generated from the settings table.
 */
import { defaultShown, settings } from "../component/config/settings.js";

export function settingsHelp(): string {
  const rows = Object.values(settings).map((s) => {
    const shown = defaultShown(s);
    return `  ${s.env.padEnd(26)}${s.description}${shown === undefined ? "" : ` [default: ${shown}]`}`;
  });
  return `\nConfiguration (environment variables, or KEY=value lines in --config FILE; the environment wins):\n${rows.join("\n")}\n`;
}
