/**
 * A fresh Thunderbird profile written by hand, as THUNDERBIRD.md measured:
 * prefs for sideloading unsigned add-ons, no first-run screens, console on
 * stdout, xmpp: handed to the desktop's handler without asking, and a Local
 * Folders account whose Inbox is an mbox of the given messages. Also a
 * stand-in xmpp: handler registered through XDG_DATA_HOME/mimeapps.list
 * that appends each URI it gets to a file.
 *
 * References: THUNDERBIRD.md; XDG MIME Applications spec (mimeapps.list);
 * RFC 4155 (mbox).
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ProfileLayout {
  profile: string;
  /** Environment for Thunderbird: HOME and XDG dirs holding the stand-in handler. */
  env: Record<string, string>;
  /** Where the stand-in handler writes the URIs it was given. */
  handledUris: string;
}

const PREFS: Record<string, string | number | boolean> = {
  "xpinstall.signatures.required": false,
  "extensions.autoDisableScopes": 0,
  "extensions.enabledScopes": 15,
  "mail.provider.suppress_dialog_on_startup": true,
  "mail.shell.checkDefaultClient": false,
  "mailnews.start_page.enabled": false,
  "mail.rights.version": 1,
  "datareporting.policy.dataSubmissionEnabled": false,
  "browser.dom.window.dump.enabled": true,
  "devtools.console.stdout.chrome": true,
  "devtools.console.stdout.content": true,
  "network.protocol-handler.external.xmpp": true,
  "network.protocol-handler.warn-external.xmpp": false,
  "security.external_protocol_requires_permission": false,
  "mail.accountmanager.accounts": "account1",
  "mail.accountmanager.localfoldersserver": "server1",
  "mail.account.account1.server": "server1",
  "mail.server.server1.type": "none",
  "mail.server.server1.hostname": "Local Folders",
  "mail.server.server1.name": "Local Folders",
  "mail.server.server1.userName": "nobody",
  "mail.server.server1.storeContractID": "@mozilla.org/msgstore/berkeleystore;1",
};

/** `dir` is an empty temp dir; `addons` maps add-on ids to .xpi bytes; messages use LF line ends. */
export function writeProfile(dir: string, addons: Record<string, Uint8Array>, messages: Buffer[]): ProfileLayout {
  const profile = join(dir, "profile");
  const localFolders = join(profile, "Mail", "Local Folders");
  mkdirSync(localFolders, { recursive: true });
  mkdirSync(join(profile, "extensions"));
  const prefs = { ...PREFS, "mail.server.server1.directory": localFolders };
  writeFileSync(join(profile, "user.js"), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(""));
  for (const [id, xpi] of Object.entries(addons)) writeFileSync(join(profile, "extensions", `${id}.xpi`), xpi);
  writeFileSync(join(localFolders, "Inbox"), Buffer.concat(messages.map(mboxEntry)));

  const handledUris = join(dir, "handled-uris");
  const handler = join(dir, "xmpp-handler.sh");
  writeFileSync(handler, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${handledUris}'\n`);
  chmodSync(handler, 0o755);
  const data = join(dir, "xdg-data");
  const config = join(dir, "xdg-config");
  mkdirSync(join(data, "applications"), { recursive: true });
  mkdirSync(config);
  const desktop = `[Desktop Entry]\nType=Application\nName=XMPP stand-in\nExec=${handler} %u\nMimeType=x-scheme-handler/xmpp;\nNoDisplay=true\n`;
  writeFileSync(join(data, "applications", "xmpp-stand-in.desktop"), desktop);
  const mimeapps = "[Default Applications]\nx-scheme-handler/xmpp=xmpp-stand-in.desktop\n";
  writeFileSync(join(config, "mimeapps.list"), mimeapps);
  writeFileSync(join(data, "applications", "mimeapps.list"), mimeapps);
  return { profile, env: { HOME: dir, XDG_DATA_HOME: data, XDG_CONFIG_HOME: config }, handledUris };
}

/** One mbox entry: a "From " separator line, the message with ">From " quoting, an empty line. */
function mboxEntry(message: Buffer): Buffer {
  const text = message.toString("latin1").replace(/\r\n/g, "\n").replace(/^(>*From )/gm, ">$1");
  return Buffer.from(`From - Sat Nov 28 10:00:00 2026\n${text}${text.endsWith("\n") ? "" : "\n"}\n`, "latin1");
}
