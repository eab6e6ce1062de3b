// What the Prosody and ejabberd launchers share: the instance they hand out,
// and how a server is brought up on free loopback ports. Both start in the
// background and report binding (or failing to) only in their logs, so both
// read the log since launch, then probe the ports; the retry rules must be
// the same for both or one harness flakes where the other does not.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port.js";
import { portAccepts, waitFor } from "./wait.js";

/** A private XMPP server for tests and the demo: Prosody (prosody.ts) or ejabberd (ejabberd.ts). */
export interface PrivateServer {
  c2sPort: number;
  componentPort: number;
  dir: string;
  register(user: string, host: string, password: string): Promise<void>;
  /** Stop the server, wait for it to exit, remove the temp dir. */
  stop(): Promise<void>;
  /** Stop, then start on the same ports and data; resolves once both ports accept again. */
  restart(): Promise<void>;
  /** SIGKILL, as a crash would; the temp dir stays until stop(). */
  kill(): void;
  /** The server's log (and whatever else it wrote), for debugging. */
  log(): string;
}

export interface Ports {
  c2s: number;
  component: number;
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
}

/**
 * Waits until the log says the ports are bound and both accept a connection,
 * or says a port was taken, or the server exits. A taken port would accept
 * our probe too, so the log is trusted first.
 */
export async function watchStartup(ports: Ports, signs: StartupSigns): Promise<LaunchOutcome> {
  let outcome: LaunchOutcome | undefined;
  await waitFor(
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
  return outcome!;
}

export interface Launcher {
  /** Writes the config for these ports. */
  configure(ports: Ports): Promise<void>;
  /** Starts the server on the configured ports; stops it again unless it came up. */
  launch(ports: Ports): Promise<"up" | "port-taken">;
  log(): string;
}

/**
 * Picks two free ports, configures and launches, up to three times: a free
 * port can be taken by another process before the server binds it.
 */
export async function launchOnFreePorts(name: string, server: Launcher): Promise<Ports> {
  for (let attempt = 1; ; attempt++) {
    const candidate = { c2s: await freePort(), component: await freePort() };
    if (candidate.c2s === candidate.component) continue;
    await server.configure(candidate);
    if ((await server.launch(candidate)) === "up") return candidate;
    if (attempt >= 3) throw new Error(`${name} could not bind free ports three times:\n${server.log()}`);
  }
}

/** Launches again on the ports just released; the kernel may need a beat before they rebind. */
export async function relaunchOnSamePorts(name: string, ports: Ports, server: Omit<Launcher, "configure">): Promise<void> {
  for (let attempt = 1; (await server.launch(ports)) === "port-taken"; attempt++) {
    if (attempt >= 3) throw new Error(`${name} could not rebind its ports on restart:\n${server.log()}`);
    await sleep(200);
  }
}
