// Starts a private ejabberd 23.01 for integration tests, configured from the
// ejabberd.example.yml checked into the repo, on free loopback ports in a temp
// dir, as its own Erlang node so it cannot collide with another instance
// (ejabberd-cluster.ts joins two of them).
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderConfig, renderCtlConfig, type EjabberdOptions } from "./ejabberd-config.js";
import { readTextIfAny, startPrivateServer, watchStartup, type Ports, type PrivateServer, type StartupSigns } from "./private-server.js";
import { isRoot, run, userIds } from "./process.js";
import { onTestProcessExit } from "./reaper.js";

/**
 * stop() is `ejabberdctl stop` then `stopped`; kill() SIGKILLs the Erlang VM;
 * log() is ejabberd.log and error.log.
 */
export interface EjabberdInstance extends PrivateServer {
  /** The Erlang node name, e.g. xsmtp-test-0a1b2c3d4e5f@localhost. */
  node: string;
  /** Runs `ejabberdctl ARGS` against this node; resolves to its stdout. */
  ctl(...args: string[]): Promise<string>;
  /**
   * `join_cluster PEER`: this node drops its own Mnesia data and restarts
   * ejabberd as a member of PEER's cluster. Resolves once its listeners accept
   * again (the command returns before the restart even begins).
   */
  joinCluster(peer: string): Promise<void>;
}
export type { BalancingType, EjabberdOptions } from "./ejabberd-config.js";

// Compiled to dist/devtools/servers/ejabberd.js: the repo root is three levels up.
const exampleConfig = fileURLToPath(new URL("../../../ejabberd.example.yml", import.meta.url));
const startTimeoutMs = 20_000;

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
  const erlang = options.erlang ?? {
    node: `xsmtp-test-${randomBytes(6).toString("hex")}@localhost`,
    cookie: randomBytes(12).toString("hex"),
  };
  await writeFile(ctlConfig, renderCtlConfig(erlang, { configPath, spoolDir, logsDir, pidPath }));

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

  /** Reads the log written since `logOffset`: both listeners bound, or a port taken. */
  function startupSigns(logOffset: number, ports: Ports): StartupSigns {
    const listening = (fresh: string, module: string, port: number): boolean =>
      fresh.includes(`Start accepting TCP connections at 127.0.0.1:${port} for ${module}`);
    return {
      freshLog: () => readLog().slice(logOffset),
      portTaken: "Failed to open socket",
      listening: (fresh) => listening(fresh, "ejabberd_c2s", ports.c2s) && listening(fresh, "ejabberd_service", ports.component),
      timeoutMs: startTimeoutMs,
      describe: () => `ejabberd did not come up within ${startTimeoutMs} ms in ${dir}:\n${log()}`,
      terminate,
    };
  }

  async function launch(ports: Ports): Promise<"up" | "port-taken"> {
    const logOffset = readLog().length;
    forget = onTestProcessExit(() => {
      hardKill();
      rmSync(dir, { recursive: true, force: true });
    });
    await ctl("start"); // detaches at once
    return (await watchStartup(ports, startupSigns(logOffset, ports))) === "up" ? "up" : "port-taken";
  }

  const server = await startPrivateServer("ejabberd", {
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
    pidFile: pidPath,
  });
  return {
    ...server,
    node: erlang.node,
    ctl,
    async joinCluster(peer) {
      const logOffset = readLog().length;
      await ctl("join_cluster", peer);
      const ports = { c2s: server.c2sPort, component: server.componentPort };
      const outcome = await watchStartup(ports, startupSigns(logOffset, ports));
      if (outcome !== "up") throw new Error(`ejabberd ${erlang.node} did not come back after join_cluster ${peer} (${outcome}):\n${log()}`);
    },
  };
}
