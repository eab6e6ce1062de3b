/**
 * Preloaded into `xsmtp run` by the bench (node --import): records the event
 * loop's delay while the component runs and writes its percentiles (ms) to
 * $XSMTP_BENCH_LOOP_DELAY at exit; SIGUSR2 (sent when the load starts) keeps
 * what was seen until then apart (start-up: loading modules, opening and
 * migrating the database) and starts the count afresh; with $XSMTP_BENCH_CPU_PROFILE set, also a
 * CPU profile (through the inspector: NODE_OPTIONS may not carry --cpu-prof).
 * Never shipped; the service itself knows nothing of it.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { monitorEventLoopDelay, PerformanceObserver, constants } from "node:perf_hooks";

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
// The longest garbage-collection pauses, by kind: what the delay's max is made of, or not.
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};
let gcMax: Record<string, number> = {};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = GC_KINDS[(entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? "other";
    gcMax[kind] = Math.max(gcMax[kind] ?? 0, entry.duration);
  }
}).observe({ entryTypes: ["gc"] });
const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
const summary = () => ({
  p50: ms(h.percentile(50)),
  p99: ms(h.percentile(99)),
  max: ms(h.max),
  mean: ms(h.mean),
  gc_max_ms: Object.fromEntries(Object.entries(gcMax).map(([kind, d]) => [kind, Number(d.toFixed(2))])),
});
let beforeLoad: ReturnType<typeof summary> | undefined;
process.on("SIGUSR2", () => {
  beforeLoad = summary();
  h.reset();
  gcMax = {};
});
process.on("exit", () => {
  if (delayFile) writeFileSync(delayFile, JSON.stringify({ ...summary(), ...(beforeLoad ? { before_load: beforeLoad } : {}) }) + "\n");
  // The in-process session answers synchronously, so this completes before exit.
  session?.post("Profiler.stop", (err, result) => {
    if (!err) writeFileSync(profileFile!, JSON.stringify(result.profile));
  });
});
