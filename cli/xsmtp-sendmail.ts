#!/usr/bin/env node
/**
 * `xsmtp-sendmail`: the same as `xsmtp sendmail`, as a single path for
 * programs that take a sendmail path and no arguments of their own
 * (git's sendemail.smtpServer, a cron MAILTO setup).
 */
import { sendmailMain } from "./sendmail-command.js";

await sendmailMain(process.argv.slice(2));
