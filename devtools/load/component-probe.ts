/**
 * Preloaded into `xsmtp run` by the bench (node --import): records the event
 * loop's delay while the component runs and writes its percentiles (ms) to
 * $XSMTP_BENCH_LOOP_DELAY at exit; with $XSMTP_BENCH_CPU_PROFILE set, also a
 * CPU profile (through the inspector: NODE_OPTIONS may not carry --cpu-prof).
 * Never shipped; the service itself knows nothing of it.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { monitorEventLoopDelay } from "node:perf_hooks";

const delayFile = process.env.XSMTP_BENCH_LOOP_DELAY;
const profileFile = process.env.XSMTP_BENCH_CPU_PROFILE;
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
const session = profileFile ? new Session() : undefined;
if (session) {
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.start");
}
process.on("exit", () => {
  const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
  if (delayFile) writeFileSync(delayFile, JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) }) + "\n");
  // The in-process session answers synchronously, so this completes before exit.
  session?.post("Profiler.stop", (err, result) => {
    if (!err) writeFileSync(profileFile!, JSON.stringify(result.profile));
  });
});
