/** The processes under load: `xsmtp run` as in production, the echo baseline, and their memory. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startXsmtp, type XsmtpProcess } from "../xsmtp-process.js";

const ECHO_BIN = fileURLToPath(new URL("./echo-component.js", import.meta.url));

export async function startComponent(env: Record<string, string>): Promise<XsmtpProcess> {
  const proc = startXsmtp(["run"], env);
  await proc.waitFor(/"msg":"online"/, 15_000);
  return proc;
}

export async function startEcho(service: string, domain: string, secret: string) {
  const child = spawn(process.execPath, [ECHO_BIN, service, domain, secret], { stdio: ["ignore", "pipe", "inherit"] });
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
