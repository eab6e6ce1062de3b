/**
 * The mail gateway end to end with real parts: one Prosody serving
 * example.org and other.org with both XSMTP components attached, two real
 * `xsmtp run` processes each serving its milter, and two private Postfix
 * instances: the sending gateway of example.org (relays everything to the
 * receiving one) and the receiving gateway of other.org (delivers into files).
 * Every part fails the test with a clear message when it cannot start.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostfix, type PrivatePostfix } from "../../devtools/servers/postfix.js";
import { startProsody, type ProsodyInstance } from "../../devtools/servers/prosody.js";
import { freePort } from "../../devtools/servers/free-port.js";
import { xsmtpEnv } from "../../devtools/xsmtp-env.js";
import { startComponent, stopXsmtp, type XsmtpProcess } from "../../devtools/xsmtp-process.js";
import { enrollWithCli } from "../../devtools/xsmtp-user.js";

export const COMPONENT_SECRET = "component-secret-for-the-gateway-tests";

export interface Gateway {
  env: Record<string, string>;
  milterPort: number;
  process?: XsmtpProcess;
  start(extra?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export interface GatewayStack {
  /** example.org's XMPP server (and other.org's too, unless federated). */
  prosody: ProsodyInstance;
  /** other.org's own XMPP server when federated (s2s with example.org's). */
  remoteProsody?: ProsodyInstance;
  sender: Gateway;
  receiver: Gateway;
  senderMta: PrivatePostfix;
  receiverMta: PrivatePostfix;
  stop(): Promise<void>;
}

/** One `xsmtp run` with its milter (inet on a free port unless `extra` sets XSMTP_MILTER), not yet started. */
export async function gateway(prosody: ProsodyInstance, domain: string, extra: Record<string, string>): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), `xsmtp-gw-${domain}-`));
  const milterPort = await freePort();
  const env = xsmtpEnv({
    componentPort: prosody.componentPort,
    secret: COMPONENT_SECRET,
    stateDir: dir,
    extra: { XSMTP_DOMAIN: domain, XSMTP_MILTER: `inet:127.0.0.1:${milterPort}`, XSMTP_LOG_LEVEL: "info", ...extra },
  });
  const gw: Gateway = {
    env,
    milterPort,
    async start(more = {}) {
      gw.process = await startComponent({ ...env, ...more });
      await gw.process.waitFor(/"msg":"mail gateway listening"/, 5_000);
    },
    async stop() {
      if (gw.process) await stopXsmtp(gw.process);
    },
  };
  return gw;
}

const A_ADDRESS = "127.0.0.2"; // example.org and xsmtp.example.org, when federated
const B_ADDRESS = "127.0.0.3"; // other.org and xsmtp.other.org

export async function startGatewayStack(receiverEnv: Record<string, string> = {}, federated?: { dnsPort: number }): Promise<GatewayStack> {
  let prosody: ProsodyInstance;
  let remoteProsody: ProsodyInstance | undefined;
  if (federated) {
    const s2s = (address: string, peers: Record<string, string>) => ({ address, peers, dnsPort: federated.dnsPort });
    [prosody, remoteProsody] = await Promise.all([
      startProsody({ componentSecret: COMPONENT_SECRET, hosts: ["example.org"], s2s: s2s(A_ADDRESS, { "other.org": B_ADDRESS, "xsmtp.other.org": B_ADDRESS }) }),
      startProsody({
        componentSecret: COMPONENT_SECRET,
        componentDomain: "xsmtp.other.org",
        hosts: ["other.org"],
        s2s: s2s(B_ADDRESS, { "example.org": A_ADDRESS, "xsmtp.example.org": A_ADDRESS }),
      }),
    ]);
  } else {
    prosody = await startProsody({ componentSecret: COMPONENT_SECRET, hosts: ["example.org", "other.org"], extraComponents: ["xsmtp.other.org"] });
  }
  const sender = await gateway(prosody, "xsmtp.example.org", { XSMTP_MILTER_AUTHSERV_ID: "mx.example.org" });
  // Everything reaches the receiving gateway from 127.0.0.1 too: loopback must not count as internal there.
  const receiver = await gateway(remoteProsody ?? prosody, "xsmtp.other.org", { XSMTP_MILTER_AUTHSERV_ID: "mx.other.org", XSMTP_MILTER_INTERNAL_HOSTS: "none", ...receiverEnv });
  await Promise.all([sender.start(), receiver.start()]);
  const receiverMta = await startPostfix({ milter: `inet:127.0.0.1:${receiver.milterPort}`, domain: "other.org", defaultAction: "accept", hostname: "mx.other.org" });
  const senderMta = await startPostfix({
    milter: `inet:127.0.0.1:${sender.milterPort}`,
    domain: "example.org",
    defaultAction: "accept",
    hostname: "mx.example.org",
    relayhost: `[127.0.0.1]:${receiverMta.smtpPort}`,
  });
  return {
    prosody,
    remoteProsody,
    sender,
    receiver,
    senderMta,
    receiverMta,
    async stop() {
      await Promise.all([senderMta.stop(), receiverMta.stop()]);
      await Promise.all([sender.stop(), receiver.stop()]);
      await Promise.all([prosody.stop(), remoteProsody?.stop()]);
    },
  };
}

/** `xsmtp user enroll` against a gateway's database; returns the key id. */
export async function enroll(gw: Gateway, jid: string): Promise<string> {
  return (await enrollWithCli(jid, gw.env, "laptop")).key_id;
}

/** swaks to a Postfix; resolves with its exit code and transcript. */
export function swaks(port: number, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile("swaks", ["--server", `127.0.0.1:${port}`, "--hide-informational", ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

/**
 * Waits for the next message delivered into the receiving Postfix's files:
 * one that is not among `seen` (file names are queue ids, not in time order).
 * Adds it to `seen`.
 */
export async function nextDelivery(mta: PrivatePostfix, seen: Set<string>, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const fresh = (await mta.delivered()).filter((mail) => !seen.has(mail));
    if (fresh.length > 0) {
      seen.add(fresh[0]!);
      return fresh[0]!;
    }
    if (Date.now() > until) throw new Error(`no new message delivered:\n${(await mta.log()).slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
