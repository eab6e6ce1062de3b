/**
 * Loads XSMTP's configuration: an optional file of KEY=value lines (the same
 * names as the environment variables, `#` comments), overridden by the
 * environment. The file format is dotenv's, read by node's own util.parseEnv,
 * so the sample file documents itself and no extra parser is needed.
 */
import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { settings, type SettingName } from "./settings.js";

export interface Config {
  service: string;
  domain: string;
  secret: string;
  database: string;
  keyFile: string;
  admins: string[];
  userDomains: string[];
  maxSignatureAge: number;
  verifyRate: number;
  selfService: boolean;
  standby: boolean;
  sessionTimeout: number;
  retention: number;
  logLevel: string;
  /** The mail gateway (mail/gateway/README.md); off when milter is undefined. */
  milter?: string;
  milterInternalHosts: string[];
  /** Undefined: the host name. */
  milterAuthservId?: string;
  milterOnFail: "mark" | "quarantine" | "reject";
  milterOnTemperror: "accept" | "tempfail";
  /** host:port of the Prometheus endpoint (component/metrics/); off when undefined. */
  metrics?: string;
}

/** The defaults, from the one table in settings.ts. */
const defaults = Object.fromEntries(
  Object.entries(settings).flatMap(([name, setting]) => ("default" in setting ? [[name, setting.default]] : [])),
) as Omit<Config, "service" | "domain" | "secret" | "userDomains" | "milter" | "milterAuthservId" | "metrics">;

/** A configuration problem, worded for the person starting XSMTP. */
export class ConfigError extends Error {}

/** Which settings a command needs: `run` needs the connection, `user` does not. */
export type Requirement = "component" | "store";

export function loadConfig(options: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  require: Requirement;
}): Config {
  const env = options.env ?? process.env;
  const fromFile = options.file ? readConfigFile(options.file) : {};
  const raw = (name: SettingName): string | undefined => {
    const key = settings[name].env;
    const value = env[key] ?? fromFile[key];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };

  const values: Record<string, unknown> = { ...defaults };
  for (const name of Object.keys(settings) as SettingName[]) {
    const text = raw(name);
    if (text === undefined) continue;
    const parsed = settings[name].parse(text);
    if (typeof parsed === "object" && parsed !== null && "invalid" in parsed) {
      const shown = "secret" in settings[name] ? "" : ` (got "${text}")`;
      throw new ConfigError(`${settings[name].env} is invalid${shown}: ${parsed.invalid}`);
    }
    values[name] = parsed;
  }

  const needed: SettingName[] = options.require === "component" ? ["service", "domain", "secret"] : ["domain"];
  for (const name of needed) {
    if (values[name] === undefined) {
      throw new ConfigError(`${settings[name].env} is not set: ${settings[name].description}`);
    }
  }
  if (values.userDomains === undefined || (values.userDomains as string[]).length === 0) {
    values.userDomains = [parentDomain(values.domain as string)];
  }
  for (const admin of values.admins as string[]) {
    if (!/^[^@/\s]+@[^@/\s]+$/.test(admin)) {
      throw new ConfigError(`XSMTP_ADMINS is invalid: "${admin}" is not a bare JID (user@domain)`);
    }
  }
  return values as unknown as Config;
}

function readConfigFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const parsed = parseEnv(text) as Record<string, string>;
  const known = new Set(Object.values(settings).map((s) => s.env));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError(`config file ${file}: unknown key ${key}`);
  }
  return parsed;
}

/** `xsmtp.example.org` speaks for `example.org` unless told otherwise (PROTOCOL.md §1). */
export function parentDomain(domain: string): string {
  const dot = domain.indexOf(".");
  return dot > 0 && domain.indexOf(".", dot + 1) > 0 ? domain.slice(dot + 1) : domain;
}
