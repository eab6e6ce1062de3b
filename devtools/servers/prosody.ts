// Starts a private Prosody 0.12 for integration tests and the demo, configured from the
// prosody.example.cfg.lua checked into the repo (so the documented config is
// the tested one), on free loopback ports in a temp dir.
//
// Prosody refuses to run as root: as root, the temp dir is given to the
// prosody user and Prosody runs under `runuser -u prosody`.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hostsFile, renderConfig, S2S_PORT, type ProsodyOptions } from "./prosody-config.js";
import { readTextIfAny, startPrivateServer, watchStartup, type Ports, type PrivateServer } from "./private-server.js";
import { exited, isRoot, run, userIds } from "./process.js";
import { killGroup, onTestProcessExit } from "./reaper.js";

/** stop() is SIGTERM and wait for exit; log() is the Prosody log and its stdout/stderr. */
export type ProsodyInstance = PrivateServer;
export { S2S_PORT, type ProsodyOptions, type S2sOptions } from "./prosody-config.js";

// Compiled to dist/devtools/servers/prosody.js: the repo root is three levels up.
const exampleConfig = fileURLToPath(new URL("../../../prosody.example.cfg.lua", import.meta.url));
const startTimeoutMs = 10_000;
const stopTimeoutMs = 5_000;

/** Runs a Prosody binary as the prosody user when we are root. */
function asProsody(command: string, args: string[]): [string, string[]] {
  return isRoot ? ["runuser", ["-u", "prosody", "--", command, ...args]] : [command, args];
}

export async function startProsody(options: ProsodyOptions): Promise<ProsodyInstance> {
  const dir = await mkdtemp(join(tmpdir(), "xsmtp-prosody-"));
  const configPath = join(dir, "prosody.cfg.lua");
  const logPath = join(dir, "prosody.log");
  const pidFile = join(dir, "prosody.pid");
  const example = await readFile(exampleConfig, "utf8");
  const owner = isRoot ? await userIds("prosody") : undefined;
  // Prosody indexes the "certs" dir next to its config; an empty one avoids a spurious error.
  await mkdir(join(dir, "certs"));
  if (options.s2s) await writeFile(join(dir, "hosts"), hostsFile(options.s2s.peers));

  let child: ChildProcess | undefined;
  let output = "";
  let forget: () => void = () => {};
  const readLog = (): string => readTextIfAny(logPath);
  const log = (): string => `${readLog()}${output ? `\n--- stdout/stderr ---\n${output}` : ""}`;

  async function launch(ports: Ports): Promise<"up" | "port-taken"> {
    const logOffset = readLog().length;
    const [command, args] = asProsody("prosody", ["--config", configPath, "-F"]);
    // Own process group, so kill() also reaches Prosody behind runuser.
    const proc = spawn(command, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    proc.stdout?.on("data", (d) => (output += d));
    proc.stderr?.on("data", (d) => (output += d));
    // A test that forgets stop() must not keep the test process alive: the
    // exit hook below kills Prosody and removes its dir instead.
    proc.unref();
    (proc.stdout as unknown as { unref?(): void } | null)?.unref?.();
    (proc.stderr as unknown as { unref?(): void } | null)?.unref?.();
    forget();
    forget = onTestProcessExit(() => {
      killGroup(proc.pid, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    });

    // Prosody keeps running when a port is taken: it only logs an error.
    const activated = (fresh: string, service: string, port: number, address = "127.0.0.1"): boolean =>
      fresh.includes(`Activated service '${service}' on [${address}]:${port}`);
    const outcome = await watchStartup(ports, {
      freshLog: () => readLog().slice(logOffset),
      portTaken: "Failed to open server port",
      listening: (fresh) =>
        activated(fresh, "c2s", ports.c2s) &&
        activated(fresh, "component", ports.component) &&
        (!options.s2s || activated(fresh, "s2s", S2S_PORT, options.s2s.address)) &&
        (!ports.http || activated(fresh, "http", ports.http)),
      exited: () => proc.exitCode !== null || proc.signalCode !== null,
      timeoutMs: startTimeoutMs,
      describe: () => `Prosody did not come up within ${startTimeoutMs} ms in ${dir}:\n${log()}`,
      terminate,
    });
    if (outcome !== "exited") return outcome;
    throw new Error(`Prosody exited during startup (code ${proc.exitCode}, signal ${proc.signalCode}):\n${log()}`);
  }

  async function terminate(): Promise<void> {
    const proc = child;
    if (!proc) return;
    // Signal Prosody itself (its pidfile) rather than runuser: runuser, when
    // signalled, waits 2 s before it SIGKILLs its child.
    const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
    if (proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(pid > 0 ? pid : (proc.pid ?? 0), "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => killGroup(proc.pid, "SIGKILL"), stopTimeoutMs);
    await exited(proc);
    clearTimeout(timer);
    await rm(pidFile, { force: true });
    forget();
    child = undefined;
  }

  return startPrivateServer("Prosody", {
    dir,
    configPath,
    renderConfig: (ports) => renderConfig(example, dir, ports, options),
    wantsHttp: options.websocket,
    owner,
    launch,
    terminate,
    async register(user, host, password) {
      const [command, args] = asProsody("prosodyctl", ["--config", configPath, "register", user, host, password]);
      await run(command, args);
    },
    kill() {
      killGroup(child?.pid, "SIGKILL");
      // A stale pidfile would make a later stop() signal whatever reuses that pid.
      rmSync(pidFile, { force: true });
    },
    log,
    pidFile,
  });
}
