/**
 * Zips the test's driver add-on (driver/background.js, with its CONFIG
 * prepended) into an .xpi for the test profile.
 *
 * References: THUNDERBIRD.md (sideloading, permissions).
 */
import { readFileSync } from "node:fs";
import { zipSync } from "fflate";

export const DRIVER_ID = "xsmtp-test-driver@xsmtp.invalid";
const SOURCE = new URL("../../../../test/integration/thunderbird/driver/background.js", import.meta.url);
const MANIFEST = new URL("../../../../thunderbird/static/manifest.json", import.meta.url);

/** The add-on's id, as its manifest says (policies.json and messages address it by this id). */
export const XSMTP_ID: string = JSON.parse(readFileSync(MANIFEST, "utf8")).browser_specific_settings.gecko.id;

export function driverXpi(config: Record<string, unknown>): Uint8Array {
  const manifest = {
    manifest_version: 3,
    name: "XSMTP test driver",
    version: "1.0",
    browser_specific_settings: { gecko: { id: DRIVER_ID } },
    background: { scripts: ["background.js"] },
    permissions: ["accountsRead", "accountsFolders", "messagesRead", "messagesImport"],
  };
  const script = `const CONFIG = ${JSON.stringify(config)};\n${readFileSync(SOURCE, "utf8")}`;
  const text = (s: string) => new TextEncoder().encode(s);
  return zipSync({ "manifest.json": text(JSON.stringify(manifest)), "background.js": text(script) });
}
