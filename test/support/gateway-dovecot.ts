/**
 * A private Dovecot whose only job is SASL for a private Postfix
 * (`smtpd_sasl_type = dovecot`): no mail protocols, a passwd-file of test
 * logins, its auth socket in a temp dir, owned by postfix so smtpd can
 * connect. Cyrus could not do this: Debian's libsasl2 read /etc/sasldb2
 * whatever cyrus_sasl_config_path said; Dovecot takes everything from the
 * config file given with -c. Nothing outside the temp dir is touched.
 *
 * References: Postfix SASL_README ("Dovecot SASL"); Dovecot 2.3
 * passwd-file passdb, service auth unix_listener.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../../devtools/servers/wait.js";

export interface PrivateDovecot {
  /** The auth socket's absolute path: Postfix's smtpd_sasl_path. */
  socket: string;
  stop(): Promise<void>;
}

export const DOVECOT = "/usr/sbin/dovecot";

/** `logins`: login -> password (stored {PLAIN}: test accounts only). */
export async function startDovecotSasl(logins: Record<string, string>): Promise<PrivateDovecot> {
  if (!existsSync(DOVECOT)) throw new Error("Dovecot is not installed (apt-get install dovecot-core): the SASL submission test needs it as Postfix's SASL backend");
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-dovecot-"));
  // Dovecot's auth process runs as user dovecot and must reach the passwd-file.
  chmodSync(dir, 0o755);
  for (const sub of ["run", "state"]) mkdirSync(join(dir, sub));
  const users = join(dir, "users");
  writeFileSync(users, Object.entries(logins).map(([login, password]) => `${login}:{PLAIN}${password}::::::\n`).join(""), { mode: 0o644 });
  const socket = join(dir, "auth");
  const config = join(dir, "dovecot.conf");
  writeFileSync(config, configText(dir, users, socket));
  const child: ChildProcess = spawn(DOVECOT, ["-c", config, "-F"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  process.once("exit", () => child.kill("SIGKILL"));
  const log = () => `${output}\n${existsSync(join(dir, "dovecot.log")) ? readFileSync(join(dir, "dovecot.log"), "utf8") : ""}`;
  await waitFor(async () => existsSync(socket) || child.exitCode !== null, { timeoutMs: 10_000, describe: () => `Dovecot did not create ${socket}:\n${log()}` });
  if (child.exitCode !== null) throw new Error(`Dovecot exited (${child.exitCode}):\n${log()}`);
  return {
    socket,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function configText(dir: string, users: string, socket: string): string {
  return `# Only SASL for the test's Postfix: no IMAP/POP3, no TLS (loopback).
protocols = none
base_dir = ${join(dir, "run")}
state_dir = ${join(dir, "state")}
log_path = ${join(dir, "dovecot.log")}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${users}
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener ${socket} {
    mode = 0660
    user = postfix
    group = postfix
  }
}
`;
}
