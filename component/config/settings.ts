/**
 * Every configuration key XSMTP knows, in one table: its environment name,
 * its default value, how to read it and what it means. The config loader
 * (its defaults included), the
 * `xsmtp run --help` text and the README's reference are all made from it,
 * so they cannot drift apart.
 */
import { isIP } from "node:net";

export interface Setting<T> {
  env: string;
  description: string;
  /** The value when the setting is not given; the loader takes it from here. */
  default?: T;
  /** Help's wording of the default, where `String(default)` would not say it (or there is none). */
  defaultText?: string;
  /** Turns the raw text into a value, or returns an error message. */
  parse(raw: string): T | { invalid: string };
  /** Never print the value (help and errors show only the key). */
  secret?: boolean;
}

const text = (raw: string) => raw;

const positiveInt = (raw: string) =>
  /^[1-9][0-9]*$/.test(raw) ? Number(raw) : { invalid: "expected a positive whole number" };

const bool = (raw: string) =>
  /^(1|true|yes|on)$/i.test(raw) ? true : /^(0|false|no|off)$/i.test(raw) ? false : { invalid: "expected true or false" };

const list = (raw: string) =>
  raw
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/**
 * One xmpp://host:port, or several separated by commas: the component ports
 * of a cluster's nodes, tried in turn when the current one is gone.
 */
function service(raw: string) {
  const endpoints = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const endpoint of endpoints) {
    const match = /^xmpp:\/\/([^/:]+|\[[0-9a-fA-F:]+\]):([0-9]{1,5})$/.exec(endpoint);
    if (!match || Number(match[2]) > 65535) return { invalid: "expected xmpp://host:port of the server's component port (several: comma-separated)" };
  }
  return endpoints.length ? endpoints.join(",") : { invalid: "expected xmpp://host:port of the server's component port" };
}

function domain(raw: string) {
  const d = raw.trim().toLowerCase();
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(d)
    ? d
    : { invalid: "expected a domain name such as xsmtp.example.org" };
}

// "inet:host:port" or "unix:/absolute/path", as Postfix's smtpd_milters names a milter.
function milterAddress(raw: string) {
  return /^(inet:(\[[0-9a-fA-F:]+\]|[^\s:\[\]]+):[0-9]{1,5}|unix:\/\S+)$/.test(raw)
    ? raw
    : { invalid: "expected inet:host:port or unix:/absolute/path" };
}

// Addresses or CIDR blocks (IPv4 or IPv6); "none" for no internal host at all.
function hostList(raw: string) {
  const items = list(raw);
  if (items.length === 1 && items[0] === "none") return [];
  const bad = items.find((item) => {
    const [address, bits, extra] = item.split("/");
    const family = isIP(address ?? "");
    const max = family === 6 ? 128 : 32;
    return family === 0 || extra !== undefined || (bits !== undefined && !(/^[0-9]{1,3}$/.test(bits) && Number(bits) <= max));
  });
  return bad === undefined ? items : { invalid: `"${bad}" is not an IP address or CIDR block (or use none)` };
}

// "host:port" or "[v6]:port" for a TCP listener of our own (the metrics endpoint).
function listenAddress(raw: string) {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):([0-9]{1,5})$/.exec(raw);
  return match && Number(match[2]) <= 65535 ? raw : { invalid: "expected host:port, e.g. 127.0.0.1:9464" };
}

const oneOf =
  <T extends string>(...words: T[]) =>
  (raw: string) =>
    (words as string[]).includes(raw.toLowerCase()) ? (raw.toLowerCase() as T) : { invalid: `expected one of ${words.join(", ")}` };

