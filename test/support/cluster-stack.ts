/**
 * Several `xsmtp run` processes on one private PostgreSQL behind a private
 * two-node ejabberd cluster (issue 14), as an operator would run them: one
 * database URL and one master key file for all, each instance's
 * XSMTP_SERVICE listing both nodes (its own first), users seeded once
 * through the store before any instance starts. An instance can be killed
 * and started again as a supervisor would; its logs say which signers'
 * verifications it served.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../component/store/open-store.js";
import { seedUsers, writeMasterKey } from "../../devtools/load/seed.js";
import { startEjabberdCluster, type EjabberdCluster } from "../../devtools/servers/ejabberd-cluster.js";
import { startPostgres, type PrivatePostgres } from "../../devtools/servers/postgres.js";
import { startComponent, type XsmtpProcess } from "../../devtools/xsmtp-process.js";
import { TEST_ADMIN, UNLIMITED_VERIFY_RATE, xsmtpEnv } from "../../devtools/xsmtp-env.js";

export interface Instance {
  name: string;
  /** Index of the node its XSMTP_SERVICE lists first. */
  home: number;
  env: Record<string, string>;
  /** The running process (the latest start). */
  proc: XsmtpProcess;
  /** Every process started for it, in order. */
  runs: XsmtpProcess[];
}

export interface ClusterStack {
  pg: PrivatePostgres;
  cluster: EjabberdCluster;
  instances: Instance[];
  /** Starts the instance again (after a kill), as systemd's Restart= would. */
  restart(instance: Instance): Promise<void>;
  stop(): Promise<void>;
}

/** One instance per entry of `homes` (a node index each), on `users` seeded identities. */
export async function startClusterStack(opts: { secret: string; homes: number[]; users: number }): Promise<ClusterStack> {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-cluster-"));
  const [pg, cluster] = await Promise.all([startPostgres(), startEjabberdCluster({ componentSecret: opts.secret, componentNumber: opts.homes.length })]);
  const keyFile = join(dir, "xsmtp.key");
  const masterKey = writeMasterKey(keyFile);
  const store = await openStore(pg.url);
  await seedUsers(store, masterKey, opts.users);
  await store.close();

  const endpoints = cluster.nodes.map((node) => `xmpp://127.0.0.1:${node.componentPort}`);
  const envFor = (home: number) =>
    xsmtpEnv({
      secret: opts.secret,
      admins: TEST_ADMIN,
      extra: {
        XSMTP_SERVICE: [...endpoints.slice(home), ...endpoints.slice(0, home)].join(","),
        XSMTP_DATABASE: pg.url,
        XSMTP_KEY_FILE: keyFile,
        XSMTP_VERIFY_RATE: UNLIMITED_VERIFY_RATE,
        // One "verified" line per verification: which instance served whom.
        XSMTP_LOG_LEVEL: "debug",
      },
    });
  const instances: Instance[] = [];
  try {
    for (const [i, home] of opts.homes.entries()) {
      const env = envFor(home);
      // One after another: each takes the next free balancing slot.
      const proc = await startComponent(env);
      instances.push({ name: String.fromCharCode(65 + i), home, env, proc, runs: [proc] });
    }
  } catch (error) {
    for (const { proc } of instances) proc.child.kill("SIGKILL");
    await cluster.stop();
    await pg.stop();
    throw error;
  }
  return {
    pg,
    cluster,
    instances,
    async restart(instance) {
      instance.proc = await startComponent(instance.env);
      instance.runs.push(instance.proc);
    },
    async stop() {
      for (const { proc } of instances) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGKILL");
      await Promise.all(instances.map((instance) => instance.proc.exited));
      await cluster.stop();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface LogLine {
  at: number;
  msg: string;
  [field: string]: unknown;
}

/** The process's JSON log lines (pino), optionally only those with this msg. */
export function logLines(proc: XsmtpProcess, msg?: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const text of proc.output().split("\n")) {
    if (!text.startsWith("{")) continue;
    try {
      const line = JSON.parse(text) as { time: string; msg: string };
      if (msg === undefined || line.msg === msg) lines.push({ ...line, at: Date.parse(line.time) });
    } catch {
      // A line cut by the kill.
    }
  }
  return lines;
}

/** The signers whose verifications an instance's run answered since `since` (ms), from its "verified" lines. */
export function servedSigners(proc: XsmtpProcess, since = 0): Set<string> {
  return new Set(logLines(proc, "verified").filter((l) => l.at >= since && typeof l.jid === "string").map((l) => l.jid as string));
}
