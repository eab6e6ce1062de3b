/**
 * `--milter-profile DIR`: loaded with `NODE_OPTIONS=--import <this file>`
 * into each gateway, because Node refuses `--cpu-prof` in NODE_OPTIONS and
 * the gateways are spawned by devtools/xsmtp-process.ts with no node flags.
 * Profiles `xsmtp run` only (not the enroll command that shares the
 * environment) and writes DIR/<pid>.cpuprofile on exit. The in-thread
 * inspector session answers synchronously, so the 'exit' handler can stop
 * the profiler and write the file before the process is gone.
 */
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.XSMTP_BENCH_PROFILE_DIR;
if (dir && process.argv.includes("run")) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  // 1 ms sampling as --cpu-prof; finer sampling would cost the gateway itself.
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  process.once("exit", () => {
    session.post("Profiler.stop", (err, result) => {
      if (!err) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
