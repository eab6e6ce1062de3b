/**
 * `xsmtp restore --from DIR`: puts a backup's store and master key in place
 * of the configured ones, with the service stopped
 * (component/backup/restore-backup.ts). A refusal exits 1 having changed
 * nothing; a bad configuration exits 2.
 */
import type { Command } from "commander";
import { loadConfig } from "../component/config/config.js";
import { restoreBackup } from "../component/backup/restore-backup.js";
import { settingsHelp } from "./config-help.js";
import { say, UsageError } from "./errors.js";

export function addRestoreCommand(program: Command): void {
  program
    .command("restore")
    .description("replace the store and the master key by a backup's (stop the service first)")
    .option("-c, --config <file>", "configuration file of KEY=value lines")
    .requiredOption("-f, --from <dir>", "a folder written by xsmtp backup")
    .option("--force", "replace a store that holds data")
    .addHelpText("after", settingsHelp())
    .action(async (opts: { config?: string; from: string; force?: boolean }) => {
      const config = loadConfig({ file: opts.config, require: "store" });
      const restored = await restoreBackup(config, opts.from, { force: opts.force });
      if ("reason" in restored) throw new UsageError(`restore refused: ${restored.detail}`, 1);
      for (const warning of restored.warnings) say("xsmtp restore", warning);
      const { manifest } = restored;
      process.stdout.write(
        `restored ${config.database}${restored.keyRestored ? ` and ${config.keyFile}` : ""} from ${opts.from} ` +
          `(${manifest.engine} schema ${manifest.schemaVersion}, taken ${manifest.createdAt} by XSMTP ${manifest.xsmtp})\n`,
      );
    });
}
