/**
 * The system under test for the reliability suite: a private Prosody, the
 * real `xsmtp run` as a child process over a seeded database, and clients
 * that send raw IQs and count the replies by id.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Client } from "@xmpp/client";
import type xml from "@xmpp/xml";
import { createState, seedUsers } from "../../devtools/load/seed.js";
import { startProsody, type ProsodyInstance } from "../../devtools/servers/prosody.js";
import { startComponent, type XsmtpProcess } from "../../devtools/xsmtp-process.js";
import { closeClient, connectClient } from "../../devtools/xmpp-client.js";
import { stateFiles, TEST_ADMIN, UNLIMITED_VERIFY_RATE, xsmtpEnv } from "../../devtools/xsmtp-env.js";

export const SECRET = "reliability-component-secret";
export { COMPONENT_DOMAIN as DOMAIN } from "../../devtools/xsmtp-env.js";

export interface Stack {
  prosody: ProsodyInstance;
  env: Record<string, string>;
  database: string;
  /** Every component process started, in order; the last is the current one. */
  components: XsmtpProcess[];
  component(): XsmtpProcess;
  startComponent(): Promise<XsmtpProcess>;
  /** All component output so far, across restarts. */
  logs(): string;
  client(user: string, host: string): Promise<Client>;
  stop(): Promise<void>;
}

export async function startStack(opts: { users?: number; env?: Record<string, string> } = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-rel-"));
  const { database } = stateFiles(dir);
  const { masterKey, store } = await createState(dir);
  await seedUsers(store, masterKey, opts.users ?? 100);
  await store.close();
  const prosody = await startProsody({ componentSecret: SECRET });
  const env = xsmtpEnv({
    componentPort: prosody.componentPort,
    secret: SECRET,
    stateDir: dir,
    admins: TEST_ADMIN,
    extra: { XSMTP_VERIFY_RATE: UNLIMITED_VERIFY_RATE, XSMTP_LOG_LEVEL: "debug", ...opts.env },
  });
  const components: XsmtpProcess[] = [];
  const clients: Client[] = [];
  const registered = new Set<string>();
  const stack: Stack = {
    prosody,
    env,
    database,
    components,
    component: () => components[components.length - 1]!,
    async startComponent() {
      const proc = await startComponent(env);
      components.push(proc);
      return proc;
    },
    logs: () => components.map((c) => c.output()).join("\n"),
    async client(user, host) {
      if (!registered.has(`${user}@${host}`)) {
        await prosody.register(user, host, "pw");
        registered.add(`${user}@${host}`);
      }
      const c = await connectClient({ port: prosody.c2sPort, domain: host, username: user, password: "pw" });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) await closeClient(c, 500);
      for (const proc of components) if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
      await prosody.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await stack.startComponent();
  return stack;
}

/** Counts IQ replies by id on the given clients. */
export class ReplyCounter {
  readonly replies = new Map<string, xml.Element[]>();
  private waiters = new Map<string, (el: xml.Element) => void>();

  watch(c: Client): void {
    c.on("stanza", (el: xml.Element) => {
      if (el.name !== "iq" || (el.attrs.type !== "result" && el.attrs.type !== "error")) return;
      const id = String(el.attrs.id);
      const list = this.replies.get(id) ?? [];
      list.push(el);
      this.replies.set(id, list);
      this.waiters.get(id)?.(el);
      this.waiters.delete(id);
    });
  }

  count(id: string): number {
    return this.replies.get(id)?.length ?? 0;
  }

  /** Sends a raw request and resolves with its first reply. */
  request(c: Client, id: string, text: string, timeoutMs = 10_000): Promise<xml.Element> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${id}`)), timeoutMs);
      this.waiters.set(id, (el) => {
        clearTimeout(timer);
        resolve(el);
      });
      void send(c, text);
    });
  }
}

/** Writes a raw stanza; xmpp.js has write(string) on every connection, its typings leave it out. */
export function send(c: Client, text: string): Promise<void> {
  return (c as unknown as { write(s: string): Promise<void> }).write(text).catch(() => {});
}

export function integrityCheck(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return (db.pragma("integrity_check", { simple: true }) as string) ?? "";
  } finally {
    db.close();
  }
}

/** Where a secret (base64url text as printed by enroll) shows up: in logs or in the database files. */
export function secretLeaks(secrets: string[], logs: string, database: string): string[] {
  const files = [database, `${database}-wal`].flatMap((f) => {
    try {
      return [[f, readFileSync(f)] as const];
    } catch {
      return [];
    }
  });
  const leaks: string[] = [];
  for (const text of secrets) {
    const raw = Buffer.from(text, "base64url");
    const std = raw.toString("base64");
    if (logs.includes(text) || logs.includes(std) || logs.includes(raw.toString("hex"))) leaks.push(`log holds ${text.slice(0, 6)}…`);
    for (const [name, bytes] of files) {
      if (bytes.indexOf(raw) >= 0 || bytes.indexOf(text) >= 0 || bytes.indexOf(std) >= 0) leaks.push(`${name} holds ${text.slice(0, 6)}…`);
    }
  }
  return leaks;
}
