// Starts a private ejabberd 23.01 for integration tests, configured from the
// ejabberd.example.yml checked into the repo, on free loopback ports in a temp
// dir, as its own Erlang node so it cannot collide with another instance.
//
// ejabberdctl reads /etc/ejabberd/ejabberdctl.cfg unless given --ctl-config,
// and that file would reset the config path: each instance gets its own.
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { replaceOnce, yamlString } from "./config-text.js";
import { readTextIfAny, startPrivateServer, watchStartup, type Ports, type PrivateServer } from "./private-server.js";
import { isRoot, run, userIds } from "./process.js";
import { onTestProcessExit } from "./reaper.js";

export interface EjabberdOptions {
  componentSecret: string;
  /** Default "xsmtp.example.org". */
  componentDomain?: string;
  /** Default ["example.org", "other.org"]. */
  hosts?: string[];
  /** More component domains on the same listener and secret (the benchmark's echo component). */
  extraComponents?: string[];
}

/** stop() is `ejabberdctl stop` then `stopped`; kill() SIGKILLs the Erlang VM; log() is ejabberd.log and error.log. */
export type EjabberdInstance = PrivateServer;

// Compiled to dist/devtools/servers/ejabberd.js: the repo root is three levels up.
const exampleConfig = fileURLToPath(new URL("../../../ejabberd.example.yml", import.meta.url));
const startTimeoutMs = 20_000;

function renderConfig(example: string, ports: Ports, options: EjabberdOptions): string {
  const hosts = options.hosts ?? ["example.org", "other.org"];
  let text = example;
  text = replaceOnce(text, "hosts: [example.org]", `hosts: [${hosts.map(yamlString).join(", ")}]`);
  text = replaceOnce(text, "port: 5222", `port: ${ports.c2s}`);
  text = replaceOnce(text, "port: 5347", `port: ${ports.component}`);
  text = replaceOnce(text, `"xsmtp.example.org":`, `${yamlString(options.componentDomain ?? "xsmtp.example.org")}:`);
  const password = `password: ${yamlString(options.componentSecret)}`;
  const extra = (options.extraComponents ?? []).map((d) => `\n      ${yamlString(d)}:\n        ${password}`).join("");
  text = replaceOnce(text, `password: "change-me-to-a-long-random-secret"`, password + extra);
  return text;
}

export async function startEjabberd(options: EjabberdOptions): Promise<EjabberdInstance> {
  const dir = await mkdtemp(join(tmpdir(), "xsmtp-ejabberd-"));
  const spoolDir = join(dir, "spool");
  const logsDir = join(dir, "logs");
  const pidPath = join(dir, "ejabberd.pid");
  const configPath = join(dir, "ejabberd.yml");
  const ctlConfig = join(dir, "ejabberdctl.cfg");
  await mkdir(spoolDir);
  await mkdir(logsDir);
  const example = await readFile(exampleConfig, "utf8");
  const owner = isRoot ? await userIds("ejabberd") : undefined;
  // A unique node name and cookie: several instances (and the packaged one) can coexist.
  const node = `xsmtp-test-${randomBytes(6).toString("hex")}@localhost`;
  await writeFile(
    ctlConfig,
    [
      `ERLANG_NODE=${node}`,
      `EJABBERD_CONFIG_PATH=${configPath}`,
      `SPOOL_DIR=${spoolDir}`,
      `LOGS_DIR=${logsDir}`,
      `EJABBERD_PID_PATH=${pidPath}`,
      `ERL_OPTIONS="-setcookie ${randomBytes(12).toString("hex")}"`,
      "",
    ].join("\n"),
  );

  const readLog = (): string => readTextIfAny(join(logsDir, "ejabberd.log"));
  const log = (): string => `${readLog()}\n--- error.log ---\n${readTextIfAny(join(logsDir, "error.log"))}`;
  const ctl = (...args: string[]): Promise<string> => run("ejabberdctl", ["--ctl-config", ctlConfig, ...args]);

  const hardKill = (): void => {
    const pid = Number(readTextIfAny(pidPath).trim());
    if (pid > 0) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    rmSync(pidPath, { force: true });
  };
  let forget: () => void = () => {};

  async function terminate(): Promise<void> {
    await ctl("stop").catch(() => hardKill()); // fails if the node is already down
    await ctl("stopped").catch(() => {});
    forget();
  }

  async function launch(ports: Ports): Promise<"up" | "port-taken"> {
    const logOffset = readLog().length;
    forget = onTestProcessExit(() => {
      hardKill();
      rmSync(dir, { recursive: true, force: true });
    });
    await ctl("start"); // detaches at once
    const listening = (fresh: string, module: string, port: number): boolean =>
      fresh.includes(`Start accepting TCP connections at 127.0.0.1:${port} for ${module}`);
    const outcome = await watchStartup(ports, {
      freshLog: () => readLog().slice(logOffset),
      portTaken: "Failed to open socket",
      listening: (fresh) => listening(fresh, "ejabberd_c2s", ports.c2s) && listening(fresh, "ejabberd_service", ports.component),
      timeoutMs: startTimeoutMs,
      describe: () => `ejabberd did not come up within ${startTimeoutMs} ms in ${dir}:\n${log()}`,
      terminate,
    });
    return outcome === "up" ? "up" : "port-taken";
  }

  return startPrivateServer("ejabberd", {
    dir,
    configPath,
    renderConfig: (ports) => renderConfig(example, ports, options),
    owner,
    launch,
    terminate,
    async register(user, host, password) {
      await ctl("register", user, host, password);
    },
    kill: hardKill,
    log,
  });
}
