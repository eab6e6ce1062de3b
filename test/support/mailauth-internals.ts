/**
 * mailauth 4.13.2's DKIM internals, typed once: the interop and property
 * tests compare XSMTP's canonicalization against them. They are not
 * mailauth's public API (hence require() of lib/ paths), so the types below
 * say only what the tests use, and a mailauth upgrade is checked here.
 */
import { createRequire } from "node:module";

export interface ParsedLine {
  key: string | null;
  line: Buffer;
}

const require = createRequire(import.meta.url);

export const mailauthTools = require("mailauth/lib/tools") as {
  parseHeaders(buf: Buffer): { parsed: ParsedLine[] };
  getSigningHeaderLines(parsed: ParsedLine[], fieldNames: string, verify: boolean): { keys: string; headers: ParsedLine[] };
  formatRelaxedLine(line: Buffer | string, suffix?: string): Buffer;
};

export const { relaxedHeaders } = require("mailauth/lib/dkim/header/relaxed") as {
  relaxedHeaders(type: string, lines: { headers: ParsedLine[] }, options: { signatureHeaderLine: string }): { canonicalizedHeader: Buffer };
};

export const { RelaxedHash } = require("mailauth/lib/dkim/body/relaxed") as {
  RelaxedHash: new (algorithm: string, maxBodyLength?: number) => { update(chunk: Buffer | null, final?: boolean): void; digest(encoding: "base64"): string };
};
