// tsc drops the executable bit; npm links bin entries either way, but a
// direct ./dist/.../xsmtp.js call (and `npm ci` without a relink) needs it.
import { chmodSync, existsSync } from "node:fs";

const bin = new URL("../dist/component/cli/xsmtp.js", import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
