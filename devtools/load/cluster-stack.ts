/**
 * What the cluster bench (issue 14) runs on: a private PostgreSQL and a
 * SQLite file seeded alike under one master key, a two-node ejabberd
 * cluster, and for each instance count n: n `xsmtp run` on the one database
 * as the domain pg<n> (component_number n, bare_source) and n echo
 * components as echo<n>; one more instance on the SQLite file. One cluster
 * carries every count at once, so the counts can take turns round by round;
 * idle instances cost nothing measurable. The load's users are chosen so
 * that every count's slots get the same share of them (balancing-slots.ts),
 * half of them on each node; instances alternate nodes too.
 */
import { join } from "node:path";
import type { Client } from "@xmpp/client";
import { startPostgres, type PrivatePostgres } from "../servers/postgres.js";
import { startEjabberdCluster, type EjabberdCluster } from "../servers/ejabberd-cluster.js";
import { closeClient, connectClient } from "../xmpp-client.js";
import { startComponent, stopXsmtp, type XsmtpProcess } from "../xsmtp-process.js";
import { UNLIMITED_VERIFY_RATE, xsmtpEnv } from "../xsmtp-env.js";
import { openStore } from "../../component/store/open-store.js";
import { seedProgress, seedUsers, userJid, writeMasterKey } from "./seed.js";
import { startEcho } from "./processes.js";
import { evenUsers, probeSlots } from "./balancing-slots.js";
import { waitAnswered } from "./answered.js";

const SECRET = "bench-cluster-secret";
const CANDIDATES = 24;
export const LOAD_USERS = 12;

export const pgDomain = (n: number) => `xsmtp-pg${n}.example.org`;
export const echoDomain = (n: number) => `echo${n}.example.org`;
export const SQLITE_DOMAIN = "xsmtp-sqlite.example.org";

export interface ClusterStack {
  cluster: EjabberdCluster;
  postgres: PrivatePostgres;
  /** The load's clients, alternately on node 1 and node 2. */
  clients: Client[];
  /** Instances by domain. */
  instances: Map<string, XsmtpProcess[]>;
  echoes: Map<string, number[]>;
  stop(): Promise<void>;
}