function logLevel(raw: string) {
  return ["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(raw)
    ? raw
    : { invalid: "expected one of fatal, error, warn, info, debug, trace, silent" };
}

const THIRTY_DAYS_S = 30 * 24 * 3600;

export const settings = {
  service: { env: "XSMTP_SERVICE", description: "xmpp://host:port of the XMPP server's component port (XEP-0114); a cluster's nodes comma-separated, tried in turn", parse: service },
  domain: { env: "XSMTP_DOMAIN", description: "the component's JID, e.g. xsmtp.example.org", parse: domain },
  secret: { env: "XSMTP_SECRET", description: "the component secret shared with the XMPP server", parse: text, secret: true },
  database: {
    env: "XSMTP_DATABASE",
    description: "SQLite database file (created when missing), or a postgres:// URL shared by several instances", default: "./xsmtp.sqlite", parse: text },
  keyFile: {
    env: "XSMTP_KEY_FILE",
    description: "master key that encrypts user secrets at rest (created with mode 0600 when missing)",
    default: "./xsmtp.key",
    parse: text,
  },
  admins: { env: "XSMTP_ADMINS", description: "comma-separated bare JIDs of administrators", default: [] as string[], defaultText: "(none)", parse: list },
  userDomains: {
    env: "XSMTP_USER_DOMAINS",
    description: "comma-separated domains whose users this service speaks for",
    defaultText: "the parent domain of XSMTP_DOMAIN",
    parse: list,
  },
  maxSignatureAge: {
    env: "XSMTP_MAX_SIGNATURE_AGE",
    description: "oldest signature (seconds since t=) that still verifies",
    default: THIRTY_DAYS_S,
    defaultText: `${THIRTY_DAYS_S} (30 days)`,
    parse: positiveInt,
  },
  verifyRate: {
    env: "XSMTP_VERIFY_RATE",
    description: "verifications per minute allowed from one verifier domain",
    default: 600,
    parse: positiveInt,
  },
  standby: {
    env: "XSMTP_STANDBY",
    description: "wait as a standby while another instance holds the component JID (Prosody: one connection per component), taking over when it goes",
    default: false,
    parse: bool,
  },
  selfService: {
    env: "XSMTP_SELF_SERVICE",
    description: "let users of the user domains enroll and manage their own keys",
    default: true,
    parse: bool,
  },
  sessionTimeout: {
    env: "XSMTP_COMMAND_TIMEOUT",
    description: "seconds an ad-hoc command session stays open",
    default: 600,
    parse: positiveInt,
  },
  retention: {
    env: "XSMTP_RETENTION",
    description: "seconds progress nodes are kept",
    default: THIRTY_DAYS_S,
    defaultText: `${THIRTY_DAYS_S} (30 days)`,
    parse: positiveInt,
  },
  logLevel: { env: "XSMTP_LOG_LEVEL", description: "log level", default: "info", parse: logLevel },
  milter: {
    env: "XSMTP_MILTER",
    description: "serve the mail gateway milter on inet:host:port or unix:/path (Postfix smtpd_milters)",
    defaultText: "(off)",
    parse: milterAddress,
  },
  milterInternalHosts: {
    env: "XSMTP_MILTER_INTERNAL_HOSTS",
    description: "comma-separated client addresses or CIDR blocks whose mail the gateway signs (none: no host)",
    default: ["127.0.0.0/8", "::1"],
    defaultText: "127.0.0.0/8,::1",
    parse: hostList,
  },
  milterAuthservId: {
    env: "XSMTP_MILTER_AUTHSERV_ID",
    description: "authserv-id of the gateway's Authentication-Results (RFC 8601)",
    defaultText: "the host name",
    parse: text,
  },
  milterOnFail: {
    env: "XSMTP_MILTER_ON_FAIL",
    description: "what the gateway does with a failed signature whose From aligns: mark, quarantine or reject",
    default: "mark" as const,
    parse: oneOf("mark", "quarantine", "reject"),
  },
  milterOnTemperror: {
    env: "XSMTP_MILTER_ON_TEMPERROR",
    description: "what the gateway does when the sender's service cannot answer: accept or tempfail",
    default: "accept" as const,
    parse: oneOf("accept", "tempfail"),
  },
  metrics: {
    env: "XSMTP_METRICS",
    description: "serve Prometheus metrics at http://host:port/metrics (no authentication: keep it on loopback, e.g. 127.0.0.1:9464)",
    defaultText: "(off)",
    parse: listenAddress,
  },
} satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof settings;

/** How help shows a setting's default, or undefined when it has none (a required setting). */
export function defaultShown(setting: Setting<unknown>): string | undefined {
  return setting.defaultText ?? (setting.default === undefined ? undefined : String(setting.default));
}
