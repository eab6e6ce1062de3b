/**
 * Starts the XSMTP service in the test process, attached to a private
 * server, with its own temporary database and master key.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type Config } from "../../component/config/config.js";
import { createLogger, silentLogger } from "../../component/log/logger.js";
import { startService, type RunningService } from "../../component/service.js";
import { openStore } from "../../component/store/open-store.js";
import { TEST_ADMIN, xsmtpEnv } from "../../devtools/xsmtp-env.js";

export interface TestService {
  service: RunningService;
  config: Config;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startTestService(componentPort: number, secret: string, env: Record<string, string> = {}): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-svc-"));
  const fullEnv = xsmtpEnv({ componentPort, secret, stateDir: dir, admins: TEST_ADMIN, extra: env });
  const config = loadConfig({ env: fullEnv, require: "component" });
  const log = process.env.XSMTP_TEST_LOG ? createLogger("debug") : silentLogger();
  const service = startService(config, { log, store: await openStore(config.database), backoff: { initial: 100, max: 1000 } });
  const fatal = service.fatal.then((err) => {
    throw err;
  });
  await Promise.race([service.online, fatal, timeout(10_000, "component did not come online")]);
  return { service, config, env: fullEnv, stop: () => service.stop() };
}

export function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}
