// Renders the Prosody config a private server runs on from
// prosody.example.cfg.lua, by exact replacements (config-text.ts), so the
// documented config is the tested one: ports, data dir, log, hosts, the
// component's secret and, when asked, s2s with dialback and a hosts file.
import { join } from "node:path";
import { luaString, replaceOnce } from "./config-text.js";
import type { Ports } from "./private-server.js";

export interface ProsodyOptions {
  componentSecret: string;
  /** Default "xsmtp.example.org". */
  componentDomain?: string;
  /** Default ["example.org", "other.org"]. */
  hosts?: string[];
  /** More component JIDs attached with the same secret (the benchmark's echo component). */
  extraComponents?: string[];
  /** Federate with other servers (s2s with dialback, no TLS) instead of keeping s2s off. */
  s2s?: S2sOptions;
  /** Serve XMPP over WebSocket (RFC 7395) on a free loopback HTTP port, at /xmpp-websocket (the Thunderbird add-on's tests). */
  websocket?: boolean;
  /**
   * Default "debug": tests read the log when something fails. Benchmarks use
   * "info", as a deployment does: at debug Prosody serializes and writes
   * every stanza it routes, which more than doubled its cost per stanza.
   */
  logLevel?: "debug" | "info";
}

export interface S2sOptions {
  /**
   * The loopback address this server accepts s2s on, port 5269 (e.g. "127.0.0.2"):
   * each federating server needs its own, since peers find it by name alone.
   */
  address: string;
  /** The peers' domains (their components' too) and the s2s address of each: Prosody's hosts file. */
  peers: Record<string, string>;
  /** A UDP DNS server on 127.0.0.1 answering at once (devtools/servers/dns-stub.ts); SRV look-ups stall without one. */
  dnsPort: number;
}

/** The s2s port: peers without SRV records can only assume the default. */
export const S2S_PORT = 5269;


export function renderConfig(example: string, dir: string, ports: Ports, options: ProsodyOptions): string {
  const [firstHost, ...otherHosts] = options.hosts ?? ["example.org", "other.org"];
  let text = example;
  text = replaceOnce(text, `data_path = "/var/lib/prosody"`, `data_path = ${luaString(dir)}`);
  text = replaceOnce(text, `pidfile = "/run/prosody/prosody.pid"`, `pidfile = ${luaString(join(dir, "prosody.pid"))}`);
  text = replaceOnce(text, "c2s_ports = { 5222 }", `c2s_ports = { ${ports.c2s} }`);
  text = replaceOnce(text, "component_ports = { 5347 }", `component_ports = { ${ports.component} }`);
  text = replaceOnce(
    text,
    `log = { info = "/var/log/prosody/prosody.log"; error = "/var/log/prosody/prosody.err" }`,
    `log = { ${options.logLevel ?? "debug"} = ${luaString(join(dir, "prosody.log"))} }`,
  );
  text = replaceOnce(text, `VirtualHost "example.org"`, `VirtualHost ${luaString(firstHost ?? "example.org")}`);
  text = replaceOnce(
    text,
    `Component "xsmtp.example.org"`,
    `Component ${luaString(options.componentDomain ?? "xsmtp.example.org")}`,
  );
  text = replaceOnce(
    text,
    `component_secret = "change-me-to-a-long-random-secret"`,
    `component_secret = ${luaString(options.componentSecret)}`,
  );
  if (options.s2s) text = enableS2s(text, dir, options.s2s);
  if (ports.http) text = enableWebSocket(text, ports.http);
  // Appended after the Component section: a VirtualHost line starts a new section.
  const components = (options.extraComponents ?? []).map(
    (name) => `\nComponent ${luaString(name)}\n\tcomponent_secret = ${luaString(options.componentSecret)}\n`,
  );
  return text + otherHosts.map((host) => `\nVirtualHost ${luaString(host)}\n`).join("") + components.join("");
}

function enableS2s(example: string, dir: string, s2s: S2sOptions): string {
  let text = example;
  text = replaceOnce(text, `modules_disabled = { "s2s"; "tls" } -- real: keep both`, `modules_disabled = { "tls" }`);
  const unbound = [
    `hoststxt = ${luaString(join(dir, "hosts"))}`,
    `forward = ${luaString(`127.0.0.1@${s2s.dnsPort}`)}`,
    `options = { ["do-not-query-localhost:"] = "no" }`,
  ].join("; ");
  return replaceOnce(
    text,
    "s2s_ports = { }",
    [
      `s2s_ports = { ${S2S_PORT} }`,
      `s2s_interfaces = { ${luaString(s2s.address)} }`,
      "s2s_require_encryption = false",
      "s2s_secure_auth = false",
      `unbound = { ${unbound} }`,
    ].join("\n"),
  );
}

export function hostsFile(peers: Record<string, string>): string {
  return Object.entries(peers)
    .map(([name, address]) => `${address} ${name}\n`)
    .join("");
}

// Loopback only, and the origin check off: the add-on connects from moz-extension://.
function enableWebSocket(example: string, httpPort: number): string {
  const text = replaceOnce(example, "modules_enabled = {", `modules_enabled = {\n\t"websocket";`);
  return replaceOnce(
    text,
    "http_ports = { }",
    [`http_ports = { ${httpPort} }`, `http_interfaces = { "127.0.0.1" }`, "cross_domain_websocket = true", "consider_websocket_secure = true"].join("\n"),
  );
}
