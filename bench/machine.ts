/** What the figures were measured on: they only compare within one run, but the reader should know the box. */
import { cpus } from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
}

export function machine(): Machine {
  const list = cpus();
  return { cpu: list[0]?.model.trim() ?? "unknown", cores: list.length, node: process.version };
}
