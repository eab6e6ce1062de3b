// The milter server attached to a real, private Postfix: what Postfix sends
// reaches the policy intact, and the policy's header edits and reject reach
// the delivered mail and the SMTP client.
import assert from "node:assert/strict";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { MilterDecision } from "../../../mail/milter/milter-decision.js";
import type { MilterMessage } from "../../../mail/milter/milter-message.js";
import { startMilterServer, type MilterServer, type MilterServerEvent } from "../../../mail/milter/milter-server.js";
import { startPostfix, type PrivatePostfix } from "../../../devtools/servers/postfix.js";
import { smtpDialog } from "../../support/smtp-dialog.js";

interface Seen {
  queueId?: string;
  client?: string;
  sender?: string;
  recipients: string[];
  headers: Array<[string, string]>;
  body: string;
}

const message = (subject: string) =>
  [
    "From: Alice <alice@example.org>",
    "To: bob@example.net",
    `Subject: ${subject}`,
    "Authentication-Results: mx.example.test; xsmtp=pass (forged)",
    "X-Folded: first",
    "\tsecond",
    "",
    "Hello.",
    ".",
    "",
  ].join("\r\n");

const envelope = (subject: string) => ["MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>", "DATA", message(subject)];

describe("milter server behind a private Postfix", () => {
  let milter: MilterServer;
  let postfix: PrivatePostfix;
  const seen: Seen[] = [];
  const events: MilterServerEvent[] = [];

  before(async () => {
    milter = await startMilterServer({
      address: { kind: "inet", host: "127.0.0.1", port: 0 },
      onEvent: (event) => events.push(event),
      policy: {
        endOfMessage: async (m: MilterMessage): Promise<MilterDecision> => {
          seen.push({
            queueId: m.macro("i"),
            client: m.client?.address,
            sender: m.sender?.address,
            recipients: m.recipients.map((r) => r.address),
            headers: m.headers.map((h) => [h.name, h.value]),
            body: Buffer.concat(m.body).toString(),
          });
          if (m.headers.some((h) => h.name === "Subject" && h.value.includes("reject me"))) {
            return { verdict: { type: "reject", reply: "550 5.7.1 Forged sender" } };
          }
          return {
            actions: [
              { type: "deleteHeader", index: 1, name: "Authentication-Results" },
              { type: "insertHeader", index: 0, name: "Authentication-Results", value: "mx.example.test; xsmtp=pass" },
            ],
            verdict: { type: "continue" },
          };
        },
      },
    });
    postfix = await startPostfix({ milter: `inet:127.0.0.1:${milter.port}` });
  });
  after(async () => {
    await postfix?.stop();
    await milter?.close();
  });

  it("sees three messages of one SMTP session over one milter connection; edits and a reject take effect", async () => {
    const replies = await smtpDialog(postfix.smtpPort, ["EHLO client.example.org", ...envelope("one"), ...envelope("reject me"), "RSET", ...envelope("three"), "QUIT"]);
    const ends = [replies[5], replies[9], replies[14]];
    assert.equal(ends[0].code, 250, ends[0].text);
    assert.equal(ends[1].text, "550 5.7.1 Forged sender");
    assert.equal(ends[2].code, 250, ends[2].text);

    assert.deepEqual(seen.map((s) => s.headers.find(([name]) => name === "Subject")?.[1]), [" one", " reject me", " three"]);
    const [first] = seen;
    assert.equal(first.client, "127.0.0.1");
    assert.equal(first.sender, "alice@example.org");
    assert.deepEqual(first.recipients, ["bob@example.net"]);
    assert.match(ends[0].text, new RegExp(`queued as ${first.queueId}$`));
    assert.deepEqual(first.headers.find(([name]) => name === "X-Folded"), ["X-Folded", " first\n\tsecond"]);
    assert.ok(!first.headers.some(([name]) => name === "Received"), "Postfix hides its own Received: field");
    assert.equal(first.body, "Hello.\r\n");
    assert.equal(events.filter((e) => e.type === "connection").length, 1, JSON.stringify(events));
    assert.ok(!events.some((e) => e.type === "protocolError" || e.type === "policyError"), JSON.stringify(events));

    await waitForDelivery(postfix, 2);
    const delivered = await postfix.delivered();
    for (const mail of delivered) {
      const lines = mail.split("\n");
      assert.equal(lines[0], "Return-Path: <alice@example.org>");
      assert.equal(lines[1], "Authentication-Results: mx.example.test; xsmtp=pass", "index 0 is above Postfix's Received:");
      assert.match(lines[2], /^Received: from client\.example\.org/);
      assert.ok(!mail.includes("(forged)"), "the forged field was deleted");
    }
    assert.deepEqual(delivered.map((mail) => /^Subject: (.*)$/m.exec(mail)?.[1]).sort(), ["one", "three"]);
  });
});

async function waitForDelivery(postfix: PrivatePostfix, count: number): Promise<void> {
  for (let i = 0; i < 100 && (await postfix.delivered()).length < count; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal((await postfix.delivered()).length, count, await postfix.log());
}

describe("milter server on a unix socket behind a private Postfix", () => {
  it("takes a 200 kB body in Postfix's 65,535-byte chunks and accepts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xsmtp-milter-sock-"));
    await chmod(dir, 0o755); // smtpd runs as postfix and must reach the socket
    const chunks: number[] = [];
    let bodyBytes = -1;
    const milter = await startMilterServer({
      address: { kind: "unix", path: join(dir, "milter.sock") },
      socketMode: 0o666,
      policy: {
        bodyChunk: (chunk) => void chunks.push(chunk.length),
        endOfMessage: async (m) => ((bodyBytes = m.bodyBytes), { verdict: { type: "accept" } }),
      },
    });
    const postfix = await startPostfix({ milter: `unix:${join(dir, "milter.sock")}` });
    try {
      const line = `${"x".repeat(98)}\r\n`;
      const big = message("big").replace("Hello.\r\n", line.repeat(2000));
      const replies = await smtpDialog(postfix.smtpPort, ["EHLO client.example.org", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.net>", "DATA", big, "QUIT"]);
      assert.equal(replies[5].code, 250, replies[5].text + (await postfix.log()));
      assert.equal(bodyBytes, 200_000);
      assert.deepEqual(chunks, [65535, 65535, 65535, 3395]);
    } finally {
      await postfix.stop();
      await milter.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
