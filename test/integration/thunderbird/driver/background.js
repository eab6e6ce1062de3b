// The end-to-end test's driver add-on, run inside a headless Thunderbird:
// opens the Local Folders Inbox, displays each message in a tab, and reads
// back, through the XSMTP add-on's test hook, what its display action shows.
// Results go to stdout as "XSMTP-DRIVER <json>" lines (console.log reaches
// stdout with devtools.console.stdout.chrome, THUNDERBIRD.md).
// The test prepends `const CONFIG = {...}` (XSMTP add-on id and settings).
const log = (event) => console.log(`XSMTP-DRIVER ${JSON.stringify(event)}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function retry(what, action, tries = 80, pause = 250) {
  for (let i = 1; ; i++) {
    try {
      const result = await action();
      if (result !== undefined && result !== null) return result;
    } catch (err) {
      if (i >= tries) throw new Error(`${what}: ${err}`);
    }
    if (i >= tries) throw new Error(`${what}: gave up`);
    await sleep(pause);
  }
}

async function inbox() {
  const folders = await messenger.folders.query({});
  return folders.find((f) => f.name === "Inbox" || f.path === "/Inbox") ?? null;
}

async function main() {
  const folder = await retry("local Inbox", inbox);
  await retry("configure XSMTP", () => messenger.runtime.sendMessage(CONFIG.xsmtpId, { kind: "test-configure", settings: CONFIG.settings }));
  const [mailTab] = await messenger.mailTabs.query({});
  // The summary is built when the folder is first shown (THUNDERBIRD.md).
  await retry("open Inbox", () => messenger.mailTabs.update(mailTab.tabId ?? mailTab.id, { displayedFolderId: folder.id }).then(() => true));
  const messages = await retry("list Inbox", async () => {
    const page = await messenger.messages.list(folder.id);
    return page.messages.length >= CONFIG.expected ? page.messages : null;
  });
  for (const message of messages) {
    const tab = await messenger.messageDisplay.open({ messageId: message.id, location: "tab" });
    const shown = await retry("verdict", async () => {
      const state = await messenger.runtime.sendMessage(CONFIG.xsmtpId, { kind: "test-display-state", tabId: tab.id });
      return state && state.title !== "XSMTP" && !state.title.includes("checking") ? state : null;
    });
    const { tags } = await messenger.messages.get(message.id);
    log({ subject: message.subject, ...shown, tags });
    if (message.subject === CONFIG.replySubject) {
      const uri = await messenger.runtime.sendMessage(CONFIG.xsmtpId, { kind: "test-reply", tabId: tab.id });
      log({ replied: uri });
    }
  }
  log({ done: true });
}

main().catch((err) => log({ error: String(err) }));
