/**
 * Software version (XEP-0092): name and version of XSMTP. The OS is left out
 * on purpose; XEP-0092 §4 notes that revealing it helps attackers.
 *
 * References: XEP-0092 §2 (example 2).
 */
import { readFileSync } from "node:fs";
import xml from "@xmpp/xml";
import { NS_VERSION } from "../../protocol/namespaces.js";

/** dist/component/basics → repository root */
const packageJson = new URL("../../../package.json", import.meta.url);
export const XSMTP_VERSION: string = JSON.parse(readFileSync(packageJson, "utf8")).version;

export function versionHandler() {
  return () => xml("query", { xmlns: NS_VERSION }, xml("name", {}, "XSMTP"), xml("version", {}, XSMTP_VERSION));
}
