/**
 * `npm run demo`: the whole XSMTP loop on one machine, with the real tools.
 * A private Prosody (example.org and other.org), the component attached to
 * it, alice@example.org enrolled, a mail signed and sent through
 * `xsmtp sendmail`, verified by bob@other.org with `xsmtp verify`, tampered
 * copies failing, and alice's progress history and live notifications.
 * Everything lives in a temp dir and is stopped at the end, error or not.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { xml, type Client } from "@xmpp/client";
import { startProsody, type ProsodyInstance } from "../servers/prosody.js";
import { closeClient, connectClient } from "../xmpp-client.js";
import { NS_PROGRESS, NS_PUBSUB, NS_PUBSUB_EVENT as NS_EVENT } from "../../protocol/namespaces.js";
import { progressNode } from "../../protocol/progress-node.js";
import { xsmtpEnv } from "../xsmtp-env.js";
import { runXsmtp, startComponent, stopXsmtp, type RunResult } from "../xsmtp-process.js";
import { enrollWithCli } from "../xsmtp-user.js";
import { DemoOutput } from "./demo-output.js";

/** No step of the demo may hang it. */
const CLI_TIMEOUT_MS = 30_000;

const MESSAGE_ID = `demo-${Date.now()}@example.org`;

const sampleMessage = (date: string) =>
  [
    "From: Alice Example <alice@example.org>",
    "To: Bob <bob@other.org>",
    "Subject: Lunch on Friday?",
    `Date: ${date}`,
    `Message-ID: <${MESSAGE_ID}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Hi Bob,",
    "",
    "lunch at noon on Friday?",
    "",
    "Alice",
    "",
  ].join("\r\n");

export async function runDemo(): Promise<number> {
  const out = new DemoOutput(8);
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-demo-"));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    out.begin("Starting a private Prosody (virtual hosts example.org and other.org) on loopback");
    const componentSecret = `demo-${Math.random().toString(36).slice(2)}`;
    const prosody: ProsodyInstance = await startProsody({ componentSecret });
    cleanups.unshift(() => prosody.stop());
    await prosody.register("alice", "example.org", "alice-demo-password");
    await prosody.register("bob", "other.org", "bob-demo-password");
    out.detail(`c2s on 127.0.0.1:${prosody.c2sPort}, components on 127.0.0.1:${prosody.componentPort}`);
    out.detail("accounts: alice@example.org (sender), bob@other.org (a receiving gateway)");

    out.begin("Starting the XSMTP component xsmtp.example.org (xsmtp run)");
    const env = xsmtpEnv({ componentPort: prosody.componentPort, secret: componentSecret, stateDir: dir });
    const component = await startComponent(env);
    cleanups.unshift(() => stopXsmtp(component));
    out.detail("online: attached with XEP-0114, store and master key in the demo's temp dir");

    out.begin("Enrolling alice@example.org (xsmtp user enroll)");
    const key = await enrollWithCli("alice@example.org", env, "laptop", { timeoutMs: CLI_TIMEOUT_MS });
    out.detail(`key-id ${key.key_id}; secret ${key.secret.slice(0, 6)}… (43 characters, handed to alice's mail client)`);

    const alice = await connectClient({ port: prosody.c2sPort, domain: "example.org", username: "alice", password: "alice-demo-password" });
    cleanups.unshift(() => closeClient(alice));
    // Headline messages to a bare JID reach only available resources (RFC 6121 §8.5.2.1.1).
    await alice.send(xml("presence"));
    const notifications: string[] = [];
    alice.on("stanza", (stanza) => {
      const items = stanza.is("message") ? stanza.getChild("event", NS_EVENT)?.getChild("items") : undefined;
      for (const item of items?.getChildren("item") ?? []) notifications.push(describe(item.getChild("progress", NS_PROGRESS)));
    });

    out.begin("alice sends a mail through `xsmtp sendmail -t -i` (signs it, publishes 'submitted', hands it on)");
    const outbox = join(dir, "outbox.eml");
    const deliver = join(dir, "deliver.sh");
    writeFileSync(deliver, `#!/bin/sh\ncat > '${outbox}'\n`);
    chmodSync(deliver, 0o755);
    const signerEnv = {
      XSMTP_SIGNING_JID: "alice@example.org",
      XSMTP_SIGNING_KEY_ID: key.key_id,
      XSMTP_SIGNING_SECRET: key.secret,
      XSMTP_SENDMAIL_PATH: deliver,
      XSMTP_XMPP_PASSWORD: "alice-demo-password",
      XSMTP_XMPP_SERVER: `xmpp://127.0.0.1:${prosody.c2sPort}`,
    };
    const sent = await runCli(["sendmail", "-t", "-i"], signerEnv, sampleMessage(new Date().toUTCString().replace("GMT", "+0000")));
    if (sent.code !== 0) throw new Error(`sendmail failed (${sent.code}): ${sent.stderr}`);
    const signed = readFileSync(outbox);
    out.detail(signed.toString().split(/\r?\n\r?\n/)[0]!.split(/\r?\n(?=\S)/).filter((l) => /^X-XMPP-/i.test(l)).join("\n"));

    out.begin("bob@other.org verifies the mail it received (xsmtp verify --report delivered)");
    const verifierEnv = {
      XSMTP_VERIFIER_JID: "bob@other.org",
      XSMTP_VERIFIER_PASSWORD: "bob-demo-password",
      XSMTP_VERIFIER_SERVER: `xmpp://127.0.0.1:${prosody.c2sPort}`,
    };
    const verified = await runCli(["verify", "--report", "delivered"], verifierEnv, signed);
    out.detail(`${verified.stdout.toString().trim()}\nexit code ${verified.code} (0 = pass)`);
    if (verified.code !== 0) throw new Error(`verification did not pass: ${verified.stderr}`);

    out.begin("Tampered copies fail");
    const bodyTampered = Buffer.from(signed.toString().replace("noon", "n00n"));
    const t1 = await runCli(["verify"], verifierEnv, bodyTampered);
    out.detail(`one body byte changed:\n${indent(t1.stdout.toString())}\n  exit code ${t1.code} (1 = fail; caught by the local body hash)`);
    const headerTampered = Buffer.from(signed.toString().replace("Subject: Lunch on Friday?", "Subject: Lunch on Saturday?"));
    const t2 = await runCli(["verify"], verifierEnv, headerTampered);
    out.detail(`the Subject changed:\n${indent(t2.stdout.toString())}\n  exit code ${t2.code} (1 = fail; the service's HMAC check)`);
    if (t1.code !== 1 || t2.code !== 1) throw new Error("a tampered copy did not fail");

    out.begin("alice's progress history for the message (pubsub items) and the notifications she got live");
    await waitUntil(() => notifications.length >= 3, 3000);
    const items = await alice.iqCaller.request(
      xml("iq", { type: "get", to: "xsmtp.example.org" }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node: progressNode("alice@example.org", MESSAGE_ID) }))),
    );
    const history = items.getChild("pubsub", NS_PUBSUB)?.getChild("items")?.getChildren("item") ?? [];
    out.detail(`history of ${progressNode("alice@example.org", MESSAGE_ID)}:`);
    for (const item of history) out.detail(`  ${item.attrs.id}  ${describe(item.getChild("progress", NS_PROGRESS))}`);
    out.detail("notifications received while online (headline messages):");
    for (const n of notifications) out.detail(`  ${n}`);

    out.begin("Stopping the component and Prosody, removing the temp dir");
    await runCleanups(cleanups);
    out.done("Demo finished: sign, verify, tamper detection and progress all worked");
    return 0;
  } catch (err) {
    process.stderr.write(`\ndemo: ${(err as Error).message}\n`);
    await runCleanups(cleanups);
    return 1;
  }
}

function describe(progress: ReturnType<Client["iqCaller"]["request"]> extends Promise<infer E> ? E | undefined : never): string {
  if (!progress) return "(no progress payload)";
  const a = progress.attrs;
  const recipients = progress.getChildren("recipient-domain").map((d) => d.text());
  return [a.stage, a.at, a.by && `by ${a.by}`, a.reason && `reason ${a.reason}`, recipients.length && `recipients ${recipients.join(",")}`]
    .filter(Boolean)
    .join("  ");
}

const indent = (text: string) =>
  text
    .trim()
    .split(/\r?\n/)
    .map((l) => `  ${l}`)
    .join("\n");

/** Each step runs the real command, as a user would; none may hang the demo. */
function runCli(args: string[], env: Record<string, string>, input: Buffer | string = ""): Promise<RunResult> {
  return runXsmtp(args, env, { input, timeoutMs: CLI_TIMEOUT_MS });
}

async function runCleanups(cleanups: (() => Promise<void> | void)[]): Promise<void> {
  while (cleanups.length) {
    try {
      await cleanups.shift()!();
    } catch {
      // Keep stopping the rest: the demo must leave nothing running.
    }
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}
