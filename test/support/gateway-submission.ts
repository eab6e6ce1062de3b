/**
 * The sending side of the gateway as mail clients reach it: one private
 * Postfix whose milter is example.org's `xsmtp run` on a unix socket, with
 * XSMTP_MILTER_INTERNAL_HOSTS=none so loopback proves nothing and only the
 * service's {daemon_name} can make mail outgoing. Besides its plain smtpd it
 * runs an `originating` smtpd with `-o milter_macro_daemon_name=ORIGINATING`.
 * Mail for other.org is delivered into the sink of the same instance.
 * With `sasl` logins, a third smtpd requires SASL authentication through a
 * private Dovecot (gateway-dovecot.ts; Debian's Cyrus ignored
 * cyrus_sasl_config_path in a private instance and read /etc/sasldb2) and is
 * not ORIGINATING, so only the login ({auth_authen}) makes its mail outgoing.
 *
 * References: Postfix master(5) -o, MILTER_README (milter_macro_daemon_name),
 * SASL_README (smtpd_sasl_type = dovecot, smtpd_sasl_path).
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { startPostfix, type PrivatePostfix } from "../../devtools/servers/postfix.js";
import { startProsody, type ProsodyInstance } from "../../devtools/servers/prosody.js";
import { freePort } from "../../devtools/servers/free-port.js";
import { run } from "../../devtools/servers/process.js";
import { portAccepts, waitFor } from "../../devtools/servers/wait.js";
import { socketDir } from "../../devtools/load/milter-stack.js";
import { COMPONENT_SECRET, gateway, type Gateway } from "./gateway-stack.js";
import { startDovecotSasl, type PrivateDovecot } from "./gateway-dovecot.js";

export interface SubmissionStack {
  prosody: ProsodyInstance;
  gateway: Gateway;
  mta: PrivatePostfix;
  /** Ports of the smtpd services (`sasl` only when logins were given). */
  ports: { plain: number; originating: number; sasl?: number };
  socket: string;
  stop(): Promise<void>;
}

/** `sasl`: login -> password for the SASL smtpd; without it there is no Dovecot and no such service. */
export async function startSubmissionStack(sasl?: Record<string, string>): Promise<SubmissionStack> {
  const dovecot: PrivateDovecot | undefined = sasl ? await startDovecotSasl(sasl) : undefined;
  const sockets = await socketDir();
  const socket = join(sockets, "xsmtp.sock");
  const prosody = await startProsody({ componentSecret: COMPONENT_SECRET, hosts: ["example.org", "other.org"], extraComponents: ["xsmtp.other.org"] });
  const gw = await gateway(prosody, "xsmtp.example.org", { XSMTP_MILTER: `unix:${socket}`, XSMTP_MILTER_INTERNAL_HOSTS: "none", XSMTP_MILTER_AUTHSERV_ID: "mx.example.org" });
  await gw.start();
  const mta = await startPostfix({
    milter: `unix:${socket}`,
    domain: "other.org",
    defaultAction: "tempfail", // a gateway that cannot be reached must show, not pass mail unsigned
    hostname: "mx.example.org",
  });
  const ports: SubmissionStack["ports"] = { plain: mta.smtpPort, originating: await freePort() };
  await addSmtpd(mta, ports.originating, ["-o", "milter_macro_daemon_name=ORIGINATING"]);
  if (dovecot) {
    ports.sasl = await freePort();
    await addSmtpd(mta, ports.sasl, [
      "-o", "smtpd_sasl_auth_enable=yes",
      "-o", "smtpd_sasl_type=dovecot",
      "-o", `smtpd_sasl_path=${dovecot.socket}`,
      "-o", "smtpd_recipient_restrictions=permit_sasl_authenticated,reject",
    ]);
  }
  await run("postfix", ["-c", mta.dir, "reload"]);
  for (const port of [ports.originating, ...(ports.sasl ? [ports.sasl] : [])]) {
    await waitFor(() => portAccepts(port), { timeoutMs: 10_000, describe: () => `Postfix did not open port ${port} after reload` });
  }
  return {
    prosody,
    gateway: gw,
    mta,
    ports,
    socket,
    async stop() {
      await mta.stop();
      await gw.stop();
      await prosody.stop();
      await dovecot?.stop();
      await rm(sockets, { recursive: true, force: true });
    },
  };
}

function addSmtpd(mta: PrivatePostfix, port: number, options: string[]): Promise<string> {
  return run("postconf", ["-c", mta.dir, "-M", `127.0.0.1:${port}/inet=127.0.0.1:${port} inet n - n - - smtpd ${options.join(" ")}`]);
}
