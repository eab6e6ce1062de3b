#!/usr/bin/env node
/**
 * The `xsmtp` command. Commander parses arguments and writes help; each
 * command lives in its own file and registers itself on the program.
 */
import { Command } from "commander";
import { XSMTP_VERSION } from "../component/basics/version.js";
import { addRunCommand } from "./run-command.js";
import { addUserCommand } from "./user-command.js";
import { addSignCommand } from "./sign-command.js";
import { addVerifyCommand } from "./verify-command.js";
import { addSendmailCommand, sendmailMain } from "./sendmail-command.js";
import { addBackupCommand } from "./backup-command.js";
import { addRestoreCommand } from "./restore-command.js";
import { reportAndExit } from "./errors.js";

const program = new Command()
  .name("xsmtp")
  .description("XSMTP: an email's sender vouched for by their XMPP identity.\nThe component, its admin CLI, and the mail-side signer and verifier.")
  .version(XSMTP_VERSION)
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: false });

addRunCommand(program);
addUserCommand(program);
addSignCommand(program);
addVerifyCommand(program);
addSendmailCommand(program);
addBackupCommand(program);
addRestoreCommand(program);

// sendmail's options are not ours to parse: they go to the real sendmail as given.
if (process.argv[2] === "sendmail") await sendmailMain(process.argv.slice(3));
else program.parseAsync(process.argv).catch(reportAndExit);
