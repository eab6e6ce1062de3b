// Renders the config a private ejabberd runs on from ejabberd.example.yml, by
// exact replacements (config-text.ts), so the documented config is the tested
// one; and the ejabberdctl.cfg that gives each instance its own Erlang node.
import { replaceOnce, yamlString } from "./config-text.js";
import type { Ports } from "./private-server.js";

/** ejabberd 23.01's domain_balancing types (ejabberd_router:get_domain_balancing/3). */
export type BalancingType = "random" | "source" | "destination" | "bare_source" | "bare_destination";

export interface EjabberdOptions {
  componentSecret: string;
  /** Default "xsmtp.example.org". */
  componentDomain?: string;
  /** Default ["example.org", "other.org"]. */
  hosts?: string[];
  /** More component domains on the same listener and secret (the benchmark's echo component). */
  extraComponents?: string[];
  /** The Erlang node name (…@localhost) and cookie; default a unique name and a random cookie. A cluster's nodes share the cookie. */
  erlang?: { node: string; cookie: string };
  /**
   * Several connections share the component domain: the example's
   * domain_balancing block, uncommented. `extra` balances extra component
   * domains the same way, each with its own component_number (the cluster
   * benchmark's echo baseline, and one domain per instance count).
   */
  balancing?: { type: BalancingType; componentNumber: number; extra?: Record<string, number> };
}

const commentedBalancing = `# domain_balancing:
#   xsmtp.example.org:
#     type: bare_source
#     component_number: 3`;

export function renderConfig(example: string, ports: Ports, options: EjabberdOptions): string {
  const hosts = options.hosts ?? ["example.org", "other.org"];
  const domain = yamlString(options.componentDomain ?? "xsmtp.example.org");
  let text = example;
  text = replaceOnce(text, "hosts: [example.org]", `hosts: [${hosts.map(yamlString).join(", ")}]`);
  text = replaceOnce(text, "port: 5222", `port: ${ports.c2s}`);
  text = replaceOnce(text, "port: 5347", `port: ${ports.component}`);
  text = replaceOnce(text, `"xsmtp.example.org":`, `${domain}:`);
  const password = `password: ${yamlString(options.componentSecret)}`;
  const extra = (options.extraComponents ?? []).map((d) => `\n      ${yamlString(d)}:\n        ${password}`).join("");
  text = replaceOnce(text, `password: "change-me-to-a-long-random-secret"`, password + extra);
  if (options.balancing) {
    const { type, componentNumber, extra = {} } = options.balancing;
    const entry = (d: string, n: number) => `\n  ${d}:\n    type: ${type}\n    component_number: ${n}`;
    const block = `domain_balancing:${entry(domain, componentNumber)}${Object.entries(extra).map(([d, n]) => entry(yamlString(d), n)).join("")}`;
    text = replaceOnce(text, commentedBalancing, block);
  }
  return text;
}

export interface NodePaths {
  configPath: string;
  spoolDir: string;
  logsDir: string;
  pidPath: string;
}

/**
 * ejabberdctl reads /etc/ejabberd/ejabberdctl.cfg unless given --ctl-config,
 * and that file would reset the config path: each instance gets its own. The
 * cookie on the command line keeps ejabberd from writing one into
 * /var/lib/ejabberd; every ejabberdctl call passes it too.
 */
export function renderCtlConfig(erlang: { node: string; cookie: string }, paths: NodePaths): string {
  return [
    `ERLANG_NODE=${erlang.node}`,
    `EJABBERD_CONFIG_PATH=${paths.configPath}`,
    `SPOOL_DIR=${paths.spoolDir}`,
    `LOGS_DIR=${paths.logsDir}`,
    `EJABBERD_PID_PATH=${paths.pidPath}`,
    `ERL_OPTIONS="-setcookie ${erlang.cookie}"`,
    "",
  ].join("\n");
}
