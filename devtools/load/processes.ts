/** The echo baseline the benchmark loads beside `xsmtp run` (devtools/xsmtp-process.ts), and their memory. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ECHO_BIN = fileURLToPath(new URL("./echo-component.js", import.meta.url));

/** `notify`: the echo that also answers with a pass and sends its headline (echo-component.ts). */
export async function startEcho(service: string, domain: string, secret: string, { notify = false } = {}) {
  const child = spawn(process.execPath, [ECHO_BIN, service, domain, secret, ...(notify ? ["--notify"] : [])], { stdio: ["ignore", "pipe", "inherit"] });
  process.once("exit", () => child.kill("SIGKILL"));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("echo component did not come online")), 15_000);
    child.stdout.on("data", (d: Buffer) => {
      if (d.toString().includes("online")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

/** VmRSS of a process, in MB (Linux). */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  if (!line) throw new Error(`no VmRSS for ${pid}`);
  return Number(line[1]) / 1024;
}
