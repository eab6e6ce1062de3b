/**
 * Who used the CPU while one side of a bench ran: a snapshot of every
 * process's CPU seconds (Linux /proc), grouped into parts (the mail path's
 * for the milter bench; cpuSnapshotBy takes any grouping). Only one side runs at a time, so a part's difference between
 * two snapshots is that side's cost, whatever else the machine does (the
 * other helper's jobs, their Prosody included, fall into no part). Children that exited meanwhile
 * are counted through their parent's cutime/cstime (Postfix's master reaps
 * its smtpd and cleanup processes; the bench reaps smtp-source).
 */
import { readdirSync, readFileSync } from "node:fs";

export type Part = "postfix" | "signer" | "verifier" | "prosody" | "opendkim" | "load";
export type Shares = Partial<Record<Part, number>>;

export interface Parts {
  signer: number;
  verifier: number;
  prosody: number;
  uids: { postfix: number; opendkim: number };
}

export interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  uid: number;
  /** utime + stime (own) and cutime + cstime (reaped children), in seconds. */
  own: number;
  children: number;
}

function read(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const uid = Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/^Uid:\s+(\d+)/m)?.[1]);
    return { pid, ppid: Number(f[1]), comm, uid, own: (Number(f[11]) + Number(f[12])) / 100, children: (Number(f[13]) + Number(f[14])) / 100 };
  } catch {
    return undefined; // gone between readdir and read
  }
}

function partOf(p: Proc, parts: Parts): { part: Part; withChildren: boolean } | undefined {
  if (p.pid === parts.signer) return { part: "signer", withChildren: false };
  if (p.pid === parts.verifier) return { part: "verifier", withChildren: false };
  if (p.pid === process.pid) return { part: "load", withChildren: true }; // our SMTP client, and smtp-source once reaped
  if (p.comm === "smtp-source") return { part: "load", withChildren: false };
  if (p.comm === "master") return { part: "postfix", withChildren: true };
  if (p.uid === parts.uids.postfix) return { part: "postfix", withChildren: false };
  if (p.pid === parts.prosody) return { part: "prosody", withChildren: false };
  if (p.uid === parts.uids.opendkim || p.comm === "opendkim") return { part: "opendkim", withChildren: false };
  return undefined;
}

export function cpuSnapshot(parts: Parts): Shares {
  return cpuSnapshotBy((p) => partOf(p, parts));
}

/**
 * The same for any grouping: `classify` names a process's part, and whether
 * its reaped children count too (a server whose workers come and go).
 */
export function cpuSnapshotBy<P extends string>(classify: (p: Proc) => { part: P; withChildren: boolean } | undefined): Partial<Record<P, number>> {
  const out: Partial<Record<P, number>> = {};
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const p = read(Number(name));
    const part = p && classify(p);
    if (part) out[part.part] = (out[part.part] ?? 0) + p.own + (part.withChildren ? p.children : 0);
  }
  return out;
}

/** CPU milliseconds per message for each part between two snapshots. */
export function perMessageMs(before: Shares, after: Shares, messages: number): Shares {
  const out: Shares = {};
  for (const part of Object.keys(after) as Part[]) out[part] = (((after[part] ?? 0) - (before[part] ?? 0)) * 1000) / messages;
  return out;
}
