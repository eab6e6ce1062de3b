/**
 * A private OpenDKIM signing milter: the benchmark's outside baseline for
 * what signing mail inside Postfix costs (POSTFIX.md measured it at 0.22x
 * plain Postfix). Its own config, key (opendkim-genkey's default RSA size)
 * and pid file in a temp dir, on a free loopback port; nothing of the
 * packaged service is used.
 *
 * References: opendkim(8), opendkim.conf(5), opendkim-genkey(8).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../servers/process.js";
import { portAccepts, waitFor } from "../servers/wait.js";

export interface PrivateOpenDkim {
  /** For smtpd_milters. */
  milter: string;
  stop(): Promise<void>;
}

/** `milter`: "inet:127.0.0.1:PORT" or "unix:/path" (in a directory Postfix can reach). */
export async function startOpenDkim(domain: string, milter: string): Promise<PrivateOpenDkim> {
  if (!existsSync("/usr/sbin/opendkim") || !existsSync("/usr/sbin/opendkim-genkey")) {
    throw new Error("OpenDKIM is not installed (apt-get install opendkim opendkim-tools)");
  }
  const dir = await mkdtemp(join(tmpdir(), "xsmtp-opendkim-"));
  const unix = milter.startsWith("unix:") ? milter.slice(5) : undefined;
  const port = unix ? 0 : Number(milter.split(":")[2]);
  await run("opendkim-genkey", ["--directory", dir, "--domain", domain, "--selector", "bench"]);
  const conf = join(dir, "opendkim.conf");
  await writeFile(
    conf,
    [
      "Mode s", // sign only, as the XSMTP gateway does for outgoing mail
      unix ? `Socket local:${unix}` : `Socket inet:${port}@127.0.0.1`,
      "UMask 007", // the socket: group postfix from its directory, no one else
      `Domain ${domain}`,
      "Selector bench",
      `KeyFile ${join(dir, "bench.private")}`,
      "Canonicalization relaxed/simple",
      "InternalHosts 127.0.0.1", // loopback clients' mail is signed (also OpenDKIM's default)
      `PidFile ${join(dir, "opendkim.pid")}`,
      "RequireSafeKeys no", // the temp dir sits in /tmp, which others can write
      "Syslog no",
      "Background no",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn("/usr/sbin/opendkim", ["-f", "-x", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  process.once("exit", () => child.kill("SIGKILL"));
  await waitFor(() => child.exitCode === null && (unix ? existsSync(unix) : portAccepts(port)), {
    timeoutMs: 10_000,
    describe: () => `OpenDKIM did not listen on ${milter} (exit ${child.exitCode}): ${stderr}`,
  });
  return {
    milter,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
