/**
 * Runs the real SpamAssassin (local tests only, no network) over a message
 * with contrib/spamassassin/60_xsmtp.cf, its authserv-id set as an admin
 * would, and returns the rules that hit. Fails, never skips, without it.
 *
 * References: spamassassin(1p) -t, -L, --cf; Mail::SpamAssassin::Conf.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const RULE_FILE = new URL("../../../contrib/spamassassin/60_xsmtp.cf", import.meta.url);

/** The rule file for a gateway whose XSMTP_MILTER_AUTHSERV_ID is `authservId`, in a temp dir. */
export async function ruleFileFor(authservId: string, dir: string): Promise<string> {
  if (!existsSync("/usr/bin/spamassassin")) throw new Error("SpamAssassin is not installed (apt-get install spamassassin)");
  const text = (await readFile(RULE_FILE, "utf8")).replaceAll("mx\\.example\\.org", authservId.replaceAll(".", "\\."));
  const path = join(dir, "60_xsmtp.cf");
  await writeFile(path, text);
  return path;
}

export function spamassassin(args: string[], input = ""): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile("spamassassin", args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
    child.stdin!.end(input);
  });
}

export async function spamScore(message: string, authservId: string): Promise<{ tests: string[]; status: string }> {
  const dir = await mkdtemp(join(tmpdir(), "xsmtp-sa-"));
  try {
    const rules = await ruleFileFor(authservId, dir);
    const r = await spamassassin(["-t", "-L", `--cf=include ${rules}`], message);
    const status = /^X-Spam-Status: .*(?:\n[ \t].*)*/m.exec(r.out)?.[0]?.replace(/\n[ \t]+/g, " ") ?? `no X-Spam-Status in:\n${r.out}`;
    const tests = /tests=(.*?)(?: autolearn=| version=|$)/.exec(status)?.[1]?.split(/,\s*/) ?? [];
    return { tests, status };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
