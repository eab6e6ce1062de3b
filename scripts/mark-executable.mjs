// tsc drops the executable bit; npm links bin entries either way, but a
// direct ./dist/.../xsmtp.js call (and `npm ci` without a relink) needs it.
import { chmodSync, existsSync } from "node:fs";

for (const name of ["xsmtp.js", "xsmtp-sendmail.js"]) {
  const bin = new URL(`../dist/cli/${name}`, import.meta.url);
  if (existsSync(bin)) chmodSync(bin, 0o755);
}
