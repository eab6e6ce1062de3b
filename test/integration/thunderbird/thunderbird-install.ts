/**
 * A private copy of the installed Thunderbird with its own
 * distribution/policies.json, so a test can play the administrator without
 * touching the machine's /usr/lib/thunderbird/distribution.
 *
 * Thunderbird reads policies from XREAppDist, the `distribution` folder
 * beside the binary, and finds its binary with realpath(argv[0]): a symlink
 * to thunderbird-bin would lead back to /usr/lib/thunderbird. So the
 * binary (about 0.6 MB) is copied and everything else (libxul, omni.ja…)
 * is symlinked. Measured with Thunderbird 153 ESR: storage.managed.get()
 * of a sideloaded add-on returns the private file's entry. The pref
 * browser.policies.alternatePath is honoured only in automation builds
 * (Cu.isInAutomation), so it is no way out here.
 *
 * References: THUNDERBIRD.md (managed settings); Thunderbird's
 * EnterprisePoliciesParent.sys.mjs (_getConfigurationFile).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { THUNDERBIRD } from "./thunderbird-process.js";

const BINARY = "thunderbird-bin";

/** The folder holding application.ini and thunderbird-bin (Debian: /usr/lib/thunderbird). */
export function installFolder(): string {
  const found = spawnSync("sh", ["-c", `command -v ${THUNDERBIRD}`], { encoding: "utf8" }).stdout.trim();
  const candidates = [process.env.XSMTP_THUNDERBIRD_DIR, found && dirname(realpathSync(found)), "/usr/lib/thunderbird"];
  const dir = candidates.find((d) => d && existsSync(join(d, "application.ini")) && existsSync(join(d, BINARY)));
  if (!dir) throw new Error(`no Thunderbird install folder (application.ini and ${BINARY}) found; set XSMTP_THUNDERBIRD_DIR`);
  return dir;
}

/** Writes `<dir>/thunderbird/` with `policies` as its distribution/policies.json; returns the binary to launch. */
export function privateInstall(dir: string, policies: object): string {
  const source = installFolder();
  const target = join(dir, "thunderbird");
  mkdirSync(join(target, "distribution"), { recursive: true });
  for (const name of readdirSync(source)) {
    if (name === BINARY || name === "thunderbird" || name === "distribution") continue;
    symlinkSync(join(source, name), join(target, name));
  }
  copyFileSync(join(source, BINARY), join(target, BINARY));
  writeFileSync(join(target, "distribution", "policies.json"), JSON.stringify({ policies }, null, 2));
  return join(target, BINARY);
}
