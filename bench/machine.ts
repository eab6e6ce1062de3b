/** What the figures were measured on: they only compare within one run, but the reader should know the box and how busy it was. */
import { cpus, loadavg } from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  /** Load average over 1, 5 and 15 minutes when asked: other jobs on a shared machine show here. */
  load: number[];
}

export function machine(): Machine {
  const list = cpus();
  return { cpu: list[0]?.model.trim() ?? "unknown", cores: list.length, node: process.version, load: loadavg() };
}
