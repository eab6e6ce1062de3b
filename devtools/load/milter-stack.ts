/**
 * What the milter benchmark loads: one Prosody with both XSMTP services
 * attached, two real `xsmtp run` gateways (xsmtp.example.org signs alice's
 * mail; xsmtp.other.org verifies by asking xsmtp.example.org over Prosody, as
 * for any foreign sender), a private OpenDKIM, and four private Postfix
 * instances that differ only in their milter: none, the signing gateway,
 * OpenDKIM, the verifying gateway. All four run at once, so alternating
 * rounds only switch the port the load goes to. Mail is discarded after the
 * queue (delivery is the same for all and not what is measured).
 */
import { chmodSync, chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostfix, type PrivatePostfix } from "../servers/postfix.js";
import { startProsody, type ProsodyInstance } from "../servers/prosody.js";
import { freePort } from "../servers/free-port.js";
import { userIds } from "../servers/process.js";
import { runXsmtp, startComponent, stopXsmtp, type XsmtpProcess } from "../xsmtp-process.js";
import { UNLIMITED_VERIFY_RATE, xsmtpEnv } from "../xsmtp-env.js";
import { startOpenDkim, type PrivateOpenDkim } from "./opendkim.js";

const SECRET = "bench-milter-secret";
export const ALICE = "alice@example.org";
export const BOB = "bob@example.net";

export interface MilterStack {
  transport: MilterTransport;
  plain: PrivatePostfix;
  sign: PrivatePostfix;
  opendkim: PrivatePostfix;
  verify: PrivatePostfix;
  /** alice's key in xsmtp.example.org, for signing the mail the verifier gets. */
  alice: { keyId: string; secret: string };
  /** The signing gateway, for profiling (its pid). */
  signer: XsmtpProcess;
  verifier: XsmtpProcess;
  /** Our Prosody's pid (from its pidfile): the machine may run other helpers' Prosody as the same user. */
  prosodyPid: number;
  stop(): Promise<void>;
}

/**
 * "unix" puts all three milters on unix sockets, "inet" on loopback ports. Over
 * TCP, Postfix's own writes to a milter wait on Nagle for the milter's delayed
 * ACK (about 40 ms a message, OpenDKIM alike), which hides the milters' own cost.
 */
export type MilterTransport = "unix" | "inet";

/** `prosodyLog`: "info" for benchmarks (prosody-config.ts: debug logs every stanza); tests keep debug. */
export async function startMilterStack(
  transport: MilterTransport,
  extraGatewayEnv: Record<string, string> = {},
  { prosodyLog = "debug" }: { prosodyLog?: "debug" | "info" } = {},
): Promise<MilterStack> {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    const prosody: ProsodyInstance = await startProsody({
      componentSecret: SECRET,
      hosts: ["example.org", "other.org"],
      extraComponents: ["xsmtp.other.org"],
      logLevel: prosodyLog,
    });
    cleanup.push(() => prosody.stop());
    const sockets = await socketDir();
    cleanup.push(() => rmSync(sockets, { recursive: true, force: true }));
    const address = async (name: string) => (transport === "unix" ? `unix:${join(sockets, name)}` : `inet:127.0.0.1:${await freePort()}`);
    const gateway = async (domain: string, extra: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), `xsmtp-bench-${domain}-`));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const milter = await address(`${domain}.sock`);
      const env = xsmtpEnv({
        componentPort: prosody.componentPort,
        secret: SECRET,
        stateDir: dir,
        extra: { XSMTP_DOMAIN: domain, XSMTP_MILTER: milter, XSMTP_LOG_LEVEL: "info", XSMTP_VERIFY_RATE: UNLIMITED_VERIFY_RATE, ...extra },
      });
      return { env, milter };
    };
    const a = await gateway("xsmtp.example.org", extraGatewayEnv);
    // info: "online" and one line per message, which the bench counts to prove every message was signed or passed.
    // Loopback is the load's address: it must not make the verifier's mail "outgoing".
    const b = await gateway("xsmtp.other.org", { XSMTP_MILTER_INTERNAL_HOSTS: "none", XSMTP_MILTER_AUTHSERV_ID: "mx.other.org", ...extraGatewayEnv });
    const enrolled = await runXsmtp(["user", "enroll", ALICE, "--label", "bench", "--json"], a.env);
    if (enrolled.code !== 0) throw new Error(`enroll ${ALICE}: ${enrolled.stderr}`);
    const key = JSON.parse(enrolled.stdout.toString()) as { key_id: string; secret: string };
    const signer = await startComponent(a.env);
    cleanup.push(() => stopXsmtp(signer));
    const verifier = await startComponent(b.env);
    cleanup.push(() => stopXsmtp(verifier));
    const dkim: PrivateOpenDkim = await startOpenDkim("example.org", await address("opendkim.sock"));
    cleanup.push(() => dkim.stop());
    const postfix = async (milter: string) => {
      const mta = await startPostfix({ milter, domain: "example.net", defaultAction: "tempfail", mainCf: ["local_transport = discard:"] });
      cleanup.push(() => mta.stop());
      return mta;
    };
    // tempfail, not accept: a milter that fails under load must show as errors, not as fast plain mail.
    const [plain, sign, opendkim, verify] = [await postfix(""), await postfix(a.milter), await postfix(dkim.milter), await postfix(b.milter)];
    const prosodyPid = prosody.pid();
    return { transport, plain: plain!, sign: sign!, opendkim: opendkim!, verify: verify!, alice: { keyId: key.key_id, secret: key.secret }, signer, verifier, prosodyPid, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * The deployment recipe for unix milter sockets (mail/gateway/README.md): a
 * directory of group postfix with the setgid bit, so every socket created in
 * it (mode 0660 by xsmtp, UMask 007 by OpenDKIM) belongs to group postfix.
 */
export async function socketDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-milter-sockets-"));
  chownSync(dir, 0, (await userIds("postfix")).gid);
  chmodSync(dir, 0o2750);
  return dir;
}
