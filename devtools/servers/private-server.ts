// What the Prosody and ejabberd launchers share: the instance they hand out,
// and how a server is brought up on free loopback ports. Both start in the
// background and report binding (or failing to) only in their logs, so both
// read the log since launch, then probe the ports; the retry rules must be
// the same for both or one harness flakes where the other does not.
import { readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port.js";
import { chownTree } from "./process.js";
import { portAccepts, waitFor } from "./wait.js";

/** A private XMPP server for tests and the demo: Prosody (prosody.ts) or ejabberd (ejabberd.ts). */
export interface PrivateServer {
  c2sPort: number;
  componentPort: number;
  /** Only when asked for (Prosody's websocket option): XMPP over WebSocket at ws://127.0.0.1:<httpPort>/xmpp-websocket. */
  httpPort?: number;
  dir: string;
  register(user: string, host: string, password: string): Promise<void>;
  /** Stop the server, wait for it to exit, remove the temp dir; later calls return the same promise. */
  stop(): Promise<void>;
  /** Stop, then start on the same ports and data; resolves once both ports accept again. */
  restart(): Promise<void>;
  /** SIGKILL, as a crash would; the temp dir stays until stop(). */
  kill(): void;
  /** The server's log (and whatever else it wrote), for debugging. */
  log(): string;
  /** The server process's own pid, from its pidfile (what the benchmarks charge CPU to). */
  pid(): number;
}

export interface Ports {
  c2s: number;
  component: number;
  http?: number;
}

/** How one launch ended: listening, a port taken by someone else meanwhile, or the server gone. */
export type LaunchOutcome = "up" | "port-taken" | "exited";

/** A file's text, or "" while it does not exist yet (a log before the server writes it). */
export function readTextIfAny(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export interface StartupSigns {
  /** The log written since this launch. */
  freshLog(): string;
  /** A log fragment saying a port could not be bound. */
  portTaken: string;
  /** True once the log says every listener is bound. */
  listening(freshLog: string): boolean;
  /** True if the server process is gone. */
  exited?(): boolean;
  timeoutMs: number;
  /** The timeout's error message (with the log). */
  describe(): string;
  /** Stops what was launched: called unless the server came up. */
  terminate(): Promise<void>;
}

/**
 * Waits until the log says the ports are bound and both accept a connection,
 * or says a port was taken, or the server exits. A taken port would accept
 * our probe too, so the log is trusted first. Anything but "up" (a timeout
 * too) leaves the server stopped.
 */
export async function watchStartup(ports: Ports, signs: StartupSigns): Promise<LaunchOutcome> {
  let outcome: LaunchOutcome | undefined;
  const waiting = waitFor(
    async () => {
      const fresh = signs.freshLog();
      if (fresh.includes(signs.portTaken)) outcome = "port-taken";
      else if (signs.exited?.()) outcome = "exited";
      else if (signs.listening(fresh)) {
        if ((await portAccepts(ports.c2s)) && (await portAccepts(ports.component))) outcome = "up";
      }
      return outcome !== undefined;
    },
    { timeoutMs: signs.timeoutMs, describe: signs.describe },
  );
  await waiting.catch(async (error: unknown) => {
    await signs.terminate();
    throw error;
  });
  if (outcome !== "up") await signs.terminate();
  return outcome!;
}

/** What one server brings; startPrivateServer does the rest the same way for both. */
export interface ServerParts {
  dir: string;
  configPath: string;
  renderConfig(ports: Ports): string;
  /** Also pick a free HTTP port (Prosody's WebSocket endpoint). */
  wantsHttp?: boolean;
  /** The system user the server drops to when we are root: its temp dir must be its own. */
  owner?: { uid: number; gid: number };
  /** Starts the server on the configured ports; stops it again unless it came up. */
  launch(ports: Ports): Promise<"up" | "port-taken">;
  /** Stops the server process; the temp dir stays. */
  terminate(): Promise<void>;
  register: PrivateServer["register"];
  kill(): void;
  log(): string;
  /** Where the server writes its pid. */
  pidFile: string;
}

/**
 * Picks two free ports, configures and launches, up to three times (a free
 * port can be taken by another process before the server binds it); stop()
 * and restart() keep those ports.
 */
export async function startPrivateServer(name: string, parts: ServerParts): Promise<PrivateServer> {
  let ports: Ports | undefined;
  for (let attempt = 1; !ports; attempt++) {
    const candidate: Ports = { c2s: await freePort(), component: await freePort() };
    if (parts.wantsHttp) candidate.http = await freePort();
    if (new Set(Object.values(candidate)).size !== Object.keys(candidate).length) continue;
    await writeFile(parts.configPath, parts.renderConfig(candidate));
    if (parts.owner) await chownTree(parts.dir, parts.owner);
    if ((await parts.launch(candidate)) === "up") ports = candidate;
    else if (attempt >= 3) throw new Error(`${name} could not bind free ports three times:\n${parts.log()}`);
  }
  const bound = ports;
  let stopping: Promise<void> | undefined;
  return {
    c2sPort: bound.c2s,
    componentPort: bound.component,
    httpPort: bound.http,
    dir: parts.dir,
    register: parts.register,
    stop() {
      // Once only: a second stop must not run the server's tools again with
      // its config gone (ejabberdctl would fall back to the packaged node).
      stopping ??= parts.terminate().then(() => rm(parts.dir, { recursive: true, force: true }));
      return stopping;
    },
    async restart() {
      await parts.terminate();
      // The ports were ours a moment ago; give the kernel a beat if rebinding races.
      for (let attempt = 1; (await parts.launch(bound)) === "port-taken"; attempt++) {
        if (attempt >= 3) throw new Error(`${name} could not rebind its ports on restart:\n${parts.log()}`);
        await sleep(200);
      }
    },
    kill: parts.kill,
    log: parts.log,
    pid: () => Number(readFileSync(parts.pidFile, "utf8").trim().split("\n")[0]),
  };
}
