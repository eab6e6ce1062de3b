/**
 * `xsmtp user ...`: the offline admin CLI for identities and keys. It works
 * with the component stopped or running (SQLite WAL and a busy timeout let
 * both write; on PostgreSQL every instance sees the change at its next
 * verification) and calls the same IdentityCore as the ad-hoc commands.
 */
import type { Command } from "commander";
import { loadConfig } from "../component/config/config.js";
import type { IdentityCore, IdentityError, IssuedKey, UserInfo } from "../component/keys/identity-core.js";
import { identityErrorText } from "../component/keys/identity-errors.js";
import { openIdentities } from "../component/keys/open-identities.js";
import { xep82DateTime } from "../protocol/datetime.js";
import { systemClock } from "../component/service-context.js";
import { openStore } from "../component/store/open-store.js";
import { settingsHelp } from "./config-help.js";
import { UsageError } from "./errors.js";

interface Common {
  config?: string;
  json?: boolean;
}

export function addUserCommand(program: Command): void {
  const user = program
    .command("user")
    .description("enroll users and manage their signing keys and From addresses (works offline)")
    .addHelpText("after", settingsHelp());

  const common = (cmd: Command) =>
    cmd.option("-c, --config <file>", "configuration file of KEY=value lines").option("--json", "print one JSON object");

  common(user.command("enroll <jid>").description("enroll a user and create its first key; prints the secret once"))
    .option("-l, --label <label>", "a name for the key, e.g. the device", "")
    .action((jid: string, opts: Common & { label: string }) =>
      withCore(opts, async (core) => printIssued(opts, jid, await core.enroll(jid, opts.label))),
    );

  common(user.command("add-key <jid>").description("create another key for an enrolled user; prints the secret once"))
    .option("-l, --label <label>", "a name for the key, e.g. the device", "")
    .action((jid: string, opts: Common & { label: string }) =>
      withCore(opts, async (core) => printIssued(opts, jid, await core.addKey(jid, opts.label))),
    );

  common(user.command("rotate-key <jid> <key-id>").description("replace a key: a new key is created, the old one retired now"))
    .action((jid: string, keyId: string, opts: Common) =>
      withCore(opts, async (core) => printIssued(opts, jid, await core.rotateKey(jid, keyId))),
    );

  common(user.command("revoke-key <jid> <key-id>").description("revoke one key, or 'all'; nothing signed with it verifies any more"))
    .action((jid: string, keyId: string, opts: Common) =>
      withCore(opts, async (core) => {
        const { revoked } = unwrap(jid, await core.revokeKey(jid, keyId));
        print(opts, { jid, revoked }, `revoked: ${revoked.join(" ") || "(nothing; already revoked)"}`);
      }),
    );

  common(user.command("set-addresses <jid> [addresses...]").description("set the From addresses a user may send as (its JID always included)"))
    .action((jid: string, addresses: string[], opts: Common) =>
      withCore(opts, async (core) => {
        const result = unwrap(jid, await core.setAddresses(jid, addresses));
        print(opts, { jid, addresses: result.addresses }, result.addresses.join("\n"));
      }),
    );

  common(user.command("info <jid>").description("show a user's enrollment, addresses and keys (never secrets)"))
    .action((jid: string, opts: Common) => withCore(opts, async (core) => printInfo(opts, unwrap(jid, await core.info(jid)))));

  common(user.command("list").description("list enrolled users"))
    .action((opts: Common) =>
      withCore(opts, async (core) => {
        const users: string[] = [];
        for (let page = await core.listUsers("", 500); page.length; page = await core.listUsers(page.at(-1)!, 500)) users.push(...page);
        print(opts, { users }, users.join("\n"));
      }),
    );

  common(user.command("remove <jid>").description("unenroll a user: delete its keys and addresses"))
    .action((jid: string, opts: Common) =>
      withCore(opts, async (core) => {
        unwrap(jid, await core.unenroll(jid));
        print(opts, { jid, removed: true }, `removed ${jid}`);
      }),
    );
}

async function withCore(opts: Common, action: (core: IdentityCore) => Promise<void>): Promise<void> {
  const config = loadConfig({ file: opts.config, require: "store" });
  const store = await openStore(config.database);
  try {
    await action(openIdentities(config, store.identity, systemClock).core);
  } finally {
    await store.close();
  }
}

function unwrap<T extends object>(jid: string, outcome: T | IdentityError): T {
  if (typeof outcome !== "string") return outcome;
  throw new UsageError(`${jid}: ${identityErrorText[outcome]}`, 1);
}

function print(opts: Common, json: object, text: string): void {
  process.stdout.write(opts.json ? JSON.stringify(json) + "\n" : text ? text + "\n" : "");
}

function printIssued(opts: Common, jid: string, outcome: IssuedKey | IdentityError): void {
  const key = unwrap(jid, outcome);
  print(
    opts,
    { jid: key.jid, key_id: key.keyId, secret: key.secret },
    `jid:    ${key.jid}\nkey-id: ${key.keyId}\nsecret: ${key.secret}\n\nGive the secret to the signer (xsmtp sign --secret-file); it is not shown again.`,
  );
}

function printInfo(opts: Common, info: UserInfo): void {
  const keys = info.keys.map((k) => ({
    key_id: k.keyId,
    label: k.label,
    state: k.state,
    created: xep82DateTime(k.createdAt),
    retired: k.retiredAt === null ? null : xep82DateTime(k.retiredAt),
    revoked: k.revokedAt === null ? null : xep82DateTime(k.revokedAt),
  }));
  print(
    opts,
    { jid: info.jid, enrolled_since: xep82DateTime(info.enrolledAt), addresses: info.addresses, keys },
    [
      `jid:            ${info.jid}`,
      `enrolled-since: ${xep82DateTime(info.enrolledAt)}`,
      `addresses:      ${info.addresses.join(", ")}`,
      `keys:`,
      ...keys.map((k) => `  ${k.key_id}  ${k.state.padEnd(7)}  created ${k.created}  ${k.label}`),
    ].join("\n"),
  );
}
