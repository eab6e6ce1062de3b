/**
 * Runs a headless Thunderbird on a profile in its own process group and
 * collects the driver add-on's "XSMTP-DRIVER <json>" lines from stdout.
 * A missing Thunderbird is a failure with a clear message, never a skip.
 *
 * References: THUNDERBIRD.md (launch, stop with SIGTERM to the group).
 */
import { spawn, spawnSync } from "node:child_process";

export const THUNDERBIRD = process.env.XSMTP_THUNDERBIRD ?? "thunderbird";

export function requireThunderbird(): void {
  const probe = spawnSync("sh", ["-c", `command -v ${THUNDERBIRD}`]);
  if (probe.status !== 0) {
    throw new Error(`Thunderbird is not installed (looked for "${THUNDERBIRD}"): apt-get install -y thunderbird (Debian 12 has 128+ ESR)`);
  }
}

export interface DriverRun {
  events: Record<string, unknown>[];
  output: string;
}

/**
 * Resolves once the driver says done (or errs), or rejects after `timeoutMs`;
 * Thunderbird is stopped either way. `binary`: a private install's
 * (thunderbird-install.ts), else the system's.
 */
export function runThunderbird(profile: string, env: Record<string, string>, timeoutMs: number, binary = THUNDERBIRD): Promise<DriverRun> {
  const child = spawn(binary, ["--headless", "--profile", profile, "--no-remote"], {
    detached: true,
    env: { ...process.env, ...env, MOZ_HEADLESS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: Record<string, unknown>[] = [];
  let output = "";
  let pending = "";
  const stop = () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  return new Promise<DriverRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`Thunderbird's driver did not finish within ${timeoutMs} ms; events: ${JSON.stringify(events)}\n${output.slice(-4000)}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      stop();
      resolve({ events, output });
    };
    child.stderr.on("data", (d: Buffer) => (output += d));
    child.stdout.on("data", (d: Buffer) => {
      output += d;
      pending += d;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        const at = line.indexOf("XSMTP-DRIVER ");
        if (at < 0) continue;
        const event = driverEvent(line.slice(at + "XSMTP-DRIVER ".length));
        events.push(event);
        if (event.done || event.error) finish();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (!events.some((e) => e.done || e.error)) reject(new Error(`Thunderbird exited (${code}) before the driver finished:\n${output.slice(-4000)}`));
    });
  });
}

/**
 * console.log reaches stdout as `console.log: "XSMTP-DRIVER {...}"`: the
 * message is printed as a JavaScript string literal, quotes escaped.
 */
function driverEvent(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    const unquoted = trimmed.endsWith('"') ? trimmed.slice(0, -1) : trimmed;
    return JSON.parse(JSON.parse(`"${unquoted}"`)) as Record<string, unknown>;
  }
}
