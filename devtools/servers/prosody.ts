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
import { luaString, replaceOnce } from "./config-text.js";
import { launchOnFreePorts, readTextIfAny, relaunchOnSamePorts, watchStartup, type Ports, type PrivateServer } from "./private-server.js";
import { chownTree, exited, isRoot, run, userIds } from "./process.js";
import { killGroup, onTestProcessExit } from "./reaper.js";

export interface ProsodyOptions {
  componentSecret: string;
  /** Default "xsmtp.example.org". */
  componentDomain?: string;
  /** Default ["example.org", "other.org"]. */
  hosts?: string[];
  /** More component JIDs attached with the same secret (the benchmark's echo component). */
  extraComponents?: string[];
  /** Federate with other servers (s2s with dialback, no TLS) instead of keeping s2s off. */
  s2s?: S2sOptions;
}

export interface S2sOptions {
  /**
   * The loopback address this server accepts s2s on, port 5269 (e.g. "127.0.0.2"):
   * each federating server needs its own, since peers find it by name alone.
   */
  address: string;
  /** The peers' domains (their components' too) and the s2s address of each: Prosody's hosts file. */
  peers: Record<string, string>;
  /** A UDP DNS server on 127.0.0.1 answering at once (devtools/servers/dns-stub.ts); SRV look-ups stall without one. */
  dnsPort: number;
}

/** The s2s port: peers without SRV records can only assume the default. */
export const S2S_PORT = 5269;

/** stop() is SIGTERM and wait for exit; log() is the Prosody log and its stdout/stderr. */
export type ProsodyInstance = PrivateServer;

// Compiled to dist/devtools/servers/prosody.js: the repo root is three levels up.
const exampleConfig = fileURLToPath(new URL("../../../prosody.example.cfg.lua", import.meta.url));
const startTimeoutMs = 10_000;
const stopTimeoutMs = 5_000;

function renderConfig(example: string, dir: string, ports: Ports, options: ProsodyOptions): string {
  const [firstHost, ...otherHosts] = options.hosts ?? ["example.org", "other.org"];
  let text = example;
  text = replaceOnce(text, `data_path = "/var/lib/prosody"`, `data_path = ${luaString(dir)}`);
  text = replaceOnce(text, `pidfile = "/run/prosody/prosody.pid"`, `pidfile = ${luaString(join(dir, "prosody.pid"))}`);
  text = replaceOnce(text, "c2s_ports = { 5222 }", `c2s_ports = { ${ports.c2s} }`);
  text = replaceOnce(text, "component_ports = { 5347 }", `component_ports = { ${ports.component} }`);
  text = replaceOnce(
    text,
    `log = { info = "/var/log/prosody/prosody.log"; error = "/var/log/prosody/prosody.err" }`,
    `log = { debug = ${luaString(join(dir, "prosody.log"))} }`,
  );
  text = replaceOnce(text, `VirtualHost "example.org"`, `VirtualHost ${luaString(firstHost ?? "example.org")}`);
  text = replaceOnce(
    text,
    `Component "xsmtp.example.org"`,
    `Component ${luaString(options.componentDomain ?? "xsmtp.example.org")}`,
  );
  text = replaceOnce(
    text,
    `component_secret = "change-me-to-a-long-random-secret"`,
    `component_secret = ${luaString(options.componentSecret)}`,
  );
  if (options.s2s) text = enableS2s(text, dir, options.s2s);
  // Appended after the Component section: a VirtualHost line starts a new section.
  const components = (options.extraComponents ?? []).map(
    (name) => `\nComponent ${luaString(name)}\n\tcomponent_secret = ${luaString(options.componentSecret)}\n`,
  );
  return text + otherHosts.map((host) => `\nVirtualHost ${luaString(host)}\n`).join("") + components.join("");
}

function enableS2s(example: string, dir: string, s2s: S2sOptions): string {
  let text = example;
  text = replaceOnce(text, `modules_disabled = { "s2s"; "tls" } -- real: keep both`, `modules_disabled = { "tls" }`);
  const unbound = [
    `hoststxt = ${luaString(join(dir, "hosts"))}`,
    `forward = ${luaString(`127.0.0.1@${s2s.dnsPort}`)}`,
    `options = { ["do-not-query-localhost:"] = "no" }`,
  ].join("; ");
  return replaceOnce(
    text,
    "s2s_ports = { }",
    [
      `s2s_ports = { ${S2S_PORT} }`,
      `s2s_interfaces = { ${luaString(s2s.address)} }`,
      "s2s_require_encryption = false",
      "s2s_secure_auth = false",
      `unbound = { ${unbound} }`,
    ].join("\n"),
  );
}

function hostsFile(peers: Record<string, string>): string {
  return Object.entries(peers)
    .map(([name, address]) => `${address} ${name}\n`)
    .join("");
}

/** Runs a Prosody binary as the prosody user when we are root. */
function asProsody(command: string, args: string[]): [string, string[]] {
  return isRoot ? ["runuser", ["-u", "prosody", "--", command, ...args]] : [command, args];
}

export async function startProsody(options: ProsodyOptions): Promise<ProsodyInstance> {
  const dir = await mkdtemp(join(tmpdir(), "xsmtp-prosody-"));
  const configPath = join(dir, "prosody.cfg.lua");
  const logPath = join(dir, "prosody.log");
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
        (!options.s2s || activated(fresh, "s2s", S2S_PORT, options.s2s.address)),
      exited: () => proc.exitCode !== null || proc.signalCode !== null,
      timeoutMs: startTimeoutMs,
      describe: () => `Prosody did not come up within ${startTimeoutMs} ms in ${dir}:\n${log()}`,
    }).catch(async (error: unknown) => {
      await terminate();
      throw error;
    });
    if (outcome === "up") return "up";
    await terminate();
    if (outcome === "port-taken") return "port-taken";
    throw new Error(`Prosody exited during startup (code ${proc.exitCode}, signal ${proc.signalCode}):\n${log()}`);
  }

  async function terminate(): Promise<void> {
    const proc = child;
    if (!proc) return;
    // Signal Prosody itself (its pidfile) rather than runuser: runuser, when
    // signalled, waits 2 s before it SIGKILLs its child.
    const pid = Number((await readFile(join(dir, "prosody.pid"), "utf8").catch(() => "")).trim());
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
    await rm(join(dir, "prosody.pid"), { force: true });
    forget();
    child = undefined;
  }

  const configure = async (ports: Ports): Promise<void> => {
    await writeFile(configPath, renderConfig(example, dir, ports, options));
    if (owner) await chownTree(dir, owner);
  };
  const ports = await launchOnFreePorts("Prosody", { configure, launch, log });

  return {
    c2sPort: ports.c2s,
    componentPort: ports.component,
    dir,
    async register(user, host, password) {
      const [command, args] = asProsody("prosodyctl", ["--config", configPath, "register", user, host, password]);
      await run(command, args);
    },
    async stop() {
      await terminate();
      await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      await terminate();
      await relaunchOnSamePorts("Prosody", ports, { launch, log });
    },
    kill() {
      killGroup(child?.pid, "SIGKILL");
      // A stale pidfile would make a later stop() signal whatever reuses that pid.
      rmSync(join(dir, "prosody.pid"), { force: true });
    },
    log,
  };
}
