/**
 * `xsmtp backup --out DIR`: a consistent copy of the store, the master key
 * and a manifest, taken while `xsmtp run` keeps serving
 * (component/backup/take-backup.ts). A refusal exits 1 having written
 * nothing; a bad configuration exits 2.
 */
import type { Command } from "commander";
import { loadConfig } from "../component/config/config.js";
import { takeBackup } from "../component/backup/take-backup.js";
import { settingsHelp } from "./config-help.js";
import { UsageError } from "./errors.js";

export function addBackupCommand(program: Command): void {
  program
    .command("backup")
    .description("copy the store, the master key and a manifest into a new folder, while the service runs")
    .option("-c, --config <file>", "configuration file of KEY=value lines")
    .requiredOption("-o, --out <dir>", "the new folder to write (created with mode 0700)")
    .option("--no-key", "leave the master key out (keep it apart; restore then needs it in place)")
    .addHelpText("after", settingsHelp())
    .action(async (opts: { config?: string; out: string; key: boolean }) => {
      const config = loadConfig({ file: opts.config, require: "store" });
      const taken = await takeBackup(config, opts.out, { withoutKey: !opts.key });
      if ("reason" in taken) throw new UsageError(`backup refused: ${taken.detail}`, 1);
      const { manifest } = taken;
      const sizes = Object.entries(manifest.files).map(([name, f]) => `${name} ${f.bytes} bytes`);
      process.stdout.write(
        `backup written to ${taken.dir} in ${taken.seconds.toFixed(2)} s: ${manifest.engine} schema ${manifest.schemaVersion}, ${sizes.join(", ")}\n`,
      );
    });
}
