// Makes sure server processes started by tests never outlive the test process,
// even when a test fails before calling stop(): each harness registers a
// synchronous hard-kill, run on exit and on SIGINT/SIGTERM.

const killers = new Set<() => void>();
let installed = false;

function killAll(): void {
  for (const kill of killers) {
    try {
      kill();
    } catch {
      // The process is already gone; nothing else can be done while exiting.
    }
  }
  killers.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal); // default action now that we are no longer listening
    });
  }
}

/** Registers a synchronous hard-kill; call the returned function once stopped cleanly. */
export function onTestProcessExit(kill: () => void): () => void {
  install();
  killers.add(kill);
  return () => killers.delete(kill);
}

/** Sends `signal` to a whole process group (a child spawned with detached: true). */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: already exited.
  }
}
