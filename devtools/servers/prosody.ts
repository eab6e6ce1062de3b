// Starts a private Prosody 0.12 for integration tests and the demo, configured from the
// prosody.example.cfg.lua checked into the repo (so the documented config is
// the tested one), on free loopback ports in a temp dir.
//
// Prosody refuses to run as root: as root, the temp dir is given to the
// prosody user and Prosody runs under `runuser -u prosody`.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { luaString, replaceOnce } from "./config-text.js";
import { freePort } from "./free-port.js";
import { chownTree, exited, isRoot, run, userIds } from "./process.js";
import { killGroup, onTestProcessExit } from "./reaper.js";
import { portAccepts, waitFor } from "./wait.js";

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
  /** Serve XMPP over WebSocket (RFC 7395) on a free loopback HTTP port, at /xmpp-websocket (the Thunderbird add-on's tests). */
  websocket?: boolean;
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

/** A private XMPP server for tests and the demo: Prosody here, ejabberd in ejabberd.ts beside it. */
export interface PrivateServer {
  c2sPort: number;
  componentPort: number;
  /** Only with ProsodyOptions.websocket: XMPP over WebSocket at ws://127.0.0.1:<httpPort>/xmpp-websocket. */
  httpPort?: number;
  dir: string;
  register(user: string, host: string, password: string): Promise<void>;
  /** SIGTERM, wait for exit, remove the temp dir. */
  stop(): Promise<void>;
  /** Stop, then start on the same ports and data; resolves once both ports accept again. */
  restart(): Promise<void>;
  /** SIGKILL, as a crash would; the temp dir stays until stop(). */
  kill(): void;
  /** The Prosody log and its stdout/stderr, for debugging. */
  log(): string;
}

export type ProsodyInstance = PrivateServer;

// Compiled to dist/devtools/servers/prosody.js: the repo root is three levels up.
const exampleConfig = fileURLToPath(new URL("../../../prosody.example.cfg.lua", import.meta.url));
const startTimeoutMs = 10_000;
const stopTimeoutMs = 5_000;

interface Ports {
  c2s: number;
  component: number;
  http?: number;
}

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
  if (ports.http) text = enableWebSocket(text, ports.http);
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

// Loopback only, and the origin check off: the add-on connects from moz-extension://.
function enableWebSocket(example: string, httpPort: number): string {
  const text = replaceOnce(example, "modules_enabled = {", `modules_enabled = {\n\t"websocket";`);
  return replaceOnce(
    text,
    "http_ports = { }",
    [`http_ports = { ${httpPort} }`, `http_interfaces = { "127.0.0.1" }`, "cross_domain_websocket = true", "consider_websocket_secure = true"].join("\n"),
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
  const readLog = (): string => {
    try {
      return readFileSync(logPath, "utf8");
    } catch {
      return "";
    }
  };
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

    // Prosody keeps running when a port is taken (it only logs an error), and a
    // taken port would accept our probe: trust the log, then probe the ports.
    const activated = (service: string, port: number, address = "127.0.0.1"): boolean =>
      readLog().slice(logOffset).includes(`Activated service '${service}' on [${address}]:${port}`);
    const s2sUp = (): boolean => !options.s2s || activated("s2s", S2S_PORT, options.s2s.address);
    let outcome: "up" | "port-taken" | "exited" | undefined;
    const waiting = waitFor(
      async () => {
        const fresh = readLog().slice(logOffset);
        if (fresh.includes("Failed to open server port")) outcome = "port-taken";
        else if (proc.exitCode !== null || proc.signalCode !== null) outcome = "exited";
        else if (activated("c2s", ports.c2s) && activated("component", ports.component) && s2sUp() && (!ports.http || activated("http", ports.http))) {
          if ((await portAccepts(ports.c2s)) && (await portAccepts(ports.component))) outcome = "up";
        }
        return outcome !== undefined;
      },
      {
        timeoutMs: startTimeoutMs,
        describe: () => `Prosody did not come up within ${startTimeoutMs} ms in ${dir}:\n${log()}`,
      },
    );
    await waiting.catch(async (error: unknown) => {
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

  let ports: Ports | undefined;
  for (let attempt = 1; !ports; attempt++) {
    const candidate: Ports = { c2s: await freePort(), component: await freePort() };
    if (options.websocket) candidate.http = await freePort();
    if (new Set(Object.values(candidate)).size !== Object.keys(candidate).length) continue;
    await writeFile(configPath, renderConfig(example, dir, candidate, options));
    if (owner) await chownTree(dir, owner);
    const result = await launch(candidate);
    if (result === "up") ports = candidate;
    else if (attempt >= 3) throw new Error(`Prosody could not bind free ports three times:\n${log()}`);
  }
  const { c2s, component, http } = ports;

  return {
    c2sPort: c2s,
    componentPort: component,
    httpPort: http,
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
      // The ports were ours a moment ago; give the kernel a beat if rebinding races.
      for (let attempt = 1; (await launch({ c2s, component, http })) === "port-taken"; attempt++) {
        if (attempt >= 3) throw new Error(`Prosody could not rebind its ports on restart:\n${log()}`);
        await sleep(200);
      }
    },
    kill() {
      killGroup(child?.pid, "SIGKILL");
      // A stale pidfile would make a later stop() signal whatever reuses that pid.
      rmSync(join(dir, "prosody.pid"), { force: true });
    },
    log,
  };
}
