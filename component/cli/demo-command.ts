/**
 * `xsmtp demo`: runs the whole loop on a private Prosody (needs the Debian
 * package `prosody`); see component/demo/run-demo.ts.
 */
import type { Command } from "commander";
import { runDemo } from "../demo/run-demo.js";

export function addDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("show the whole loop on a private Prosody: enroll, sign, send, verify, tamper, progress (needs prosody installed)")
    .action(async () => {
      process.exit(await runDemo());
    });
}