export async function startClusterStack(
  dir: string,
  opts: { counts: number[]; users: number; progressItems: number; signers: number; env?: Record<string, string> },
  step: (what: string) => void,
): Promise<ClusterStack> {
  const { counts } = opts;
  // Every child registers an exit hook that kills it (xsmtp-process.ts, processes.ts): 13 here, not a leak.
  process.setMaxListeners(Math.max(process.getMaxListeners(), 32));
  const max = Math.max(...counts);
  const balanced = counts.filter((n) => n > 1);
  const [postgres, cluster] = await Promise.all([
    // pg_stat_statements: what each statement costs, per side (bench/cluster-pg.ts).
    startPostgres({ settings: { shared_preload_libraries: "pg_stat_statements" } }),
    startEjabberdCluster({
      componentSecret: SECRET,
      componentDomain: pgDomain(max),
      componentNumber: max,
      extraComponents: [...counts.filter((n) => n !== max).map(pgDomain), ...counts.map(echoDomain), SQLITE_DOMAIN],
      extraComponentNumbers: Object.fromEntries(
        balanced.flatMap((n) => (n === max ? [[echoDomain(n), n]] : [[pgDomain(n), n], [echoDomain(n), n]])),
      ),
    }),
  ]);
  const clients: Client[] = [];
  const instances = new Map<string, XsmtpProcess[]>();
  const echoes = new Map<string, number[]>();
  const stop = async () => {
    await Promise.all(clients.map((c) => closeClient(c)));
    await Promise.all([...instances.values()].flat().map(stopXsmtp));
    for (const pid of [...echoes.values()].flat()) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    await Promise.all([cluster.stop(), postgres.stop()]);
  };
  try {
    const keyFile = join(dir, "xsmtp.key");
    const sqliteFile = join(dir, "xsmtp.sqlite");
    step(`cluster: seeding ${opts.users} users on PostgreSQL and SQLite`);
    const masterKey = writeMasterKey(keyFile);
    for (const database of [postgres.url, sqliteFile]) {
      const store = await openStore(database);
      await seedUsers(store, masterKey, opts.users);
      await seedProgress(store, opts.progressItems, opts.users);
      await store.close();
    }

    step("cluster: choosing load users that every instance count spreads evenly");
    const candidates = Array.from({ length: CANDIDATES }, (_, i) => `load${String(i + 1).padStart(2, "0")}`);
    await Promise.all(candidates.map((u) => register(cluster, u, "other.org")));
    // The signers are ejabberd accounts too: each pass sends its owner a
    // headline, and ejabberd answers one to an account that does not exist
    // with an error stanza back to the instance (to an existing one that is
    // offline it sends nothing), which is not what a real deployment pays.
    for (let first = 1; first <= opts.signers; first += CANDIDATES) {
      const batch = Array.from({ length: Math.min(CANDIDATES, opts.signers - first + 1) }, (_, i) => userJid(first + i).split("@")[0]!);
      await Promise.all(batch.map((u) => register(cluster, u, "example.org")));
    }
    const probing = new Map<string, Client>();
    for (const u of candidates) probing.set(u, await connectClient({ port: cluster.nodes[0].c2sPort, domain: "other.org", username: u, password: "pw" }));
    const slots: Map<string, number>[] = [];
    for (const n of balanced) slots.push(await probeSlots(probing, { port: cluster.nodes[0].componentPort, domain: echoDomain(n), secret: SECRET, n }));
    await Promise.all([...probing.values()].map((c) => closeClient(c)));
    const chosen = evenUsers(candidates, balanced, slots, LOAD_USERS);
    if (!chosen) throw new Error(`no ${LOAD_USERS} of ${CANDIDATES} users share out evenly over ${balanced.join(", ")} slots`);
    // Sorted by slot, the largest count's first, then alternating nodes: that
    // count's slots get as many users on each node (the others nearly so).
    const bySlot = chosen.map((u) => ({ u, key: slots.map((s) => s.get(u)!).reverse().join(",") })).sort((a, b) => a.key.localeCompare(b.key));
    for (const [i, { u }] of bySlot.entries()) {
      clients.push(await connectClient({ port: cluster.nodes[i % 2].c2sPort, domain: "other.org", username: u, password: "pw" }));
    }

    step(`cluster: starting ${counts.reduce((a, b) => a + b, 1)} xsmtp run and ${counts.reduce((a, b) => a + b, 0)} echo components`);
    const ports = cluster.nodes.map((node) => `xmpp://127.0.0.1:${node.componentPort}`);
    const env = (domain: string, database: string, i: number) =>
      xsmtpEnv({
        secret: SECRET,
        extra: {
          XSMTP_DOMAIN: domain,
          XSMTP_DATABASE: database,
          XSMTP_KEY_FILE: keyFile,
          // This instance's node first; the other one if it goes away.
          XSMTP_SERVICE: [ports[i % 2], ports[(i + 1) % 2]].join(","),
          XSMTP_VERIFY_RATE: UNLIMITED_VERIFY_RATE,
          XSMTP_LOG_LEVEL: "info",
          ...opts.env,
        },
      });
    const groups: [string, string, number][] = [...counts.map((n): [string, string, number] => [pgDomain(n), postgres.url, n]), [SQLITE_DOMAIN, sqliteFile, 1]];
    await Promise.all(
      groups.map(async ([domain, database, n]) => {
        // One at a time within a domain: each takes the next free slot.
        for (let i = 0; i < n; i++) instances.set(domain, [...(instances.get(domain) ?? []), await startComponent(env(domain, database, i), 30_000)]);
      }),
    );
    for (const n of counts) {
      for (let i = 0; i < n; i++) echoes.set(echoDomain(n), [...(echoes.get(echoDomain(n)) ?? []), (await startEcho(ports[i % 2]!, echoDomain(n), SECRET)).pid!]);
    }
    await waitAnswered(clients, [...instances.keys(), ...echoes.keys()]);
    return { cluster, postgres, clients, instances, echoes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * ejabberdctl names its own Erlang node with three random hex digits: of
 * 24 at once, two now and then pick the same name and one is refused ("seems
 * to be in use by another Erlang node"). Such a refusal is retried.
 */
async function register(cluster: EjabberdCluster, user: string, host: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await cluster.register(user, host, "pw");
    } catch (error) {
      if (attempt >= 5 || !/in use by another Erlang node/.test((error as Error).message)) throw error;
    }
  }
}
