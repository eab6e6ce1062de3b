/**
 * `xsmtp run`: attach the component to the XMPP server and serve until
 * SIGTERM/SIGINT (clean exit 0) or a connection the server refuses for good
 * (EXIT_REFUSED_BY_SERVER, 78), which a supervisor must not restart.
 */
import type { Command } from "commander";
import { loadConfig } from "../component/config/config.js";
import { createLogger } from "../component/log/logger.js";
import { startService } from "../component/service.js";
import { describeDatabase, openStore } from "../component/store/open-store.js";
import { settingsHelp } from "./config-help.js";
import { startGateway } from "./gateway-wiring.js";
import { EXIT_REFUSED_BY_SERVER, say } from "./errors.js";

export function addRunCommand(program: Command): void {
  program
    .command("run")
    .description("run the XSMTP component (XEP-0114) attached to an XMPP server")
    .option("-c, --config <file>", "configuration file of KEY=value lines")
    .addHelpText("after", settingsHelp())
    .action(async (opts: { config?: string }) => {
      const config = loadConfig({ file: opts.config, require: "component" });
      const log = createLogger(config.logLevel);
      const store = await openStore(config.database);
      const service = startService(config, { log, store });
      log.info({ domain: config.domain, database: describeDatabase(config.database) }, "starting");
      try {
        await service.metrics.listening;
      } catch (err) {
        say("xsmtp", (err as Error).message);
        await service.stop();
        process.exit(1);
      }
      // The milter listens at once: while the component is still connecting,
      // mail to sign is signed and mail to verify gets temperror (policy).
      const gateway = config.milter ? await startGateway(service, config, log) : undefined;
      const stopAll = async () => {
        await gateway?.close();
        await service.stop();
      };

      const shutdown = async (signal: string) => {
        log.info({ signal }, "stopping");
        await stopAll();
        process.exit(0);
      };
      process.once("SIGTERM", () => void shutdown("SIGTERM"));
      process.once("SIGINT", () => void shutdown("SIGINT"));

      const err = await service.fatal;
      say("xsmtp", err.message);
      await stopAll();
      process.exit(EXIT_REFUSED_BY_SERVER);
    });
}
