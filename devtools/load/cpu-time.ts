/** CPU seconds a process has used so far (user + system, Linux /proc): the bench's CPU shares under load. */
import { readFileSync } from "node:fs";

export function cpuSeconds(pid: number): number {
  // Fields after the parenthesized command name; utime and stime are the 12th and 13th of them.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
