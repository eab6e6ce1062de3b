/**
 * stats (PROTOCOL.md §8): counters for admins, answered at once (no input,
 * so execute completes with the result form). Progress nodes and
 * verification counts belong to other features, which pass their counters
 * in (features.ts); without them they are 0.
 *
 * References: XEP-0050 §4.4 (result), XEP-0004 §3.1 (type result).
 */
import type { DataForm } from "../forms/data-form.js";
import type { IdentityCore } from "../keys/identity-core.js";
import type { Clock } from "../clock.js";
import type { CommandDef } from "./command-types.js";
import { nodeOf } from "./command-types.js";

export interface StatsDeps {
  core: IdentityCore;
  clock: Clock;
  /** When the service started, in clock milliseconds. */
  startedAt: number;
  progressNodes?: () => Promise<number>;
  resultCounts?: () => Promise<{ result: string; reason: string; n: number }[]>;
}

const RESULTS = ["pass", "fail", "permerror", "temperror"] as const;

export function statsCommand(deps: StatsDeps): CommandDef<never> {
  const form = async (): Promise<DataForm> => {
    const { users, keys } = await deps.core.counts();
    const byResult = new Map<string, number>(RESULTS.map((r) => [r, 0]));
    const reasons: string[] = [];
    for (const { result, reason, n } of (await deps.resultCounts?.()) ?? []) {
      byResult.set(result, (byResult.get(result) ?? 0) + n);
      if (reason) reasons.push(`${result} ${reason}: ${n}`);
    }
    const uptime = Math.floor((deps.clock.now() - deps.startedAt) / 1000);
    const num = (v: string, label: string, n: number) => ({ var: v, type: "text-single" as const, label, values: [String(n)] });
    return {
      type: "result",
      formType: nodeOf("stats"),
      fields: [
        num("users", "Enrolled users", users),
        num("keys-active", "Active keys", keys.active),
        num("keys-retired", "Retired keys", keys.retired),
        num("keys-revoked", "Revoked keys", keys.revoked),
        ...RESULTS.map((r) => num(`verifications-${r}`, `Verifications: ${r}`, byResult.get(r)!)),
        { var: "verification-reasons", type: "text-multi", label: "Verifications by reason", values: reasons },
        num("progress-nodes", "Progress nodes", (await deps.progressNodes?.()) ?? 0),
        num("uptime", "Uptime (seconds)", uptime),
      ],
    };
  };
  return {
    name: "stats",
    title: "Service statistics",
    selfService: false,
    start: async () => ({ status: "completed", form: await form(), note: { type: "info", text: "Counters since the database was created; uptime since start." } }),
    advance: async () => ({ status: "completed", form: await form() }),
  };
}
