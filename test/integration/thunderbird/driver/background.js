// The end-to-end tests' driver add-on, run inside a headless Thunderbird.
// It opens the Local Folders Inbox, then runs CONFIG.phases in order; a phase
// may configure the XSMTP add-on's local settings (test-configure, which
// answers the managed keys), import messages as new mail into a folder of
// their own and wait for XSMTP to tag them unseen (checkNewMail), display
// messages and read back what the display action shows, press Reply over
// XMPP, and open the popup or the options page and read back what they
// rendered. Results go to stdout as "XSMTP-DRIVER <json>" lines (console.log
// reaches stdout with devtools.console.stdout.chrome, THUNDERBIRD.md).
// The test prepends `const CONFIG = {...}`.
const log = (event) => console.log(`XSMTP-DRIVER ${JSON.stringify(event)}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const xsmtp = (request) => messenger.runtime.sendMessage(CONFIG.xsmtpId, request);

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

/** Imports each message flagged new into a fresh folder: Thunderbird reports them through onNewMailReceived. */
async function arrive(folderName, raws, inboxFolder) {
  const root = (await messenger.folders.query({})).find((f) => f.isRoot && f.accountId === inboxFolder.accountId);
  const target = await messenger.folders.create(root.id, folderName);
  const imported = [];
  for (const raw of raws) imported.push(await messenger.messages.import(new File([raw], "message.eml"), target.id, { new: true }));
  for (const message of imported) {
    // Nobody displays them: only checking new mail can have tagged them.
    const tags = await retry("tagged on arrival", async () => {
      const { tags } = await messenger.messages.get(message.id);
      return tags.some((t) => t.startsWith("xsmtp_")) ? tags : null;
    }, 100, 100);
    log({ arrived: message.subject, tags });
  }
  return imported;
}

async function readPage(page, tabId) {
  await xsmtp({ kind: "test-open-page", page, tabId });
  return retry(`${page} page`, () => xsmtp({ kind: "test-rendered-state", page }), 80, 100);
}

async function display(phase, message) {
  const tab = await messenger.messageDisplay.open({ messageId: message.id, location: "tab" });
  const shown = await retry("verdict", async () => {
    const state = await xsmtp({ kind: "test-display-state", tabId: tab.id });
    return state && state.title !== "XSMTP" && !state.title.includes("checking") ? state : null;
  });
  const { tags } = await messenger.messages.get(message.id);
  log({ phase: phase.name, subject: message.subject, ...shown, tags });
  if (message.subject === phase.replySubject) log({ replied: await xsmtp({ kind: "test-reply", tabId: tab.id }) });
  if (message.subject === phase.popupSubject) log({ phase: phase.name, popup: await readPage("popup", tab.id) });
}

async function main() {
  const folder = await retry("local Inbox", inbox);
  const [mailTab] = await messenger.mailTabs.query({});
  // The summary is built when the folder is first shown (THUNDERBIRD.md).
  await retry("open Inbox", () => messenger.mailTabs.update(mailTab.tabId ?? mailTab.id, { displayedFolderId: folder.id }).then(() => true));
  const inboxMessages = await retry("list Inbox", async () => {
    const page = await messenger.messages.list(folder.id);
    return page.messages.length >= CONFIG.expected ? page.messages : null;
  });
  for (const phase of CONFIG.phases) {
    if (phase.settings) {
      const { managed } = await retry("configure XSMTP", () => xsmtp({ kind: "test-configure", settings: phase.settings }));
      log({ phase: phase.name, managed });
    }
    const messages = phase.arrive
      ? await arrive(phase.name, phase.arrive, folder)
      : inboxMessages.filter((m) => (phase.subjects ?? []).includes(m.subject));
    for (const message of messages) await display(phase, message);
    if (phase.options) log({ phase: phase.name, options: await readPage("options") });
  }
  log({ done: true });
}

main().catch((err) => log({ error: String(err) }));
