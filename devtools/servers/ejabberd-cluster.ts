// Starts two private ejabberd 23.01 nodes on this machine and joins them into
// one cluster, for tests and benchmarks of several XSMTP instances behind it
// (issue 14). Both serve the same XMPP hosts and accept the same component
// domain on their own component port; the route table is in Mnesia, shared by
// the cluster, so a stanza from a user on either node can reach a component
// connected to the other.
//
// On one host the nodes differ only by name (both @localhost, one epmd on
// port 4369 for both); they must share the Erlang cookie or join_cluster is
// refused.
import { randomBytes } from "node:crypto";
import { startEjabberd, type BalancingType, type EjabberdInstance, type EjabberdOptions } from "./ejabberd.js";

export interface EjabberdClusterOptions extends Omit<EjabberdOptions, "erlang" | "balancing"> {
  /**
   * How many component connections share the component domain: ejabberd's
   * component_number (2..1000), one slot each. Default 3. Run exactly that
   * many: a slot without a connection drops the stanzas hashed to it.
   */
  componentNumber?: number;
  /**
   * Default "bare_source": ejabberd picks the slot by hashing the sender's
   * bare JID, so all of one person's stanzas (an ad-hoc command session's
   * steps, from any of their resources, on either node) reach one XSMTP
   * instance, which holds that session in memory. "random" would spread one
   * session's steps over instances; "source" splits a person's resources.
   */
  balancing?: BalancingType;
  /** component_number for some of the extraComponents (each 2..1000); the others take one connection. */
  extraComponentNumbers?: Record<string, number>;
}

export interface EjabberdCluster {
  /** The first node (the one the second joined) and the second. */
  nodes: [EjabberdInstance, EjabberdInstance];
  /** Registers an account through the first node; Mnesia gives it to both. */
  register(user: string, host: string, password: string): Promise<void>;
  /** `list_cluster` on a node: the Mnesia members' names. */
  members(node?: EjabberdInstance): Promise<string[]>;
  /** Stops both nodes (each at most once, even if a test stopped one already) and removes their dirs. */
  stop(): Promise<void>;
}

export async function startEjabberdCluster(options: EjabberdClusterOptions): Promise<EjabberdCluster> {
  const { componentNumber = 3, balancing = "bare_source", extraComponentNumbers, ...rest } = options;
  // Unique names, one shared cookie: several clusters can run side by side.
  const id = randomBytes(4).toString("hex");
  const cookie = randomBytes(12).toString("hex");
  const started = await Promise.allSettled(
    [1, 2].map((n) =>
      startEjabberd({ ...rest, erlang: { node: `xsmtp-c${n}-${id}@localhost`, cookie }, balancing: { type: balancing, componentNumber, extra: extraComponentNumbers } }),
    ),
  );
  const up = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const stopAll = async (): Promise<void> => {
    await Promise.all(up.map((node) => node.stop()));
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  const nodes = up as [EjabberdInstance, EjabberdInstance];

  // One node per line, as an Erlang atom: quoted when the name has a hyphen.
  const members = async (node = nodes[0]): Promise<string[]> =>
    (await node.ctl("list_cluster")).split("\n").map((line) => line.trim().replace(/^'(.*)'$/, "$1")).filter(Boolean);
  try {
    await nodes[1].joinCluster(nodes[0].node);
    const seen = await members();
    if (!nodes.every((node) => seen.includes(node.node))) throw new Error(`list_cluster after join_cluster shows ${seen.join(", ")}`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    nodes,
    register: (user, host, password) => nodes[0].register(user, host, password),
    members,
    stop: stopAll,
  };
}
