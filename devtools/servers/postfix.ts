// A private Postfix for milter integration tests, following
// POSTFIX.md in the project's shared notes: its own config dir, queue and log in a temp
// dir, smtpd on a free loopback port, every message delivered into an .eml
// file by a pipe service, nothing on port 25. Postfix needs root to start.
//
// References: Postfix postconf(5) (maillog_file, maillog_file_prefixes,
// milter_* parameters), master(5), pipe(8), MILTER_README.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { isRoot, run, userIds } from "./process.js";
import { onTestProcessExit } from "./reaper.js";
import { waitFor } from "./wait.js";

export interface PostfixOptions {
  /** Milter endpoint for smtpd_milters, e.g. "inet:127.0.0.1:8891". */
  milter: string;
  /** The domain delivered locally into the sink (default "example.net"). */
  domain?: string;
  /** milter_default_action when the milter is unreachable or fails (default "tempfail"). */
  defaultAction?: "accept" | "tempfail" | "reject";
  /** myhostname (default "mx.example.test"); two instances relaying to each other need different ones, or Postfix sees a loop. */
  hostname?: string;
  /** relayhost for mail to other domains, e.g. "[127.0.0.1]:2525" (another private instance). */
  relayhost?: string;
  /** More main.cf lines ("name = value"), applied last. */
  mainCf?: string[];
}

export interface PrivatePostfix {
  smtpPort: number;
  dir: string;
  /** Delivered messages, one string per .eml, in queue-id order (find a message by its content). */
  delivered(): Promise<string[]>;
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Why Postfix tests cannot run here, or undefined when they can. */
/** Why a private Postfix cannot start here; the tests then fail with it, never skip (.ci/run installs Postfix). */
function postfixUnavailable(): string | undefined {
  if (!existsSync("/usr/sbin/postfix")) return "Postfix is not installed (see POSTFIX.md: apt-get install postfix)";
  if (!isRoot) return "a private Postfix needs root to start";
  return undefined;
}

export async function startPostfix(options: PostfixOptions): Promise<PrivatePostfix> {
  const missing = postfixUnavailable();
  if (missing) throw new Error(missing);
  const dir = await mkdtemp(join(tmpdir(), "xsmtp-postfix-"));
  const smtpPort = await freePort();
  const out = join(dir, "out");
  await Promise.all(["queue", "data", "log", "out"].map((sub) => mkdir(join(dir, sub))));
  await chmod(dir, 0o755); // pipe runs the sink as nobody, who must reach sink.sh
  await chown(join(dir, "data"), (await userIds("postfix")).uid, (await userIds("postfix")).gid);
  await chown(out, (await userIds("nobody")).uid, (await userIds("nobody")).gid);
  // Written under a temporary name and renamed: a reader polling for .eml files
  // must never see one that is still being written (seen: an empty first line).
  await writeFile(
    join(dir, "sink.sh"),
    `#!/bin/sh\n# $1 = queue id: one file per message\ncat > ${out}/"$1".part && mv ${out}/"$1".part ${out}/"$1".eml\n`,
    { mode: 0o755 },
  );
  await writeFile(join(dir, "main.cf"), "");
  await writeFile(join(dir, "master.cf"), await readFile("/etc/postfix/master.cf"));
  const postconf = (...args: string[]) => run("postconf", ["-c", dir, ...args]);
  await postconf(
    "-e",
    `queue_directory = ${join(dir, "queue")}`,
    `data_directory = ${join(dir, "data")}`,
    `maillog_file = ${join(dir, "log", "maillog")}`,
    `maillog_file_prefixes = ${dir}`, // else Postfix refuses a log file outside /var
    "inet_interfaces = 127.0.0.1",
    "inet_protocols = ipv4",
    `myhostname = ${options.hostname ?? "mx.example.test"}`,
    `mydestination = ${options.domain ?? "example.net"}`,
    "mynetworks = 127.0.0.0/8",
    "local_recipient_maps =",
    "alias_maps =",
    "alias_database =",
    "smtputf8_enable = no",
    "compatibility_level = 3.6",
    "local_transport = sink:",
    `smtpd_milters = ${options.milter}`,
    "non_smtpd_milters =",
    "milter_protocol = 6",
    `milter_default_action = ${options.defaultAction ?? "tempfail"}`,
    ...(options.relayhost ? [`relayhost = ${options.relayhost}`] : []),
    ...(options.mainCf ?? []),
  );
  await postconf("-X", "-M", "smtp/inet");
  await postconf("-M", `127.0.0.1:${smtpPort}/inet=127.0.0.1:${smtpPort} inet n - n - - smtpd`);
  await postconf("-M", `sink/unix=sink unix - n n - - pipe flags=R user=nobody argv=${dir}/sink.sh \${queue_id} \${user}`);
  await postconf("-F", "*/*/chroot = n");
  const forget = onTestProcessExit(() => execFileSync("postfix", ["-c", dir, "abort"], { stdio: "ignore" }));
  const log = () => readFile(join(dir, "log", "maillog"), "utf8").catch(() => "(no maillog)");
  // postfix start reports errors only to a terminal, hence script(1).
  await run("script", ["-qec", `postfix -c ${dir} start`, "/dev/null"]);
  // Wait on the log, not by connecting: a probe connection would also reach the milter.
  await waitFor(async () => (await log()).includes("daemon started"), { timeoutMs: 15_000, describe: () => `Postfix did not start in ${dir}` });
  const masterPid = Number((await readFile(join(dir, "queue", "pid", "master.pid"), "utf8")).trim());
  return {
    smtpPort,
    dir,
    delivered: async () => {
      const files = (await readdir(out)).filter((name) => name.endsWith(".eml")).sort();
      return Promise.all(files.map((name) => readFile(join(out, name), "utf8")));
    },
    log,
    stop: async () => {
      await run("postfix", ["-c", dir, "stop"]).catch(() => run("postfix", ["-c", dir, "abort"]));
      await waitFor(() => !alive(masterPid), { timeoutMs: 10_000, describe: () => "Postfix did not stop" });
      forget();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
