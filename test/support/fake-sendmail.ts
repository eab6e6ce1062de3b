/** A fake /usr/sbin/sendmail that records its argv (one per line), environment and stdin in a directory. */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface FakeSendmail {
  path: string;
  dir: string;
  argv(): string[];
  stdin(): Buffer;
  /** The environment it ran with. */
  env(): Record<string, string>;
}

export function fakeSendmail(exitCode = 0): FakeSendmail {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-fake-sendmail-"));
  const path = join(dir, "sendmail");
  writeFileSync(path, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${dir}/argv'\nenv -0 > '${dir}/env'\ncat > '${dir}/stdin'\nexit ${exitCode}\n`);
  chmodSync(path, 0o755);
  return {
    path,
    dir,
    argv: () => readFileSync(join(dir, "argv"), "utf8").split("\n").slice(0, -1),
    stdin: () => readFileSync(join(dir, "stdin")),
    env: () => {
      const entries = readFileSync(join(dir, "env"), "utf8").split("\0").slice(0, -1);
      return Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    },
  };
}
